"""Workflows that start from a session and reach its people: a move in time must not give
anyone two parallel places, more capacity moves the waiting list up, deleting a session that
has people needs `force`."""

from sqlmodel import Session

from app.enrollments import service as enrollments
from app.errors import Conflict
from app.sessions import service
from app.sessions.models import FOR_EVERYONE, EventSession
from app.sessions.schemas import SessionUpdate


def update_session(db: Session, *, session_id: int, data: SessionUpdate) -> EventSession:
    row = service.lock_session(db, session_id=session_id)
    starts_at, ends_at = service.planned_times(row, data)
    if (starts_at, ends_at) != (row.starts_at, row.ends_at):
        enrollments.check_move_locked(db, session=row, starts_at=starts_at, ends_at=ends_at)
    places = enrollments.count_in_session(db, session_id=session_id) if data.kind in FOR_EVERYONE else 0
    changed = service.update_session(db, row=row, data=data, places=places)
    if "capacity" in changed:
        enrollments.promote_locked(db, session_id=session_id)  # more seats: the waiting list moves up
        db.refresh(row)
    return row


def delete_session(db: Session, *, session_id: int, force: bool) -> None:
    row = service.lock_session(db, session_id=session_id)
    people = enrollments.count_in_session(db, session_id=session_id)
    if people and not force:
        raise Conflict(
            f"{people} people are enrolled or waiting in this session; repeat with ?force=true to "
            "delete it with their places.",
            enrollments=people,
        )
    service.delete_session(db, row=row)
