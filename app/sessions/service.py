"""Programme items (plenaries, panels, workshops): the only writer of the `sessions` table
except its seat counters, which app/enrollments/service.py owns. Workflows that reach the
people in a session: app/sessions/flows.py."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.common.locking import lock
from app.errors import Conflict, Invalid, NotFound
from app.events.models import Event
from app.events.service import get_event, lock_event
from app.sessions.models import FOR_EVERYONE, EventSession, SessionKind
from app.sessions.schemas import SessionCreate, SessionUpdate


class RoomTaken(Conflict):
    code, title = "room-taken", "The room is taken"


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals [start, end) overlap: such sessions run in parallel."""
    return a_start < b_end and b_start < a_end


def first_overlap(target: EventSession, others: Iterable[EventSession]) -> EventSession | None:
    """The first of `others` (other than `target`) that runs at the same time as `target`."""
    for other in others:
        if other.id != target.id and overlaps(target.starts_at, target.ends_at, other.starts_at, other.ends_at):
            return other
    return None


def get_session(db: Session, *, session_id: int, include_unpublished: bool = False) -> EventSession:
    row = db.exec(select(EventSession, Event.published).join(Event).where(EventSession.id == session_id)).first()
    if row is None or (not row[1] and not include_unpublished):
        raise NotFound(f"Session {session_id} does not exist.")
    return row[0]


OUTSIDE_EVENT_DAYS = "outside_event_days"  # the `type` of the field errors: pages translate it


