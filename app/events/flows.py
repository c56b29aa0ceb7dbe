"""Workflows that start from an event and reach its registrations: a capacity change moves
the waiting list up; deleting an event that has people needs `force`."""

from sqlmodel import Session

from app.auth import service as keys
from app.errors import Conflict
from app.events import service
from app.events.models import Event
from app.events.schemas import EventUpdate
from app.registrations import waitlist
from app.registrations.service import count_active


def update_event(db: Session, *, event_id: int, data: EventUpdate) -> Event:
    event = service.lock_event(db, event_id=event_id)
    waitlist.release_expired_holds(db, event)  # expired held seats never block a smaller capacity
    changed = service.update_event(db, event=event, data=data)
    if changed & {"capacity", "max_per_organization"}:
        waitlist.promote(db, event)  # more room: the waiting list moves up at once
        db.refresh(event)
    return event


def delete_event(db: Session, *, event_id: int, force: bool = False) -> None:
    event = service.lock_event(db, event_id=event_id)
    people = count_active(db, event_id=event_id)
    if people and not force:
        raise Conflict(
            f"The event has {people} active registrations; deleting it deletes them, their ballots and "
            "attendance. Export what you need, then repeat with ?force=true.",
            registrations=people,
        )
    # Keys limited to this event alone would be left with no event (and so look unlimited):
    # revoked under the event's lock, before the cascade takes their rows.
    keys.retire_event_scope(db, event_id=event_id)
    service.delete_event(db, event=event)
