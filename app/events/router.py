from fastapi import APIRouter, Query, Response, status

from app.auth.deps import AuditedOrganizerDep
from app.auth.optional import MaybeOrganizerDep
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.events import flows, service
from app.events.schemas import EventCreate, EventPublic, EventUpdate

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1/events", tags=["events"])


@router.post("", response_model=EventPublic, status_code=status.HTTP_201_CREATED)
def create_event(body: EventCreate, db: SessionDep, who: AuditedOrganizerDep) -> EventPublic:
    """Create an event (organizer key of every event; 403 for a key limited to some). The slug
    must be unique (409 otherwise)."""
    who.check_global("create events")
    return EventPublic.model_validate(service.create_event(db, data=body))


@router.get("", response_model=Page[EventPublic], status_code=status.HTTP_200_OK)
def list_events(db: SessionDep, page: PageDep, who: MaybeOrganizerDep) -> Page[EventPublic]:
    """Published events, newest first; organizers also see unpublished ones. A key limited to
    some events lists exactly those, published or not."""
    rows, total = service.list_events(
        db,
        include_unpublished=who is not None,
        limit=page.limit,
        offset=page.offset,
        event_ids=who.event_ids if who is not None else None,
    )
    return Page(items=[EventPublic.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/{event_id}", response_model=EventPublic, status_code=status.HTTP_200_OK)
def get_event(event_id: IdPath, db: SessionDep, who: MaybeOrganizerDep) -> EventPublic:
    """The event (public once published; organizers also read unpublished ones; a key limited
    to other events: 404)."""
    return EventPublic.model_validate(service.get_event(db, event_id=event_id, include_unpublished=who is not None))


@router.patch("/{event_id}", response_model=EventPublic, status_code=status.HTTP_200_OK)
def update_event(event_id: IdPath, body: EventUpdate, db: SessionDep, who: AuditedOrganizerDep) -> EventPublic:
    who.check_event(event_id)
    return EventPublic.model_validate(flows.update_event(db, event_id=event_id, data=body))


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_event(
    event_id: IdPath,
    db: SessionDep,
    who: AuditedOrganizerDep,
    force: bool = Query(default=False, description="Also when people are registered (409 otherwise)."),
) -> Response:
    """Delete an event with its sessions, registrations and polls. Organizer keys limited to
    this event alone are revoked with it (they would have no event left)."""
    who.check_event(event_id)
    flows.delete_event(db, event_id=event_id, force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