def _check_within_event(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    """422 when the session starts or ends on a day outside the event's days (in its time zone).

    The detail names the allowed days and the session's; each offending field (starts_at,
    ends_at) is listed with type `outside_event_days` and the days in `ctx`, so that a page can
    say it in its own language ("Sesja musi się odbyć w dniach wydarzenia: ...")."""
    zone = ZoneInfo(event.timezone)
    first, last = starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()
    wrong = [
        name for name, day in (("starts_at", first), ("ends_at", last)) if not event.starts_on <= day <= event.ends_on
    ]
    if not wrong:
        return
    days = (
        f"on the event's day, {event.starts_on}"
        if event.starts_on == event.ends_on
        else f"within the event's days, {event.starts_on} to {event.ends_on}"
    )
    when = str(first) if first == last else f"{first} to {last}"
    msg = f"The session must take place {days} ({event.timezone}); it is on {when}."
    ctx = {"first_day": str(event.starts_on), "last_day": str(event.ends_on), "timezone": event.timezone}
    raise Invalid(
        msg, errors=[{"loc": ["body", name], "msg": msg, "type": OUTSIDE_EVENT_DAYS, "ctx": ctx} for name in wrong]
    )


def create_session(db: Session, *, event_id: int, data: SessionCreate, topic_id: int | None = None) -> EventSession:
    """Add a programme item; `topic_id` when it runs a poll's winning topic.

    The event's lock serialises the room check with other changes to the programme."""
    event = lock_event(db, event_id=event_id)
    _check_within_event(event, data.starts_at, data.ends_at)
    if not data.force:
        check_room_free(db, event_id=event_id, room=data.room, starts_at=data.starts_at, ends_at=data.ends_at)
    row = EventSession(event_id=event_id, topic_id=topic_id, **data.model_dump(exclude={"force"}))
    db.add(row)
    db.flush()
    return row


def room_key(room: str | None) -> str:
    """A room's name as compared: case and surrounding spaces ignored ("" for none)."""
    return (room or "").strip().casefold()


def check_room_free(
    db: Session,
    *,
    event_id: int,
    room: str | None,
    starts_at: datetime,
    ends_at: datetime,
    except_id: int | None = None,
) -> None:
    """409 `room-taken` when another session of the event uses `room` at an overlapping time.

    Sessions without a room never collide. Compared in Python: SQL's lower() folds only ASCII."""
    key = room_key(room)
    if not key:
        return
    rows = db.exec(
        select(EventSession)
        .where(
            EventSession.event_id == event_id,
            col(EventSession.room).is_not(None),
            col(EventSession.starts_at) < ends_at,
            col(EventSession.ends_at) > starts_at,
        )
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    clash = next((s for s in rows if s.id != except_id and room_key(s.room) == key), None)
    if clash is not None:
        raise RoomTaken(
            f"Room {clash.room!r} is taken at that time by session {clash.id} ({clash.title!r}); choose "
            "another room or time, or repeat with force: true to share it.",
            conflicting_session_id=clash.id,
        )


def list_sessions(
    db: Session, *, event_id: int, include_unpublished: bool, kind: SessionKind | None, limit: int, offset: int
) -> tuple[list[EventSession], int]:
    get_event(db, event_id=event_id, include_unpublished=include_unpublished)
    cond = [EventSession.event_id == event_id]
    if kind is not None:
        cond.append(EventSession.kind == kind)
    total = db.exec(select(func.count()).select_from(EventSession).where(*cond)).one()
    rows = db.exec(
        select(EventSession)
        .where(*cond)
        .order_by(col(EventSession.starts_at), col(EventSession.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def lock_session(db: Session, *, session_id: int) -> EventSession:
    """The session's row lock, after its event's (the lock order of app/common/locking.py)."""
    row = db.get(EventSession, session_id)
    if row is None:
        raise NotFound(f"Session {session_id} does not exist.")
    lock_event(db, event_id=row.event_id)
    locked = lock(db, EventSession, session_id)
    if locked is None:
        raise NotFound(f"Session {session_id} does not exist.")
    return locked


def planned_times(row: EventSession, data: SessionUpdate) -> tuple[datetime, datetime]:
    """The session's times after the change (422 when they would not be ordered)."""
    changes = data.model_dump(exclude_unset=True)
    starts_at, ends_at = changes.get("starts_at", row.starts_at), changes.get("ends_at", row.ends_at)
    if ends_at <= starts_at:
        raise Invalid("ends_at must be after starts_at.", field="ends_at")
    return starts_at, ends_at


def update_session(db: Session, *, row: EventSession, data: SessionUpdate, places: int = 0) -> set[str]:
    """Apply a change to a locked session; returns the names of the fields changed.

    `places`: the people enrolled or waiting (a session with people cannot become a break)."""
    changes = data.model_dump(exclude_unset=True, exclude={"force"})
    starts_at, ends_at = planned_times(row, data)
    _check_within_event(get_event(db, event_id=row.event_id, include_unpublished=True), starts_at, ends_at)
    if "capacity" in changes and changes["capacity"] is not None and changes["capacity"] < row.enrolled:
        raise Conflict(f"Capacity {changes['capacity']} is below the {row.enrolled} people enrolled.")
    if changes.get("kind") in FOR_EVERYONE and row.kind not in FOR_EVERYONE and places:
        raise Conflict(
            f"{places} people are enrolled or waiting in this session; a {changes['kind']} has no "
            "places: move them or delete their places first.",
            enrollments=places,
        )
    room = changes.get("room", row.room)
    moved = (starts_at, ends_at, room_key(room)) != (row.starts_at, row.ends_at, room_key(row.room))
    if moved and not data.force:
        check_room_free(db, event_id=row.event_id, room=room, starts_at=starts_at, ends_at=ends_at, except_id=row.id)
    for name, value in changes.items():
        setattr(row, name, value)
    db.add(row)
    db.flush()
    return set(changes)


def delete_session(db: Session, *, row: EventSession) -> None:
    db.delete(row)
    db.flush()


def sessions_of_topics_during(
    db: Session, *, event_id: int, topic_ids: list[int], starts_at: datetime, ends_at: datetime
) -> list[int]:
    """Ids of the event's sessions of these topics that overlap [starts_at, ends_at)."""
    return cast(
        list[int],
        list(
            db.exec(
                select(EventSession.id)
                .where(  # primary keys: never NULL
                    EventSession.event_id == event_id,
                    col(EventSession.topic_id).in_(topic_ids),
                    col(EventSession.starts_at) < ends_at,
                    col(EventSession.ends_at) > starts_at,
                )
                .order_by(col(EventSession.id))
            ).all()
        ),
    )


def any_session_of_topics(db: Session, *, topic_ids: Any) -> bool:
    """Whether a session runs one of these topics (`topic_ids`: ids, or a subquery of them)."""
    return (
        db.exec(select(EventSession.id).where(col(EventSession.topic_id).in_(topic_ids)).limit(1)).first() is not None
    )
