"""Invitation workflows that reach the waiting list: making a code (under the event's lock)
and revoking one (held seats back to the public, then to the waiting list)."""

from sqlmodel import Session

from app.auth.deps import Organizer
from app.invitations import service
from app.invitations.models import Invitation
from app.invitations.schemas import InvitationCreate
from app.registrations import waitlist
from app.registrations.service import locked_event, normalize_email, normalize_org


def create(db: Session, *, event_id: int, data: InvitationCreate, created_by: str) -> tuple[Invitation, str]:
    event = locked_event(db, event_id)
    return service.create(
        db,
        event=event,
        data=data,
        created_by=created_by,
        email_normalized=normalize_email(str(data.email)) if data.email is not None else None,
        organization_normalized=normalize_org(data.organization) if data.organization else None,
    )


def revoke(db: Session, *, invitation_id: int, organizer: Organizer) -> Invitation:
    event_id = service.get(db, invitation_id=invitation_id).event_id
    organizer.check_event(event_id, f"Invitation {invitation_id} does not exist.")
    event = locked_event(db, event_id)
    invitation = db.get(Invitation, invitation_id, populate_existing=True)  # as it is under the lock
    assert invitation is not None  # deleted only with its event, whose lock we hold
    if service.revoke(db, invitation=invitation):
        waitlist.promote(db, event)
    return invitation
