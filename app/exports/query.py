"""Which people an export holds, and the rows streamed from the database in Polish order.

Rows come in keyset pages ordered by `(registrations.sort_key, registrations.id)`, which an
index serves, so an export of any size holds one page in memory at a time (with the answers
of that page's people, when the event has questions).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, and_, col, func, select
from sqlmodel.sql.expression import Select

from app.capacity import ledger
from app.checkin.models import Attendance
from app.db import open_session
from app.enrollments.models import Enrollment, EnrollmentStatus
from app.questions.service import answers_of
from app.registrations.models import Category, Registration, RegistrationStatus
from app.registrations.service import normalize_org, search_condition
from app.sessions.models import EventSession, SessionKind

PAGE_SIZE = 2000
_Stmt = TypeVar("_Stmt", bound=sa.Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class ExportSpec:
    """An event's registrations, or (with `session_id`) the people enrolled in one session."""

    event_id: int
    session_id: int | None = None
    # Registration statuses (event export) or enrollment statuses (session export).
    statuses: tuple[str, ...] = (RegistrationStatus.confirmed,)
    category: Category | None = None
    organization: str | None = None
    partnership: str | None = None
    q: str | None = None  # words of names, organization or e-mail, as the registrations list searches
    extra: dict[str, Any] = field(default_factory=dict)

    def filters(self) -> dict[str, Any]:
        """The filters as JSON, for the audit log."""
        out: dict[str, Any] = {"status": list(self.statuses)}
        for name in ("category", "organization", "partnership", "q"):
            if getattr(self, name) is not None:
                out[name] = str(getattr(self, name))
        return out


def _conditions(spec: ExportSpec) -> list[Any]:
    cond: list[Any] = [Registration.event_id == spec.event_id]
    if spec.session_id is None:
        cond.append(col(Registration.status).in_(spec.statuses))
    else:
        cond += [
            Enrollment.session_id == spec.session_id,
            col(Enrollment.status).in_(spec.statuses),
            Registration.status != RegistrationStatus.cancelled,
        ]
    if spec.category is not None:
        cond.append(Registration.category == spec.category)
    if spec.organization:
        cond.append(Registration.organization_normalized == normalize_org(spec.organization))
    if spec.partnership:
        cond.append(func.lower(Registration.partnership) == spec.partnership.strip().lower())
    if spec.q and spec.q.strip():
        cond.append(search_condition(spec.q))
    return cond


def _base(spec: ExportSpec, stmt: _Stmt) -> _Stmt:
    """`stmt` over the registrations (and enrollments) the export holds."""
    stmt = stmt.select_from(Registration)
    if spec.session_id is not None:
        stmt = stmt.join(Enrollment, col(Enrollment.registration_id) == Registration.id)
    return stmt.where(*_conditions(spec))


def count(db: Session, spec: ExportSpec) -> int:
    return db.exec(_base(spec, select(func.count()))).one()


def _row_select(spec: ExportSpec) -> Select[*tuple[Any, ...]]:
    attended = and_(
        Attendance.registration_id == Registration.id,
        col(Attendance.session_id).is_(None) if spec.session_id is None else Attendance.session_id == spec.session_id,
    )
    columns: list[Any] = [
        Registration.id,
        Registration.sort_key,
        Registration.last_name,
        Registration.first_name,
        Registration.email,
        Registration.organization,
        Registration.partnership,
        Registration.position,
        Registration.category,
        Registration.status,
        col(Registration.created_at).label("registered_at"),
        Registration.confirmed_at,
        Registration.consent_at,
        Registration.consent_version,
        Attendance.checked_in_at,
        col(Attendance.checked_in_by).label("checked_in_by"),
    ]
    if spec.session_id is not None:
        columns += [
            col(Enrollment.status).label("enrollment_status"),
            col(Enrollment.source).label("enrollment_source"),
            col(Enrollment.created_at).label("enrolled_at"),
        ]
    stmt: Select[*tuple[Any, ...]] = select(*columns)  # several columns: a Select of rows
    return _base(spec, stmt).outerjoin(Attendance, attended)


