from fastapi import APIRouter, Query, status

from app.auth.deps import BearerDep
from app.auth.optional import MaybeOrganizerDep
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.events.service import get_event
from app.participants import service
from app.participants.schemas import ParticipantPublic
from app.settings import SettingsDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["participants"])


@router.get("/events/{event_id}/participants", response_model=Page[ParticipantPublic], status_code=status.HTTP_200_OK)
def list_participants(
    event_id: IdPath,
    db: SessionDep,
    who: MaybeOrganizerDep,
    creds: BearerDep,
    page: PageDep,
    settings: SettingsDep,
    q: str | None = Query(
        default=None, max_length=100, description="Words to find in first names, last names or organizations."
    ),
) -> Page[ParticipantPublic]:
    """Confirmed people who agreed to be listed, in Polish alphabetical order: name, organization
    and partnership only. Anonymous callers see those who chose `public`; a registration token of
    this event (confirmed or waitlisted) or an organizer key also shows those who chose
    `participants`. Any other token reads as anonymous."""
    if who is not None:
        who.check_event(event_id)  # a key scoped to other events: 404, as everywhere
    get_event(db, event_id=event_id, include_unpublished=who is not None)
    member = who is not None or (
        creds is not None and service.is_member(db, event_id=event_id, token=creds.credentials, settings=settings)
    )
    rows, total = service.list_participants(
        db,
        event_id=event_id,
        listings=service.listings_for(member=member),
        q=q,
        limit=page.limit,
        offset=page.offset,
    )
    return Page(
        items=[ParticipantPublic.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )
