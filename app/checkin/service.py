"""Check-in at the door: codes for badges, marking people present, undoing it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, and_, case, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.checkin import codes
from app.checkin.models import Attendance, CheckinSecret
from app.checkin.schemas import CheckinSummary, DayCount, SessionCount
from app.common.ids import id_of
from app.common.time import utcnow
from app.enrollments.models import Enrollment
from app.errors import AppError, Conflict, NotFound
from app.events.models import Event
from app.messages import notices
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.service import search_condition, search_rank
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
        db.exec(
            _insert(db, CheckinSecret).values(event_id=event_id, secret=codes.new_event_secret(), created_at=utcnow())
        )
        secret = db.exec(select(CheckinSecret.secret).where(CheckinSecret.event_id == event_id)).one()
    return secret


def code_for(secret: str, reg: Registration) -> str:
    return codes.make_code(secret, event_id=reg.event_id, registration_id=id_of(reg), version=reg.checkin_version)


def revoke_code(db: Session, *, registration_id: int) -> Registration:
    """A new code for one person (lost badge): the old one stops working at once."""
    db.exec(
        update(Registration)
        .where(col(Registration.id) == registration_id)
        .values(checkin_version=Registration.checkin_version + 1)
    )
    reg = db.exec(
        select(Registration).where(Registration.id == registration_id).execution_options(populate_existing=True)
    ).first()
    if reg is None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return reg


def rotate_event_secret(db: Session, *, event_id: int) -> None:
    """Revoke every check-in code of the event (new badges must be printed)."""
    db.exec(
        update(CheckinSecret)
        .where(col(CheckinSecret.event_id) == event_id)
        .values(secret=codes.new_event_secret(), created_at=utcnow())
    )


def resolve_code(db: Session, *, event_id: int, code: str) -> Registration:
    """The registration a valid, unrevoked code of this event belongs to; 404 otherwise."""
    parsed = codes.parse(code)
    secret = event_secret(db, event_id=event_id) if parsed else None
    reg = db.get(Registration, parsed[0]) if parsed and secret else None
    if (
        parsed is None
        or secret is None
        or reg is None
        or reg.event_id != event_id
        or not codes.verify(
            secret, event_id=event_id, registration_id=id_of(reg), version=reg.checkin_version, mac=parsed[1]
        )
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
    return db.exec(
        select(Attendance)
        .where(Attendance.registration_id == registration_id, same_session)
        .execution_options(populate_existing=True)
    ).first()


def registration_of_event(db: Session, *, event_id: int, registration_id: int) -> Registration:
    """A registration of this event (found by name at the door); 404 otherwise, erased ones too."""
    reg = db.get(Registration, registration_id)
    if reg is None or reg.event_id != event_id or reg.erased_at is not None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return reg


def check_in(
    db: Session, *, event_id: int, code: str | None, registration_id: int | None = None, session_id: int | None, by: str
) -> CheckedIn:
    """Mark the person present for the event or a session, by badge code or by registration id
    (one of the two). Idempotent: a repeat returns the first check-in (`created` False). A
    cancelled registration is refused (409)."""
    if code is not None:
        reg = resolve_code(db, event_id=event_id, code=code)
    elif registration_id is not None:
        reg = registration_of_event(db, event_id=event_id, registration_id=registration_id)
    else:  # pragma: no cover - CheckinCreate requires one of the two
        raise UnknownCode("Neither a code nor a registration.")
    if reg.status == RegistrationStatus.cancelled:
        raise CancelledRegistration(f"{reg.first_name} {reg.last_name} cancelled the registration.")
    enrollment_status = None
    if session_id is not None:
        _session_of_event(db, event_id=event_id, session_id=session_id)
        enrollment_status = db.exec(
            select(Enrollment.status).where(
                Enrollment.session_id == session_id, Enrollment.registration_id == id_of(reg)
            )
        ).first()
    inserted = db.exec(
        _insert(db, Attendance)
        .values(
            event_id=event_id,
            registration_id=id_of(reg),
            session_id=session_id,
            checked_in_at=utcnow(),
            checked_in_by=by,
        )
        .returning(col(Attendance.id))
    ).first()
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
    removed = db.execute(
        delete(Attendance)
        .where(
            col(Attendance.event_id) == event_id,
            col(Attendance.registration_id) == registration_id,
            same_session,
        )
        .returning(col(Attendance.id))
    ).first()
    return removed is not None


def confirmed_with_codes(
    db: Session, *, event_id: int, statuses: tuple[str, ...], limit: int | None, offset: int
) -> list[tuple[Registration, str]]:
    """Registrations (Polish order) with their current check-in codes."""
    secret = ensure_event_secret(db, event_id=event_id)
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id, col(Registration.status).in_(statuses))
        .order_by(col(Registration.sort_key), col(Registration.id))
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(reg, code_for(secret, reg)) for reg in db.exec(stmt).all()]


def find_people(
    db: Session, *, event_id: int, q: str, session_id: int | None, limit: int, offset: int
) -> tuple[list[tuple[Registration, datetime | None]], int]:
    """People of the event whose name or organization matches `q` (case and diacritics do not
    matter: registrations.service.search_condition, never the e-mail), those whose last name starts
    with the typed text first ("zak" lists Żak before Łuczak: search_rank), then in Polish order,
    with their check-in time for the event (or `session_id`). Erased registrations are left out."""
    if session_id is not None:
        _session_of_event(db, event_id=event_id, session_id=session_id)
    same_session = (
        col(Attendance.session_id).is_(None) if session_id is None else col(Attendance.session_id) == session_id
    )
    cond = [
        col(Registration.event_id) == event_id,
        col(Registration.erased_at).is_(None),
        search_condition(q, with_email=False),
    ]
    total = db.exec(select(func.count()).select_from(Registration).where(*cond)).one()
    rows = db.exec(
        select(Registration, Attendance.checked_in_at)
        .outerjoin(Attendance, and_(col(Attendance.registration_id) == Registration.id, same_session))
        .where(*cond)
        .order_by(search_rank(q), col(Registration.sort_key), col(Registration.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [(reg, at) for reg, at in rows], total


MAX_DAYS = 62  # days with check-ins counted one by one: at most this many before the last one


def _local_days(event: Event, first: datetime | None, last: datetime | None) -> list[date]:
    """The event's days, and every day from the first to the last check-in (event's zone)."""
    zone = ZoneInfo(event.timezone)
    days = {event.starts_on + timedelta(days=i) for i in range((event.ends_on - event.starts_on).days + 1)}
    if first is not None and last is not None:
        end = last.astimezone(zone).date()
        start = max(first.astimezone(zone).date(), end - timedelta(days=MAX_DAYS))
        days |= {start + timedelta(days=i) for i in range((end - start).days + 1)}
    return sorted(days)


def _day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of `day`, in UTC (DST days have 23 or 25 hours)."""

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time.min, tzinfo=zone).astimezone(UTC)

    return midnight(day), midnight(day + timedelta(days=1))


