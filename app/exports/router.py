"""Organizer exports: attendee lists (CSV/XLSX, streamed), partnership summaries, the
programme with rooms, printable sign-in sheets and badges. Each is written to the audit log."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, StreamingResponse

from app.audit.service import record
from app.auth.deps import Organizer, OrganizerDep, PersonalDataDep
from app.checkin.service import confirmed_with_codes
from app.common.ids import id_of
from app.db import SessionDep, TransactionRoute, writes
from app.enrollments.models import EnrollmentStatus
from app.events.deps import OrganizerEventDep
from app.events.models import Event
from app.events.service import get_event
from app.exports import localise, printable, service
from app.exports.columns import COLUMNS_DOC, Lang
from app.exports.query import ExportSpec, count, iter_rows
from app.exports.schemas import Delimiter, ExportFormat, PartnershipSummary
from app.exports.writers import CSV_MEDIA_TYPE, DELIMITERS, XLSX_MEDIA_TYPE, Column, write_csv, write_xlsx
from app.registrations.models import Category, RegistrationStatus
from app.registrations.schemas import CONFIRMED_ONLY
from app.sessions.deps import OrganizerSessionDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["exports"])

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file (CSV: UTF-8 with BOM; XLSX workbook)",
        "content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}},
    },
}
HTML_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"description": "Printable HTML", "content": {"text/html": {}}}}

FormatQ = Annotated[ExportFormat, Query(description="csv (UTF-8 with BOM) or xlsx.")]
DelimiterQ = Annotated[Delimiter, Query(description="CSV separator; `semicolon` for Excel with Polish settings.")]
ColumnsQ = Annotated[str | None, Query(max_length=1000, description=COLUMNS_DOC)]
CategoryQ = Annotated[Category | None, Query(description="Only this category.")]
OrganizationQ = Annotated[str | None, Query(max_length=200, description="Only this organization (any spelling).")]
PartnershipQ = Annotated[str | None, Query(max_length=200, description="Only this partnership (case-insensitive).")]
StatusQ = Annotated[list[RegistrationStatus], Query(alias="status", description="Registration status(es).")]
SearchQ = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Words of names, organization or e-mail, as the "
        "registrations list searches (case and Polish letters do not matter).",
    ),
]
LangQ = Annotated[
    Lang | None,
    Query(
        description=(
            "For people rather than scripts: headers and coded values (status, category, yes/no) in Polish or English, "
            "a file name in that language; `pl` also writes fractions with a decimal comma. Without it: column keys "
            "and codes. Polish Excel: `delimiter=semicolon&lang=pl`."
        )
    ),
]
# List defaults of query parameters (FastAPI copies a default before handing it to a route).
ENROLLED = [EnrollmentStatus.enrolled]


def _file(
    fmt: ExportFormat,
    delimiter: Delimiter,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    name: str,
    sheet: str,
    *,
    decimal_comma: bool = False,
) -> StreamingResponse:
    if fmt == ExportFormat.xlsx:
        body, media = write_xlsx(columns, rows, sheet=sheet), XLSX_MEDIA_TYPE
    else:
        body = write_csv(columns, rows, delimiter=DELIMITERS[delimiter], decimal_comma=decimal_comma)
        media = CSV_MEDIA_TYPE
    filename = f"{name}-{date.today().isoformat()}.{fmt.value}"
    return StreamingResponse(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _export(
    request: Request,
    db: SessionDep,
    who: Organizer,
    *,
    event: Event,
    spec: ExportSpec,
    action: str,
    target: str,
    fmt: ExportFormat,
    delimiter: Delimiter,
    columns: str | None,
    name: str,
    lang: Lang | None = None,
) -> StreamingResponse:
    """Audit in the request's transaction (committed before the first byte), then stream
    the rows on a database session of the stream's own."""
    cols, rows = service.attendee_table(
        db, request.app.state.engine, spec=spec, columns=columns, zone=ZoneInfo(event.timezone), lang=lang
    )
    details: dict[str, Any] = {
        "format": fmt.value,
        "filters": spec.filters(),
        "columns": [c.key for c in cols],
        "rows": count(db, spec),
    }
    if fmt == ExportFormat.csv:
        details["delimiter"] = delimiter.value
    if lang is not None:
        details["lang"] = lang
    record(db, actor=who.label, action=action, event_id=event.id, target=target, details=details)
    return _file(fmt, delimiter, cols, rows, name, sheet=localise.SHEETS[lang or "pl"], decimal_comma=lang == "pl")


