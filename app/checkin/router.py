"""Check-in codes (for badges) and check-in at the door, by organizer or check-in-only keys."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.audit.service import record
from app.auth.deps import CheckinDep, OrganizerDep
from app.checkin import service
from app.checkin.schemas import CheckinCode, CheckinCreate, CheckinPublic, CheckinSummary, DoorPerson
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import MAX_ID, IdPath
from app.db import SessionDep, TransactionRoute, writes
from app.events.deps import OrganizerEventDep
from app.exports.query import ExportSpec, count
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.schemas import CONFIRMED_ONLY
from app.registrations.service import get_registration

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["check-in"])


def _code(reg: Registration, code: str) -> CheckinCode:
    return CheckinCode(
        registration_id=reg.id,
        first_name=reg.first_name,
        last_name=reg.last_name,
        organization=reg.organization,
        code=code,
    )


@router.get("/events/{event_id}/checkin-codes", response_model=Page[CheckinCode], status_code=status.HTTP_200_OK)
@writes  # the audit entry (and the event's code secret, made on first use)
def list_codes(
    db: SessionDep,
    who: OrganizerDep,
    event: OrganizerEventDep,
    page: PageDep,
    status_: Annotated[list[RegistrationStatus], Query(alias="status")] = CONFIRMED_ONLY,
) -> Page[CheckinCode]:
    """Current check-in codes (Polish alphabetical order), e.g. to send by e-mail or print.

    Codes are derived (HMAC of the registration with a per-event secret), so this list can be
    fetched again at any time; each request is written to the audit log.
    """
    event_id = id_of(event)
    statuses = tuple(status_)
    rows = service.confirmed_with_codes(db, event_id=event_id, statuses=statuses, limit=page.limit, offset=page.offset)
    total = count(db, ExportSpec(event_id=event_id, statuses=statuses))
    record(
        db,
        actor=who.label,
        action="checkin.codes",
        event_id=event_id,
        target=f"event:{event_id}",
        details={"status": list(statuses), "limit": page.limit, "offset": page.offset, "rows": len(rows)},
    )
    return Page(items=[_code(r, c) for r, c in rows], total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/registrations/{registration_id}/checkin-code", response_model=CheckinCode, status_code=status.HTTP_200_OK
)
def revoke_code(registration_id: IdPath, db: SessionDep, who: OrganizerDep) -> CheckinCode:
    """Revoke the person's check-in code (a lost badge) and return the new one."""
    who.check_event(
        get_registration(db, registration_id=registration_id).event_id,
        f"Registration {registration_id} does not exist.",
    )
    reg = service.revoke_code(db, registration_id=registration_id)
    secret = service.ensure_event_secret(db, event_id=reg.event_id)
    record(
        db,
        actor=who.label,
        action="checkin.code_revoked",
        event_id=reg.event_id,
        target=f"registration:{reg.id}",
        details={"checkin_version": reg.checkin_version},
    )
    return _code(reg, service.code_for(secret, reg))


@router.post("/events/{event_id}/checkin-codes/rotate", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def rotate_codes(db: SessionDep, who: OrganizerDep, event: OrganizerEventDep) -> Response:
    """Revoke every check-in code of the event at once (badges must be printed again)."""
    event_id = id_of(event)
    service.rotate_event_secret(db, event_id=event_id)
    record(db, actor=who.label, action="checkin.codes_rotated", event_id=event_id, target=f"event:{event_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/events/{event_id}/checkins",
    response_model=CheckinPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already checked in (the first check-in)", "model": CheckinPublic}},
)
def check_in(
    body: CheckinCreate,
    db: SessionDep,
    who: CheckinDep,
    event: OrganizerEventDep,
    response: Response,
) -> CheckinPublic:
    """Mark a person present for the event, or for a session with `session_id`.

    By the badge's `code`, or by `registration_id` (the person found by name at the door).
    Organizer keys and check-in-only (door) keys. Idempotent: scanning twice answers 200 with
    the first check-in. 404 for an unknown or revoked code (or a registration not of this
    event), 409 for a cancelled registration.
    A waitlisted person is checked in too: the answer's `status` tells the door staff.
    """
    event_id = id_of(event)
    done = service.check_in(
        db,
        event_id=event_id,
        code=body.code,
        registration_id=body.registration_id,
        session_id=body.session_id,
        by=who.label,
    )
    reg, att = done.registration, done.attendance
    if done.created:
        record(
            db,
            actor=who.label,
            action="checkin.create",
            event_id=event_id,
            target=f"registration:{reg.id}",
            details={"session_id": body.session_id, "by": "code" if body.code is not None else "name"},
        )
    else:
        response.status_code = status.HTTP_200_OK
    return CheckinPublic(
        registration_id=reg.id,
        first_name=reg.first_name,
        last_name=reg.last_name,
        organization=reg.organization,
        category=reg.category,
        status=reg.status,
        session_id=att.session_id,
        enrollment_status=done.enrollment_status,
        checked_in_at=att.checked_in_at,
        checked_in_by=att.checked_in_by,
        already_checked_in=not done.created,
    )


@router.delete(
    "/events/{event_id}/checkins/{registration_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
def undo_check_in(
    registration_id: IdPath,
    db: SessionDep,
    who: CheckinDep,
    event: OrganizerEventDep,
    session_id: int | None = Query(
        default=None, ge=1, le=MAX_ID, description="Undo the session check-in; omit for the event."
    ),
) -> Response:
    """Undo a check-in of this event (scanned by mistake). Idempotent: 204 whether or not there was one.

    The same 204 for a registration that does not exist, belongs to another event or is not
    checked in (and for a session of another event): the answer never tells which exist.
    """
    event_id = id_of(event)
    if service.undo(db, event_id=event_id, registration_id=registration_id, session_id=session_id):
        record(
            db,
            actor=who.label,
            action="checkin.undo",
            event_id=event_id,
            target=f"registration:{registration_id}",
            details={"session_id": session_id},
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events/{event_id}/checkins/people", response_model=Page[DoorPerson], status_code=status.HTTP_200_OK)
def find_people(
    db: SessionDep,
    who: CheckinDep,
    event: OrganizerEventDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Words of a name or organization; case and "
            'diacritics do not matter ("zak lodz" finds Żak of Łódź).',
        ),
    ],
    session_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Show check-ins for this session.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Page[DoorPerson]:
    """Find people at the door by name or organization (door keys too): those whose last name
    starts with a word of `q` first, then those with another word starting with it, then the
    rest, each group in Polish alphabetical order ("zak": Żak before Łuczak); with their
    check-in time for the event (or `session_id`). Never e-mails: the search does not look at
    them either."""
    rows, total = service.find_people(db, event_id=id_of(event), q=q, session_id=session_id, limit=limit, offset=offset)
    items = [
        DoorPerson(
            registration_id=id_of(r),
            first_name=r.first_name,
            last_name=r.last_name,
            organization=r.organization,
            category=r.category,
            status=r.status,
            checked_in_at=at,
        )
        for r, at in rows
    ]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/events/{event_id}/checkins/summary", response_model=CheckinSummary, status_code=status.HTTP_200_OK)
def checkin_summary(db: SessionDep, who: CheckinDep, event: OrganizerEventDep) -> CheckinSummary:
    """Head counts for the door (door keys too): confirmed people, checked in for the event in
    all and per day (in the event's time zone), and per session."""
    return service.summary(db, event=event)
