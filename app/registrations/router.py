from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status

from app.auth.deps import AuditedOrganizerDep, OrganizerDep, audit_note
from app.auth.optional import MaybeOrganizerDep
from app.capacity import ledger
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.events.deps import OrganizerEventDep
from app.registrations import bulk, flows, service
from app.registrations.models import Category, RegistrationStatus
from app.registrations.schemas import (
    ApproveMany,
    BulkIn,
    BulkItem,
    BulkOut,
    RegistrationCreate,
    RegistrationCreated,
    RegistrationPublic,
    RegistrationStats,
    RegistrationUpdate,
    public,
)
from app.settings import SettingsDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["registrations"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="A unique client-generated key (e.g. a UUID): retries with the same key and body "
        "return the first answer and store nothing new.",
    ),
]


@router.post(
    "/events/{event_id}/registrations", response_model=RegistrationCreated, status_code=status.HTTP_201_CREATED
)
def register(
    event_id: IdPath,
    body: RegistrationCreate,
    db: SessionDep,
    response: Response,
    who: MaybeOrganizerDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> RegistrationCreated:
    """Register for an event. Confirmed while seats last, then waitlisted (first come, first served).

    The answer carries the secret `token` for `/api/v1/me`; it is not stored and shown only here
    (or on a retry with the same `Idempotency-Key`). Beyond the event's `max_per_organization`,
    further people of the same organization are waitlisted.
    """
    result = service.register(
        db,
        event_id=event_id,
        data=body,
        idempotency_key=idempotency_key,
        consent_version=settings.consent_version,
        by_organizer=who is not None,
    )
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    reg = result.registration
    return RegistrationCreated(
        id=reg.id,
        event_id=reg.event_id,
        status=reg.status,
        waitlist_position=ledger.event_position(db, reg) if result.replayed else result.position,
        token=result.token,
    )


@router.get("/events/{event_id}/registrations", response_model=Page[RegistrationPublic], status_code=status.HTTP_200_OK)
def list_registrations(
    db: SessionDep,
    _: OrganizerDep,
    event: OrganizerEventDep,
    page: PageDep,
    status_: Annotated[RegistrationStatus | None, Query(alias="status")] = None,
    category: Category | None = None,
    organization: str | None = Query(default=None, max_length=200),
    partnership: str | None = Query(default=None, max_length=200),
    q: str | None = Query(default=None, max_length=100, description="Search in names and e-mail."),
) -> Page[RegistrationPublic]:
    """Registrations of the event in registration order (organizer)."""
    event_id = id_of(event)
    rows, total = service.list_registrations(
        db,
        event_id=event_id,
        status=status_,
        category=category,
        organization=organization,
        partnership=partnership,
        q=q,
        limit=page.limit,
        offset=page.offset,
    )
    waiting = any(r.status == RegistrationStatus.waitlisted for r in rows)
    positions = ledger.event_positions(db, event_id=event_id) if waiting else {}
    return Page(
        items=[public(r, positions.get(id_of(r))) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/events/{event_id}/registrations/stats", response_model=RegistrationStats, status_code=status.HTTP_200_OK)
def registration_stats(db: SessionDep, _: OrganizerDep, event: OrganizerEventDep) -> RegistrationStats:
    """Counts: confirmed, waitlisted, cancelled, per category and per organization."""
    return service.stats(db, event=event)


@router.get("/registrations/{registration_id}", response_model=RegistrationPublic, status_code=status.HTTP_200_OK)
def get_registration(registration_id: IdPath, db: SessionDep, who: OrganizerDep) -> RegistrationPublic:
    reg = service.get_registration(db, registration_id=registration_id)
    who.check_event(reg.event_id, f"Registration {registration_id} does not exist.")
    return public(reg, ledger.event_position(db, reg))


@router.patch("/registrations/{registration_id}", response_model=RegistrationPublic, status_code=status.HTTP_200_OK)
def change_status(
    registration_id: IdPath, body: RegistrationUpdate, db: SessionDep, who: AuditedOrganizerDep, request: Request
) -> RegistrationPublic:
    """Organizer override: change the person's details (as `PATCH /me`: a new organization must have
    room under `max_per_organization`, 409 otherwise) and/or the status: confirm from the waiting list
    (within capacity), move to the end of it (`move_to_end` for a person already waiting), or cancel.
    Details first, then the status, all or nothing. The audit entry names the fields sent."""
    who.check_event(
        service.get_registration(db, registration_id=registration_id).event_id,
        f"Registration {registration_id} does not exist.",
    )
    audit_note(request, fields=sorted(body.model_fields_set))
    reg = flows.organizer_update(db, registration_id=registration_id, data=body)
    db.refresh(reg)
    return public(reg, ledger.event_position(db, reg))


@router.post(
    "/registrations/{registration_id}/approve", response_model=RegistrationPublic, status_code=status.HTTP_200_OK
)
def approve(registration_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> RegistrationPublic:
    """Approve a pending registration (events with `requires_approval`): it takes a seat, or
    the waiting list's end when the event is full, as if it had just registered. 409 unless
    pending. A pending registration holds no seat."""
    who.check_event(
        service.get_registration(db, registration_id=registration_id).event_id,
        f"Registration {registration_id} does not exist.",
    )
    reg = flows.approve(db, registration_id=registration_id)
    return public(reg, ledger.event_position(db, reg))


@router.post(
    "/registrations/{registration_id}/reject", response_model=RegistrationPublic, status_code=status.HTTP_200_OK
)
def reject(registration_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> RegistrationPublic:
    """Refuse a pending registration: no seat, its options given back, the person told. 409 unless pending."""
    who.check_event(
        service.get_registration(db, registration_id=registration_id).event_id,
        f"Registration {registration_id} does not exist.",
    )
    return public(flows.reject(db, registration_id=registration_id), None)


@router.post(
    "/events/{event_id}/registrations/approve", response_model=list[RegistrationPublic], status_code=status.HTTP_200_OK
)
def approve_many(
    body: ApproveMany, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep
) -> list[RegistrationPublic]:
    """Approve several pending registrations at once, first come first seated; if one is not a
    pending registration of the event, nothing changes (404 or 409)."""
    regs = flows.approve_many(db, event_id=id_of(event), registration_ids=body.registration_ids)
    positions = ledger.event_positions(db, event_id=id_of(event))
    return [public(r, positions.get(id_of(r))) for r in regs]


@router.post("/events/{event_id}/registrations/bulk", response_model=BulkOut, status_code=status.HTTP_200_OK)
def bulk_action(
    body: BulkIn, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep, request: Request
) -> BulkOut:
    """Approve, reject or move to the waiting list several registrations at once, oldest first, in one
    transaction. A person the action does not apply to (approving someone confirmed meanwhile) is skipped,
    with the reason in their item; an id that is not a registration of the event: 404, nothing changes."""
    audit_note(request, action=body.action.value, registration_ids=sorted(set(body.registration_ids)))
    results = bulk.bulk(db, event_id=id_of(event), action=body.action, registration_ids=body.registration_ids)
    positions = ledger.event_positions(db, event_id=id_of(event))
    items = [
        BulkItem(
            registration_id=id_of(reg),
            done=skipped is None,
            status=reg.status,
            waitlist_position=positions.get(id_of(reg)),
            detail=skipped,
        )
        for reg, skipped in results
    ]
    done = sum(item.done for item in items)
    return BulkOut(action=body.action, done=done, skipped=len(items) - done, items=items)
