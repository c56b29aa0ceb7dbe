"""Joint mode across slots: which poll topics run in which slot and room, and who goes where.

From a poll's ballots (an approval ballot, or a ranked one read as approving every ranked
topic) and several non-overlapping slots with their rooms, the pure solver
(app/assignment/solver/schedule.py) picks the sessions and seats people: first as many people
as possible get a topic they approved, then as many (person, approved topic) places as
possible; nobody gets two sessions in one slot or one topic twice. A voter busy in a slot
(holding a place, seat or waiting list, at that time) gets nothing there; a topic they already
hold a place in (any time) is not offered again.

Not a dry run: under the event's lock the sessions are created by their owner (sessions
service) and the seats taken by theirs (enrollments service, a conditional UPDATE per seat),
in the request's transaction; each person placed gets one notice listing all their workshops.
A slot where sessions of this poll's topics already run is refused (409), so a second run
never doubles sessions or seats.
"""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from app.assignment.schedule_schemas import JointScheduleOut, ScheduledSession, SlotIn
from app.assignment.solver.schedule import schedule_topics
from app.common.ids import id_of
from app.enrollments.models import EnrollmentSource
from app.enrollments.service import busy_during, places_in_sessions, seat_all_locked
from app.errors import Conflict, Invalid
from app.events.service import get_event, lock_event
from app.messages import notices
from app.sessions.models import SessionKind
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session, sessions_of_topics_during
from app.voting.models import Poll
from app.voting.results import counted_ballot_owners
from app.voting.service import topics_of


def run_joint_schedule(  # noqa: C901
    db: Session, *, poll: Poll, slots: list[SlotIn], dry_run: bool, time_limit: float
) -> JointScheduleOut:
    poll_id = id_of(poll)
    event = get_event(db, event_id=poll.event_id, include_unpublished=True)
    if not dry_run:
        lock_event(db, event_id=poll.event_id)  # nobody enrolls, leaves or cancels meanwhile
    topics = topics_of(db, poll_id=poll_id)
    if not topics:
        raise Invalid("The poll has no topics.")
    ids = [id_of(t) for t in topics]
    if not dry_run:
        taken = sorted(
            {
                s
                for slot in slots
                for s in sessions_of_topics_during(
                    db, event_id=poll.event_id, topic_ids=ids, starts_at=slot.starts_at, ends_at=slot.ends_at
                )
            }
        )
        if taken:
            raise Conflict(
                f"Sessions of this poll's topics already run in these slots ({taken}); delete them "
                "first or choose other slots.",
                session_ids=taken,
            )
    blocked: dict[int, set[int]] = defaultdict(set)
    for s, slot in enumerate(slots):
        for reg in busy_during(db, event_id=poll.event_id, starts_at=slot.starts_at, ends_at=slot.ends_at):
            blocked[reg].add(s)
    # sessions are within the event's days (sessions service), so this window holds them all
    first = datetime.combine(event.starts_on - timedelta(days=1), time(), UTC)
    last = datetime.combine(event.ends_on + timedelta(days=2), time(), UTC)
    held: dict[int, set[int]] = defaultdict(set)
    for topic_id in ids:
        sessions = sessions_of_topics_during(
            db, event_id=poll.event_id, topic_ids=[topic_id], starts_at=first, ends_at=last
        )
        for reg, _, _, _ in places_in_sessions(db, session_ids=sessions):
            held[reg].add(topic_id)
    approvals = {
        reg: set(ballot) & set(ids) - held[reg]
        for reg, ballot in counted_ballot_owners(db, poll_id=poll_id).items()
        if len(blocked[reg]) < len(slots)
    }
    approvals = {reg: wanted for reg, wanted in approvals.items() if wanted}
    try:
        result = schedule_topics(
            approvals, ids, [[r.capacity for r in slot.rooms] for slot in slots], blocked=blocked, time_limit=time_limit
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    seated: dict[tuple[int, int], list[int]] = defaultdict(list)  # (slot, topic) -> registrations
    for reg, timetable in result.assignment.items():
        for s, topic_id in timetable:
            seated[(s, topic_id)].append(reg)
    titles = {id_of(t): t.title for t in topics}
    out = []
    placed: dict[int, list[int]] = defaultdict(list)
    for s, r, topic_id in result.sessions:
        slot, room = slots[s], slots[s].rooms[r]
        session_id = None
        if not dry_run:
            session = create_session(
                db,
                event_id=poll.event_id,
                topic_id=topic_id,
                data=SessionCreate(
                    title=titles[topic_id],
                    kind=SessionKind.workshop,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    room=room.room,
                    capacity=room.capacity,
                ),
            )
            session_id = id_of(session)
            seat_all_locked(
                db, session_id=session_id, registration_ids=seated[(s, topic_id)], source=EnrollmentSource.assignment
            )
            for reg in seated[(s, topic_id)]:
                placed[reg].append(session_id)
        out.append(
            ScheduledSession(
                slot=s,
                topic_id=topic_id,
                title=titles[topic_id],
                room=room.room,
                capacity=room.capacity,
                assigned=len(seated[(s, topic_id)]),
                session_id=session_id,
            )
        )
    if placed:
        notices.assignment_committed(db, event=event, seats=placed)
    gaps = [
        (b - v) / b
        for v, b in ((result.people_served, result.people_bound), (result.pairs_served, result.pairs_bound))
        if b > 0
    ]
    return JointScheduleOut(
        dry_run=dry_run,
        voters=len(approvals),
        people_served=result.people_served,
        people_bound=result.people_bound,
        pairs_served=result.pairs_served,
        pairs_bound=result.pairs_bound,
        gap=max([0.0, *gaps]),
        optimal=result.optimal,
        status=result.status,
        seconds=round(result.seconds, 4),
        sessions=out,
    )
