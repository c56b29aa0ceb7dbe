"""Poll workflows that reach beyond votes: publishing winners as workshop sessions, announcing the poll."""

from datetime import datetime

from sqlmodel import Session

from app.common.ids import id_of
from app.common.locking import lock
from app.errors import Conflict, Invalid
from app.events.models import Event
from app.events.service import lock_event
from app.messages import notices
from app.sessions.models import EventSession, SessionKind
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session, sessions_of_topics_during
from app.voting.models import Poll, Topic, TopicStatus
from app.voting.results import results
from app.voting.schemas import PollResults, RoomIn
from app.voting.service import is_open, topics_of


class AlreadyPublished(Conflict):
    code, title = "already-published", "Already published in this time slot"


def publish(
    db: Session, *, poll: Poll, rule: str | None, starts_at: datetime, ends_at: datetime, rooms: list[RoomIn]
) -> tuple[PollResults, list[EventSession]]:
    """Make one workshop session per winning topic in the given slot, in rooms given in order.

    409 when workshops of this poll's topics already run at an overlapping time: a repeated publish
    would double them in the same rooms and e-mail everyone again (nothing is made or sent). The
    event's lock comes first (sessions are made under it), then the poll's, exclusively: one publish
    at a time, and no topic change or ballot between the tally and the sessions made from it. The
    first publish closes the poll for good (app/voting/service.py: `status_of`).
    """
    lock_event(db, event_id=poll.event_id)
    lock(db, Poll, id_of(poll))
    topic_ids = [id_of(t) for t in topics_of(db, poll_id=id_of(poll), statuses=tuple(TopicStatus))]
    running = sessions_of_topics_during(
        db, event_id=poll.event_id, topic_ids=topic_ids, starts_at=starts_at, ends_at=ends_at
    )
    if running:
        raise AlreadyPublished(
            f"Workshops of this poll already run at that time (sessions {running}); choose "
            "another time slot, or delete them first.",
            session_ids=running,
        )
    outcome = results(db, poll=poll, rule=rule)
    if not outcome.winners:
        raise Invalid("The poll has no winners yet (no topics or no ballots).")
    if len(rooms) < len(outcome.winners):
        raise Invalid(
            f"{len(outcome.winners)} winning topics need at least as many rooms; got {len(rooms)}.", field="rooms"
        )
    made = []
    for topic_id, room in zip(outcome.winners, rooms, strict=False):
        topic = db.get(Topic, topic_id)
        assert topic is not None  # a winner is one of the poll's topics, read in this transaction
        made.append(
            create_session(
                db,
                event_id=poll.event_id,
                topic_id=topic_id,
                data=SessionCreate(
                    title=topic.title,
                    description=topic.description,
                    kind=SessionKind.workshop,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room=room.room,
                    capacity=room.capacity,
                ),
            )
        )
    event = db.get(Event, poll.event_id)
    assert event is not None  # the poll goes only with its event
    notices.poll_published(db, event=event, poll_id=id_of(poll), title=poll.title, sessions=made)
    return outcome, made


def announce(db: Session, *, poll: Poll) -> int:
    """E-mail the event's confirmed people that the poll is open; returns how many."""
    if not is_open(db, poll):
        raise Conflict("The poll is not open for voting now; set its opening and closing times first.")
    event = db.get(Event, poll.event_id)
    assert event is not None
    return notices.poll_opened(db, event=event, poll_id=id_of(poll), title=poll.title, closes_at=poll.closes_at)
