from fastapi import APIRouter, status

from app.auth.deps import AuditedOrganizerDep, OrganizerDep
from app.common.ids import id_of
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.events.deps import OrganizerEventDep
from app.invitations import flows, service
from app.invitations.schemas import InvitationCreate, InvitationCreated, InvitationPublic

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["invitations"])


@router.post("/events/{event_id}/invitations", response_model=InvitationCreated, status_code=status.HTTP_201_CREATED)
def create_invitation(
    body: InvitationCreate, db: SessionDep, who: AuditedOrganizerDep, event: OrganizerEventDep
) -> InvitationCreated:
    """An invitation code: for one address, one organization, or `uses` people, until
    `expires_at`. With `reserved_seats`, that many seats are held for it: public registration
    cannot take them (409 when the event has fewer free seats). The code is shown only here."""
    invitation, code = flows.create(db, event_id=id_of(event), data=body, created_by=who.label)
    return InvitationCreated(**InvitationPublic.model_validate(invitation).model_dump(), code=code)


@router.get("/events/{event_id}/invitations", response_model=list[InvitationPublic], status_code=status.HTTP_200_OK)
def list_invitations(db: SessionDep, _: OrganizerDep, event: OrganizerEventDep) -> list[InvitationPublic]:
    """The event's invitation codes (never the codes themselves): uses and held seats."""
    return [InvitationPublic.model_validate(i) for i in service.list_for(db, event_id=id_of(event))]


@router.post("/invitations/{invitation_id}/revoke", response_model=InvitationPublic, status_code=status.HTTP_200_OK)
def revoke_invitation(invitation_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> InvitationPublic:
    """No further registrations with the code; its unused held seats go back to the public at
    once (and to the waiting list). People who registered with it keep their registrations."""
    who.check_event(
        service.get(db, invitation_id=invitation_id).event_id,  # as for an unknown one
        f"Invitation {invitation_id} does not exist.",
    )
    return InvitationPublic.model_validate(flows.revoke(db, invitation_id=invitation_id, organizer=who))
