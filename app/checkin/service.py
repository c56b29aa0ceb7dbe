"""Check-in at the door: codes for badges, marking people present, undoing it."""

from dataclasses import dataclass

from sqlalchemy import Insert, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.checkin import codes
from app.checkin.models import Attendance, CheckinSecret
from app.common.ids import id_of
from app.common.time import utcnow
from app.enrollments.models import Enrollment
from app.errors import AppError, Conflict, NotFound
from app.messages import notices
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession


class UnknownCode(NotFound):
    code, title = "unknown-checkin-code", "Unknown check-in code"


class CancelledRegistration(Conflict):
    code, title = "registration-cancelled", "Registration cancelled"


@dataclass
class CheckedIn:
    registration: Registration
    attendance: Attendance
    created: bool
    enrollment_status: str | None


def _insert(db: Session, table: type) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING for the current backend (both support it)."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def event_secret(db: Session, *, event_id: int) -> str | None:
    """The event's code secret, if it has one yet."""
    return db.exec(select(CheckinSecret.secret).where(CheckinSecret.event_id == event_id)).first()


def ensure_event_secret(db: Session, *, event_id: int) -> str:
    """The event's code secret; made on first use (safe when two requests race)."""
    secret = event_secret(db, event_id=event_id)
    if secret is None:
        db.exec(_insert(db, CheckinSecret).values(event_id=event_id, secret=codes.new_event_secret(),
                                                  created_at=utcnow()))
        secret = db.exec(select(CheckinSecret.secret).where(CheckinSecret.event_id == event_id)).one()
    return secret


def code_for(secret: str, reg: Registration) -> str:
    return codes.make_code(secret, event_id=reg.event_id, registration_id=id_of(reg), version=reg.checkin_version)


def revoke_code(db: Session, *, registration_id: int) -> Registration:
    """A new code for one person (lost badge): the old one stops working at once."""
    db.exec(update(Registration).where(col(Registration.id) == registration_id)
            .values(checkin_version=Registration.checkin_version + 1))
    reg = db.exec(select(Registration).where(Registration.id == registration_id)
                  .execution_options(populate_existing=True)).first()
    if reg is None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return reg


def rotate_event_secret(db: Session, *, event_id: int) -> None:
    """Revoke every check-in code of the event (new badges must be printed)."""
    db.exec(update(CheckinSecret).where(col(CheckinSecret.event_id) == event_id)
            .values(secret=codes.new_event_secret(), created_at=utcnow()))


def resolve_code(db: Session, *, event_id: int, code: str) -> Registration:
    """The registration a valid, unrevoked code of this event belongs to; 404 otherwise."""
    parsed = codes.parse(code)
    secret = event_secret(db, event_id=event_id) if parsed else None
    reg = db.get(Registration, parsed[0]) if parsed and secret else None
    if parsed is None or secret is None or reg is None or reg.event_id != event_id or not codes.verify(
        secret, event_id=event_id, registration_id=id_of(reg), version=reg.checkin_version, mac=parsed[1]
    ):
        raise UnknownCode("This check-in code is unknown or was revoked.")
    return reg


def _session_of_event(db: Session, *, event_id: int, session_id: int) -> EventSession:
    row = db.get(EventSession, session_id)
    if row is None or row.event_id != event_id:
        raise NotFound(f"Session {session_id} does not exist in event {event_id}.")
    return row


def _attendance(db: Session, *, registration_id: int, session_id: int | None) -> Attendance | None:
    same_session = col(Attendance.session_id).is_(None) if session_id is None else Attendance.session_id == session_id
    return db.exec(select(Attendance).where(Attendance.registration_id == registration_id, same_session)
                   .execution_options(populate_existing=True)).first()


def check_in(db: Session, *, event_id: int, code: str, session_id: int | None, by: str) -> CheckedIn:
    """Mark the person present for the event or a session. Idempotent: a repeat returns the
    first check-in (`created` False). A cancelled registration is refused (409)."""
    reg = resolve_code(db, event_id=event_id, code=code)
    if reg.status == RegistrationStatus.cancelled:
        raise CancelledRegistration(f"{reg.first_name} {reg.last_name} cancelled the registration.")
    enrollment_status = None
    if session_id is not None:
        _session_of_event(db, event_id=event_id, session_id=session_id)
        enrollment_status = db.exec(select(Enrollment.status).where(
            Enrollment.session_id == session_id, Enrollment.registration_id == id_of(reg))).first()
    inserted = db.exec(_insert(db, Attendance).values(
        event_id=event_id, registration_id=id_of(reg), session_id=session_id, checked_in_at=utcnow(), checked_in_by=by,
    ).returning(col(Attendance.id))).first()
    attendance = _attendance(db, registration_id=id_of(reg), session_id=session_id)
    if attendance is None:  # pragma: no cover - the row was deleted between the two statements
        raise AppError("The check-in could not be stored; try again.")
    if inserted is not None:
        notices.checkin_created(db, event_id=event_id, registration_id=id_of(reg), session_id=session_id)
    return CheckedIn(reg, attendance, inserted is not None, enrollment_status and str(enrollment_status))


def undo(db: Session, *, event_id: int, registration_id: int, session_id: int | None) -> bool:
    """Remove the person's check-in at this event (or at `session_id`, a session of it); True if
    there was one. Idempotent.

    Scoped like the check-in itself: only an attendance row of this event is touched. Nothing
    else is looked up, so an unknown registration, one of another event, one not checked in and
    a session of another event all give the same answer (nothing removed): the answer tells a
    door key nothing about which registrations or sessions exist.
    """
    session = col(Attendance.session_id)
    same_session = session.is_(None) if session_id is None else session == session_id
    removed = db.execute(delete(Attendance).where(
        col(Attendance.event_id) == event_id, col(Attendance.registration_id) == registration_id, same_session,
    ).returning(col(Attendance.id))).first()
    return removed is not None


def confirmed_with_codes(db: Session, *, event_id: int, statuses: tuple[str, ...], limit: int | None,
                         offset: int) -> list[tuple[Registration, str]]:
    """Registrations (Polish order) with their current check-in codes."""
    secret = ensure_event_secret(db, event_id=event_id)
    stmt = (select(Registration).where(Registration.event_id == event_id, col(Registration.status).in_(statuses))
            .order_by(col(Registration.sort_key), col(Registration.id)).offset(offset))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(reg, code_for(secret, reg)) for reg in db.exec(stmt).all()]