def summary(db: Session, *, event: Event) -> CheckinSummary:
    """Head counts: confirmed, checked in (event), per day in the event's zone, per session.

    Three small aggregate queries, whatever the number of people: the days are counted with one
    SUM(CASE ...) per day over the event's attendance rows (exact local days on both databases,
    DST included, without date functions that differ between them)."""
    event_id = id_of(event)
    event_rows = and_(col(Attendance.event_id) == event_id, col(Attendance.session_id).is_(None))
    total, first, last = db.exec(
        select(func.count(), func.min(Attendance.checked_in_at), func.max(Attendance.checked_in_at)).where(event_rows)
    ).one()
    zone = ZoneInfo(event.timezone)
    days = _local_days(event, first, last)
    counts: list[int] = [0] * len(days)
    if total:
        sums = [
            func.sum(case((and_(col(Attendance.checked_in_at) >= lo, col(Attendance.checked_in_at) < hi), 1), else_=0))
            for lo, hi in (_day_bounds(d, zone) for d in days)
        ]
        counts = [n or 0 for n in db.exec(select(*sums).where(event_rows)).one()]
    per_session = (
        select(Attendance.session_id, func.count().label("n"))
        .where(col(Attendance.event_id) == event_id, col(Attendance.session_id).is_not(None))
        .group_by(col(Attendance.session_id))
        .subquery()
    )
    sessions = db.exec(
        select(EventSession, per_session.c.n)
        .outerjoin(per_session, per_session.c.session_id == EventSession.id)
        .where(EventSession.event_id == event_id)
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    return CheckinSummary(
        event_id=event_id,
        title=event.title,
        timezone=event.timezone,
        confirmed=event.confirmed_count,
        checked_in=total,
        days=[
            DayCount(date=d, checked_in=n)
            for d, n in zip(days, counts, strict=True)
            if n or event.starts_on <= d <= event.ends_on
        ],
        sessions=[
            SessionCount(
                session_id=id_of(s),
                title=s.title,
                kind=s.kind,
                room=s.room,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                capacity=s.capacity,
                enrolled=s.enrolled,
                checked_in=n or 0,
            )
            for s, n in sessions
        ],
    )
