from fastapi import APIRouter, Query, status

from app.audit import service
from app.audit.schemas import AuditEntryPublic
from app.auth.deps import OrganizerDep
from app.auth.models import KEY_LABEL_MAX
from app.common.pagination import Page, PageDep
from app.common.types import MAX_ID
from app.db import SessionDep, TransactionRoute
from app.registrations.models import Registration

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["audit log"])


@router.get("/audit-log", response_model=Page[AuditEntryPublic], status_code=status.HTTP_200_OK)
def list_audit_log(
    db: SessionDep,
    who: OrganizerDep,
    page: PageDep,
    event_id: int | None = Query(default=None, ge=1, le=MAX_ID, description="Only entries about this event."),
    action: str | None = Query(
        default=None,
        max_length=64,
        description="Exact action (`export.registrations`) or a prefix ending in a dot (`export.`, `checkin.`).",
    ),
    actor: str | None = Query(default=None, max_length=KEY_LABEL_MAX, description="Key label, e.g. `key:3:Door A`."),
    registration_id: int | None = Query(
        default=None,
        ge=1,
        le=MAX_ID,
        description=(
            "A person's trail: entries whose target is this registration (`registration:<id>`) or whose "
            "details name it (`registration_id`, e.g. placing them in a session)."
        ),
    ),
) -> Page[AuditEntryPublic]:
    """Who exported personal data, checked people in or changed things, and when (newest first).

    A key limited to some events reads only the entries about them (not those of no event);
    `event_id` naming another event is 404, as everywhere for such a key. With `registration_id`
    such a key reads the person's whole trail if the registration is of its events (the entries
    about a registration are about its event, even those recorded without an event), 404 otherwise."""
    within = who.event_ids
    if event_id is not None:
        who.check_event(event_id)
    if registration_id is not None and who.scoped:
        reg = db.get(Registration, registration_id)
        who.check_event(reg.event_id if reg else None, f"Registration {registration_id} does not exist.")
        within = None
    rows, total = service.list_entries(
        db,
        event_id=event_id,
        action=action,
        actor=actor,
        limit=page.limit,
        offset=page.offset,
        within=within,
        registration_id=registration_id,
    )
    return Page(
        items=[AuditEntryPublic.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )
