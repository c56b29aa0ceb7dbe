"""Joint mode: choose which topics run AND who goes where (capacitated Chamberlin-Courant).

From a poll's ballots (an approval ballot, or a ranked one read as approving every ranked
topic) and the rooms of one time slot, pick the topics and place each voter in a topic
they approved, maximising the number of people placed. Starts from the Method of Equal
Shares winners for large polls (local search); small polls are solved exactly (MILP).
"""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from app.assignment.schemas import JointOut, JointTopic
from app.assignment.solver.joint import choose_topics_and_assign
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.errors import Invalid
from app.sessions.models import EventSession, SessionKind
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session
from app.voting import rules
from app.voting.models import Poll
from app.voting.results import counted_ballot_owners
from app.voting.schemas import RoomIn
from app.voting.service import topics_of


def run_joint(db: Session, *, poll: Poll, rooms: list[RoomIn], starts_at: datetime, ends_at: datetime,
              dry_run: bool, time_limit: float) -> JointOut:
    topics = topics_of(db, poll_id=poll.id)
    if not topics:
        raise Invalid("The poll has no topics.")
    ids = [t.id for t in topics]
    approvals = {reg: set(ballot) & set(ids) for reg, ballot in counted_ballot_owners(db, poll_id=poll.id).items()}
    approvals = {reg: topics_ for reg, topics_ in approvals.items() if topics_}
    k = min(len(rooms), len(topics))
    index = {t: i for i, t in enumerate(ids)}
    mes = rules.compute("equal_shares", [[index[t] for t in a] for a in approvals.values()], len(ids), k,
                        "approval") if approvals else None
    initial = [ids[i] for i in mes.winners] if mes else None
    try:
        result = choose_topics_and_assign(approvals, ids, [r.capacity for r in rooms], k, initial=initial,
                                          time_limit=time_limit)
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    by_topic: dict[int, list[int]] = {}
    for reg, topic in result.assignment.items():
        by_topic.setdefault(topic, []).append(reg)
    titles = {t.id: t.title for t in topics}
    chosen = [JointTopic(topic_id=t, title=titles[t], room=rooms[result.rooms[t]].room,
                         capacity=rooms[result.rooms[t]].capacity, assigned=len(by_topic.get(t, [])))
              for t in result.topics]
    session_ids: list[int] = []
    if not dry_run:
        session_ids = _write(db, poll=poll, chosen=chosen, by_topic=by_topic, starts_at=starts_at, ends_at=ends_at)
    return JointOut(
        dry_run=dry_run, voters=len(approvals), covered=result.covered,
        coverage_share=result.covered / len(approvals) if approvals else 0.0,
        bound=result.bound, optimal=result.optimal, status=result.status, seconds=round(result.seconds, 4),
        topics=chosen, session_ids=session_ids,
    )


def _write(db: Session, *, poll: Poll, chosen: list[JointTopic], by_topic: dict[int, list[int]],
           starts_at: datetime, ends_at: datetime) -> list[int]:
    made = []
    for item in chosen:
        session = create_session(db, event_id=poll.event_id, data=SessionCreate(
            title=item.title, kind=SessionKind.workshop, starts_at=starts_at, ends_at=ends_at,
            room=item.room, capacity=item.capacity))
        session.topic_id = item.topic_id
        db.add(session)
        db.flush()
        people = by_topic.get(item.topic_id, [])
        db.add_all(Enrollment(session_id=session.id, registration_id=r, status=EnrollmentStatus.enrolled,
                              source=EnrollmentSource.assignment) for r in people)
        db.execute(update(EventSession).where(col(EventSession.id) == session.id).values(enrolled=len(people)))
        made.append(session.id)
    db.flush()
    return made