@router.get(
    "/events/{event_id}/registrations/export",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
@writes  # the audit entry
def export_registrations(
    request: Request,
    db: SessionDep,
    who: PersonalDataDep,
    event: OrganizerEventDep,
    format: FormatQ = ExportFormat.csv,
    delimiter: DelimiterQ = Delimiter.comma,
    columns: ColumnsQ = None,
    status_: StatusQ = CONFIRMED_ONLY,
    category: CategoryQ = None,
    organization: OrganizationQ = None,
    partnership: PartnershipQ = None,
    q: SearchQ = None,
    lang: LangQ = None,
) -> StreamingResponse:
    """The event's registrations (default: confirmed), one row each, by last then first name
    in Polish alphabetical order. Times are wall-clock times in the event's time zone. The
    filters are those of the registrations list (`status` may be given several times)."""
    spec = ExportSpec(
        event_id=id_of(event),
        statuses=tuple(status_),
        category=category,
        organization=organization,
        partnership=partnership,
        q=q,
    )
    name = f"uczestnicy-{event.slug}" if lang == "pl" else f"{event.slug}-registrations"
    return _export(
        request,
        db,
        who,
        event=event,
        spec=spec,
        action="export.registrations",
        target=f"event:{event.id}",
        fmt=format,
        delimiter=delimiter,
        columns=columns,
        name=name,
        lang=lang,
    )


@router.get(
    "/sessions/{session_id}/attendees/export",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
@writes  # the audit entry
def export_attendees(
    request: Request,
    db: SessionDep,
    who: PersonalDataDep,
    row: OrganizerSessionDep,
    format: FormatQ = ExportFormat.csv,
    delimiter: DelimiterQ = Delimiter.comma,
    columns: ColumnsQ = None,
    status_: Annotated[list[EnrollmentStatus], Query(alias="status", description="Enrollment status(es).")] = ENROLLED,
    category: CategoryQ = None,
    organization: OrganizationQ = None,
    partnership: PartnershipQ = None,
    q: SearchQ = None,
    lang: LangQ = None,
) -> StreamingResponse:
    """The people enrolled in the session (default: enrolled, not the waiting list), in Polish
    alphabetical order; `attended` / `checked_in_at` refer to the session's check-in."""
    event = get_event(db, event_id=row.event_id, include_unpublished=True)
    spec = ExportSpec(
        event_id=id_of(event),
        session_id=row.id,
        statuses=tuple(status_),
        category=category,
        organization=organization,
        partnership=partnership,
        q=q,
    )
    name = f"lista-{event.slug}-sesja-{row.id}" if lang == "pl" else f"{event.slug}-session-{row.id}-attendees"
    return _export(
        request,
        db,
        who,
        event=event,
        spec=spec,
        action="export.session_attendees",
        target=f"session:{row.id}",
        fmt=format,
        delimiter=delimiter,
        columns=columns,
        name=name,
        lang=lang,
    )


@router.get("/events/{event_id}/partnerships", response_model=PartnershipSummary, status_code=status.HTTP_200_OK)
def partnerships(
    db: SessionDep, _: OrganizerDep, event: OrganizerEventDep, status_: StatusQ = CONFIRMED_ONLY
) -> PartnershipSummary:
    """People per partnership and organization (counts only), in Polish alphabetical order."""
    return service.partnership_summary(db, event=event, statuses=tuple(status_))


@router.get(
    "/events/{event_id}/partnerships/export",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
@writes  # the audit entry
def export_partnerships(
    db: SessionDep,
    who: OrganizerDep,
    event: OrganizerEventDep,
    format: FormatQ = ExportFormat.csv,
    delimiter: DelimiterQ = Delimiter.comma,
    status_: StatusQ = CONFIRMED_ONLY,
) -> StreamingResponse:
    """The partnership summary as a file: partnership, organization, people."""
    rows = service.partnership_rows(service.partnership_summary(db, event=event, statuses=tuple(status_)))
    record(
        db,
        actor=who.label,
        action="export.partnerships",
        event_id=event.id,
        target=f"event:{event.id}",
        details={"format": format.value, "filters": {"status": list(status_)}, "rows": len(rows)},
    )
    return _file(format, delimiter, service.PARTNERSHIP_COLUMNS, rows, f"{event.slug}-partnerships", "Partnerstwa")


@router.get(
    "/events/{event_id}/sessions/export",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
@writes  # the audit entry
def export_sessions(
    db: SessionDep,
    who: OrganizerDep,
    event: OrganizerEventDep,
    format: FormatQ = ExportFormat.csv,
    delimiter: DelimiterQ = Delimiter.comma,
) -> StreamingResponse:
    """The programme in time order: room, local start and end, capacity, enrolled, checked in."""
    rows = service.session_rows(db, event=event)
    record(
        db,
        actor=who.label,
        action="export.sessions",
        event_id=event.id,
        target=f"event:{event.id}",
        details={"format": format.value, "rows": len(rows)},
    )
    return _file(format, delimiter, service.SESSION_LIST_COLUMNS, rows, f"{event.slug}-sessions", "Program")


@router.get(
    "/sessions/{session_id}/sign-in-sheet",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=HTMLResponse,
    responses=HTML_RESPONSES,
)
@writes  # the audit entry
def sign_in_sheet(db: SessionDep, who: PersonalDataDep, row: OrganizerSessionDep) -> HTMLResponse:
    """A printable attendance list for the session: enrolled people in Polish alphabetical
    order with a signature column; room and time in the event's time zone."""
    event = get_event(db, event_id=row.event_id, include_unpublished=True)
    zone = ZoneInfo(event.timezone)
    people = [
        (r.last_name, r.first_name, r.organization)
        for r in iter_rows(
            db, ExportSpec(event_id=id_of(event), session_id=row.id, statuses=(EnrollmentStatus.enrolled,))
        )
    ]
    record(
        db,
        actor=who.label,
        action="export.sign_in_sheet",
        event_id=event.id,
        target=f"session:{row.id}",
        details={"format": "html", "rows": len(people)},
    )
    html = printable.sign_in_sheet(
        event_title=event.title,
        session_title=row.title,
        room=row.room,
        zone_name=event.timezone,
        starts_at=service.local(row.starts_at, zone),
        ends_at=service.local(row.ends_at, zone),
        people=people,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get(
    "/events/{event_id}/badges",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=HTMLResponse,
    responses=HTML_RESPONSES,
)
@writes  # the audit entry
def badges(
    db: SessionDep, who: PersonalDataDep, event: OrganizerEventDep, status_: StatusQ = CONFIRMED_ONLY
) -> HTMLResponse:
    """Printable name badges (88 x 56 mm, Polish alphabetical order), each with the person's
    check-in QR code. Codes are derived, so badges can be printed again at any time."""
    people = [
        (r.first_name, r.last_name, r.organization, r.partnership, code)
        for r, code in confirmed_with_codes(db, event_id=id_of(event), statuses=tuple(status_), limit=None, offset=0)
    ]
    record(
        db,
        actor=who.label,
        action="export.badges",
        event_id=event.id,
        target=f"event:{event.id}",
        details={"format": "html", "filters": {"status": list(status_)}, "rows": len(people)},
    )
    return HTMLResponse(printable.badges(event_title=event.title, people=people), headers={"Cache-Control": "no-store"})