def _pages(db: Session, spec: ExportSpec, *, page_size: int) -> Iterator[Sequence[Any]]:
    """The matching rows in Polish alphabetical order, one keyset page at a time."""
    base = _row_select(spec).order_by(col(Registration.sort_key), col(Registration.id)).limit(page_size)
    after: tuple[str, int] | None = None
    while True:
        stmt = base if after is None else base.where(sa.tuple_(Registration.sort_key, Registration.id) > after)
        rows: Sequence[Any] = db.exec(stmt).all()  # SQLAlchemy rows (named columns)
        if rows:
            yield rows
        if len(rows) < page_size:
            return
        after = (rows[-1].sort_key, rows[-1].id)


def iter_rows(db: Session, spec: ExportSpec, *, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """All matching rows in Polish alphabetical order, fetched page by page (keyset)."""
    for page in _pages(db, spec, page_size=page_size):
        yield from page


def stream_rows(engine: Engine, spec: ExportSpec, *, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """Like `iter_rows`, on a session of its own: the request's session is closed by the
    time a streaming response is sent."""
    db = open_session(engine)
    try:
        yield from iter_rows(db, spec, page_size=page_size)
    finally:
        db.close()


def stream_answered(
    engine: Engine, spec: ExportSpec, *, page_size: int = PAGE_SIZE
) -> Iterator[tuple[Any, dict[int, Any]]]:
    """Like `stream_rows`, each row with the person's answers to the event's questions
    (question id -> value, or chosen option ids), read for one page of people at a time."""
    db = open_session(engine)
    try:
        for page in _pages(db, spec, page_size=page_size):
            answers = answers_of(db, registration_ids=[row.id for row in page])
            for row in page:
                yield row, answers.get(row.id, {})
    finally:
        db.close()


class Person:
    """An export row with what is read beside it: the event's waiting-list position and the
    workshops the person holds a seat in ((start, title) in time order)."""

    __slots__ = ("_row", "waitlist_position", "workshops")

    def __init__(self, row: Any, waitlist_position: int | None, workshops: list[tuple[datetime, str]]) -> None:
        self._row, self.waitlist_position, self.workshops = row, waitlist_position, workshops

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def workshops_of(db: Session, *, registration_ids: Sequence[int]) -> dict[int, list[tuple[datetime, str]]]:
    """registration id -> the workshops they hold a seat in (not a waiting-list place), by start time."""
    rows = db.exec(
        select(Enrollment.registration_id, EventSession.starts_at, EventSession.title)
        .join(EventSession, col(EventSession.id) == Enrollment.session_id)
        .where(
            col(Enrollment.registration_id).in_(registration_ids),
            Enrollment.status == EnrollmentStatus.enrolled,
            EventSession.kind == SessionKind.workshop,
        )
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    out: dict[int, list[tuple[datetime, str]]] = {}
    for registration_id, starts_at, title in rows:
        out.setdefault(registration_id, []).append((starts_at, title))
    return out


def stream_people(
    engine: Engine, spec: ExportSpec, *, answers: bool, workshops: bool, positions: bool, page_size: int = PAGE_SIZE
) -> Iterator[tuple[Person, dict[int, Any]]]:
    """Like `stream_answered`, each row a `Person`: with the waiting-list position (the
    positions of the whole event are read once, before the first page) and the workshops held
    (read for one page of people at a time), when asked for."""
    db = open_session(engine)
    try:
        place = ledger.event_positions(db, event_id=spec.event_id) if positions else {}
        for page in _pages(db, spec, page_size=page_size):
            ids = [row.id for row in page]
            given = answers_of(db, registration_ids=ids) if answers else {}
            held = workshops_of(db, registration_ids=ids) if workshops else {}
            for row in page:
                yield Person(row, place.get(row.id), held.get(row.id, [])), given.get(row.id, {})
    finally:
        db.close()
