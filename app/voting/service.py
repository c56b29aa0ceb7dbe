"""Topic polls: organizers set them up, participants propose topics and cast one ballot each."""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from app.common.ids import id_of
from app.common.locking import lock, lock_shared
from app.common.time import utcnow
from app.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from app.events.service import get_event
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.service import any_session_of_topics
from app.voting.models import Ballot, BallotChoice, Poll, PollStatus, Topic, TopicStatus
from app.voting.schemas import PollCreate, PollUpdate, TopicCreate, TopicUpdate


class PollClosed(AppError):
    status, code, title = 409, "poll-closed", "The poll is not open"


def in_window(poll: Poll, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (poll.opens_at is None or now >= poll.opens_at) and (poll.closes_at is None or now < poll.closes_at)


def is_published(db: Session, *, poll_id: int) -> bool:
    """Whether workshops of this poll's topics are in the programme (published, or made by a joint run):
    the ballots they were chosen from can no longer change."""
    return any_session_of_topics(db, topic_ids=select(Topic.id).where(Topic.poll_id == poll_id))


def status_of(db: Session, poll: Poll, now: datetime | None = None) -> PollStatus:
    now = now or utcnow()
    if is_published(db, poll_id=id_of(poll)):
        return PollStatus.published
    if in_window(poll, now):
        return PollStatus.open
    return PollStatus.upcoming if poll.opens_at is not None and now < poll.opens_at else PollStatus.closed


def is_open(db: Session, poll: Poll) -> bool:
    """Ballots (and proposals) are taken: inside the window and not yet published."""
    return status_of(db, poll) == PollStatus.open


def _check_not_published(db: Session, poll: Poll) -> None:
    if is_published(db, poll_id=id_of(poll)):
        raise PollClosed("The poll's winners are published as workshops; the poll is closed for good.")


def get_poll(db: Session, *, poll_id: int, include_unpublished: bool = False) -> Poll:
    """The poll; a poll of an event the caller may not see answers exactly like an unknown one
    (the answer must not tell which event, or that there is a poll at all)."""
    poll = db.get(Poll, poll_id)
    try:
        if poll is not None:
            get_event(db, event_id=poll.event_id, include_unpublished=include_unpublished)
    except NotFound:
        poll = None
    if poll is None:
        raise NotFound(f"Poll {poll_id} does not exist.")
    return poll


def create_poll(db: Session, *, event_id: int, data: PollCreate) -> Poll:
    get_event(db, event_id=event_id, include_unpublished=True)
    poll = Poll(event_id=event_id, **data.model_dump())
    db.add(poll)
    db.flush()
    return poll


def list_polls(db: Session, *, event_id: int, include_unpublished: bool) -> list[Poll]:
    get_event(db, event_id=event_id, include_unpublished=include_unpublished)
    return list(db.exec(select(Poll).where(Poll.event_id == event_id).order_by(col(Poll.id))).all())


def update_poll(db: Session, *, poll_id: int, data: PollUpdate) -> Poll:
    poll = get_poll(db, poll_id=poll_id, include_unpublished=True)
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(poll, name, value)
    if poll.opens_at and poll.closes_at and poll.closes_at <= poll.opens_at:
        raise Invalid("closes_at must be after opens_at.", field="closes_at")
    db.add(poll)
    db.flush()
    return poll


def delete_poll(db: Session, *, poll_id: int) -> None:
    db.delete(get_poll(db, poll_id=poll_id, include_unpublished=True))
    db.flush()


def topics_of(db: Session, *, poll_id: int, statuses: tuple[TopicStatus, ...] = (TopicStatus.approved,)) -> list[Topic]:
    return list(
        db.exec(
            select(Topic).where(Topic.poll_id == poll_id, col(Topic.status).in_(statuses)).order_by(col(Topic.id))
        ).all()
    )


def add_topic(db: Session, *, poll_id: int, data: TopicCreate, proposed_by: Registration | None = None) -> Topic:
    poll = get_poll(db, poll_id=poll_id, include_unpublished=proposed_by is None)
    status = TopicStatus.approved
    if proposed_by is not None:
        if not poll.allow_proposals:
            raise Forbidden("This poll does not take proposals from participants.")
        _check_voter(poll, proposed_by)
        if not in_window(poll) and poll.closes_at is not None and utcnow() >= poll.closes_at:
            raise PollClosed("The poll has closed; proposals are no longer taken.")
        _check_not_published(db, poll)
        status = TopicStatus.proposed
    topic = Topic(
        poll_id=poll_id, status=status, proposed_by=proposed_by.id if proposed_by else None, **data.model_dump()
    )
    db.add(topic)
    db.flush()
    return topic


def _locked_topic(db: Session, topic_id: int) -> Topic:
    """The topic, with its poll locked against ballots being cast meanwhile (see `cast_ballot`)."""
    topic = db.get(Topic, topic_id)
    if topic is None:
        raise NotFound(f"Topic {topic_id} does not exist.")
    lock(db, Poll, topic.poll_id)
    db.refresh(topic)
    return topic


def update_topic(db: Session, *, topic_id: int, data: TopicUpdate) -> Topic:
    topic = _locked_topic(db, topic_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("status") in (TopicStatus.rejected, TopicStatus.proposed) and _has_votes(db, topic_id):
        raise Conflict("Ballots already name this topic; it cannot be taken off the ballot now.")
    for name, value in changes.items():
        setattr(topic, name, value)
    db.add(topic)
    db.flush()
    return topic


def delete_topic(db: Session, *, topic_id: int) -> None:
    topic = _locked_topic(db, topic_id)
    if _has_votes(db, topic_id):
        raise Conflict("Ballots already name this topic; it cannot be deleted.")
    db.delete(topic)
    db.flush()


def _has_votes(db: Session, topic_id: int) -> bool:
    return db.exec(select(func.count()).select_from(BallotChoice).where(BallotChoice.topic_id == topic_id)).one() > 0


def _check_voter(poll: Poll, reg: Registration) -> None:
    if reg.event_id != poll.event_id:
        raise NotFound(f"Poll {poll.id} does not exist in your event.")
    if reg.status != RegistrationStatus.confirmed:
        raise Forbidden("Only confirmed registrants can take part in the poll.")


def cast_ballot(db: Session, *, poll_id: int, reg: Registration, topic_ids: list[int]) -> Ballot:
    """Store the caller's ballot, replacing an earlier one (one ballot per registration)."""
    poll = get_poll(db, poll_id=poll_id)
    _check_voter(poll, reg)
    if not in_window(poll):
        raise PollClosed(
            "Voting is possible only while the poll is open "
            f"({poll.opens_at or 'now'} to {poll.closes_at or 'its close'})."
        )
    reg_id = id_of(reg)
    lock(db, Registration, reg_id)  # one person's concurrent ballots are serialised
    # Voters share the poll's lock; a topic's status change and publishing take it exclusively,
    # so the ballot is checked against the topics as they are once no such change is under way.
    lock_shared(db, Poll, poll_id)
    _check_not_published(db, poll)
    valid = {t.id for t in topics_of(db, poll_id=poll_id)}
    unknown = [t for t in topic_ids if t not in valid]
    if unknown:
        raise Invalid(f"Not topics on this poll's ballot: {unknown}.", field="topic_ids")
    ballot = db.exec(select(Ballot).where(Ballot.poll_id == poll_id, Ballot.registration_id == reg_id)).first()
    if ballot is None:
        ballot = Ballot(poll_id=poll_id, registration_id=reg_id)
        db.add(ballot)
        db.flush()
    else:
        db.execute(delete(BallotChoice).where(col(BallotChoice.ballot_id) == ballot.id))
        ballot.updated_at = utcnow()
        db.add(ballot)
    ballot_id = id_of(ballot)
    db.add_all(BallotChoice(ballot_id=ballot_id, topic_id=t, rank=i) for i, t in enumerate(topic_ids))
    db.flush()
    return ballot


def ballot_topics(db: Session, *, ballot_id: int) -> list[int]:
    return list(
        db.exec(
            select(BallotChoice.topic_id).where(BallotChoice.ballot_id == ballot_id).order_by(col(BallotChoice.rank))
        ).all()
    )


def own_ballot(db: Session, *, poll_id: int, reg: Registration) -> Ballot:
    poll = get_poll(db, poll_id=poll_id)
    _check_voter_event(poll, reg)
    ballot = db.exec(select(Ballot).where(Ballot.poll_id == poll_id, Ballot.registration_id == reg.id)).first()
    if ballot is None:
        raise NotFound("You have not voted in this poll.")
    return ballot


def _check_voter_event(poll: Poll, reg: Registration) -> None:
    if reg.event_id != poll.event_id:
        raise NotFound(f"Poll {poll.id} does not exist in your event.")


def withdraw_ballot(db: Session, *, poll_id: int, reg: Registration) -> None:
    ballot = own_ballot(db, poll_id=poll_id, reg=reg)
    if not is_open(db, get_poll(db, poll_id=poll_id)):
        raise PollClosed("The poll is closed; the ballot can no longer be withdrawn.")
    db.delete(ballot)
    db.flush()


def ballots_of(db: Session, *, registration_id: int) -> list[tuple[Ballot, list[int]]]:
    ballots = db.exec(
        select(Ballot).where(Ballot.registration_id == registration_id).order_by(col(Ballot.poll_id))
    ).all()
    return [(b, ballot_topics(db, ballot_id=id_of(b))) for b in ballots]


def delete_ballots(db: Session, *, registration_id: int) -> None:
    """Delete every ballot of a registration (erasure of a cancelled registration)."""
    db.execute(delete(Ballot).where(col(Ballot.registration_id) == registration_id))
