"""Events: the only writer of the `events` table (its seat counters move through
app/registrations/waitlist.py, which owns them). Cross-domain workflows: app/events/flows.py."""

from sqlmodel import Session, col, func, select

from app.common.locking import lock
from app.common.time import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.events.models import Event
from app.events.schemas import EventCreate, EventUpdate


def get_event(db: Session, *, event_id: int, include_unpublished: bool = False) -> Event:
    event = db.get(Event, event_id)
    if event is None or (not event.published and not include_unpublished):
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def lock_event(db: Session, *, event_id: int) -> Event:
    """The event's row lock, first in the lock order (app/common/locking.py); 404 if it is gone."""
    event = lock(db, Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def _ensure_slug_free(db: Session, slug: str, *, except_id: int | None = None) -> None:
    stmt = select(Event.id).where(Event.slug == slug)
    if except_id is not None:
        stmt = stmt.where(Event.id != except_id)
    if db.exec(stmt).first() is not None:
        raise Conflict(f"An event with slug {slug!r} already exists.", field="slug")


def create_event(db: Session, *, data: EventCreate) -> Event:
    _ensure_slug_free(db, data.slug)
    event = Event(**data.model_dump())
    db.add(event)
    db.flush()
    return event


def list_events(
    db: Session,
    *,
    include_unpublished: bool,
    limit: int,
    offset: int,
    event_ids: frozenset[int] | None = None,
) -> tuple[list[Event], int]:
    """Newest first. `event_ids` (a key limited to some events): exactly those, published or not."""
    if event_ids is not None:
        cond = [col(Event.id).in_(sorted(event_ids))]
    else:
        cond = [] if include_unpublished else [col(Event.published).is_(True)]
    total = db.exec(select(func.count()).select_from(Event).where(*cond)).one()
    rows = db.exec(
        select(Event).where(*cond).order_by(col(Event.starts_on).desc(), col(Event.id)).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def update_event(db: Session, *, event: Event, data: EventUpdate) -> set[str]:
    """Apply a change to a locked event; returns the names of the fields changed."""
    changes = data.model_dump(exclude_unset=True)
    if "slug" in changes:
        _ensure_slug_free(db, changes["slug"], except_id=event.id)
    merged = {**event.model_dump(), **changes}
    if merged["ends_on"] < merged["starts_on"]:
        raise Invalid("ends_on must not be before starts_on.", field="ends_on")
    opens, closes = merged["registration_opens_at"], merged["registration_closes_at"]
    if opens is not None and closes is not None and closes <= opens:
        raise Invalid("registration_closes_at must be after registration_opens_at.", field="registration_closes_at")
    if merged["capacity"] < event.confirmed_count + event.reserved_open:
        held = f" and {event.reserved_open} seats held by invitation codes" if event.reserved_open else ""
        raise Conflict(
            f"Capacity {merged['capacity']} is below the {event.confirmed_count} confirmed registrations{held}; "
            "cancel registrations (or revoke invitations) first."
        )
    for name, value in changes.items():
        setattr(event, name, value)
    event.updated_at = utcnow()
    db.add(event)
    db.flush()
    return set(changes)


def delete_event(db: Session, *, event: Event) -> None:
    db.delete(event)
    db.flush()
