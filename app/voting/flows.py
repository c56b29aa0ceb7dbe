"""Publishing a poll's winners: one workshop session per winning topic (sessions service)."""

from datetime import datetime

from sqlmodel import Session

from app.common.ids import id_of
from app.common.locking import lock_shared
from app.errors import Invalid
from app.sessions.models import EventSession, SessionKind
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session
from app.voting.models import Poll, Topic
from app.voting.results import results
from app.voting.schemas import PollResults, RoomIn


def publish(
    db: Session, *, poll: Poll, rule: str | None, starts_at: datetime, ends_at: datetime, rooms: list[RoomIn]
) -> tuple[PollResults, list[EventSession]]:
    """Make one workshop session per winning topic in the given slot, in rooms given in order.

    The poll's shared lock keeps topics from being changed or deleted between the tally and
    the sessions made from it (app/voting/service.py takes it exclusively for that).
    """
    lock_shared(db, Poll, id_of(poll))
    outcome = results(db, poll=poll, rule=rule)
    if not outcome.winners:
        raise Invalid("The poll has no winners yet (no topics or no ballots).")
    if len(rooms) < len(outcome.winners):
        raise Invalid(f"{len(outcome.winners)} winning topics need at least as many rooms; got {len(rooms)}.",
                      field="rooms")
    made = []
    for topic_id, room in zip(outcome.winners, rooms, strict=False):
        topic = db.get(Topic, topic_id)
        assert topic is not None  # a winner is one of the poll's topics, read in this transaction
        made.append(create_session(db, event_id=poll.event_id, topic_id=topic_id, data=SessionCreate(
            title=topic.title, description=topic.description, kind=SessionKind.workshop,
            starts_at=starts_at, ends_at=ends_at, room=room.room, capacity=room.capacity,
        )))
    return outcome, made
