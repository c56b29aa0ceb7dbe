"""GDPR endpoints: a person's own data export and erasure by an organizer.

A participant erases their own data with `DELETE /api/v1/me?erase=true` (app/me/router.py),
which calls the same `erase` flow.
"""

from fastapi import APIRouter, Response, status

from app.auth.deps import AuditedOrganizerDep
from app.calendars import service as calendars
from app.common.ids import id_of
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.me.service import me_public
from app.messages import outbox
from app.messages.schemas import MessagePublic
from app.privacy import service
from app.privacy.schemas import MeExport
from app.registrations.deps import MeDep
from app.registrations.schemas import RegistrationPublic, public
from app.registrations.service import get_registration

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1")


@router.get("/me/export", response_model=MeExport, status_code=status.HTTP_200_OK, tags=["me (participant)"])
def export_me(db: SessionDep, me: MeDep, response: Response) -> MeExport:
    """All data held about the caller, as a JSON download (GDPR art. 15 and 20): the registration,
    places, ballots, preferences, the e-mails sent to them and whether a calendar feed exists."""
    response.headers["Content-Disposition"] = f'attachment; filename="registration-{me.id}.json"'
    base = me_public(db, me)
    messages = [MessagePublic.model_validate(m) for m in outbox.messages_of(db, registration_id=id_of(me))]
    return MeExport(
        **base.model_dump(), messages=messages, calendar_feed=calendars.has_feed(db, registration_id=id_of(me))
    )


@router.post(
    "/registrations/{registration_id}/erase",
    response_model=RegistrationPublic,
    status_code=status.HTTP_200_OK,
    tags=["registrations"],
)
def erase_registration(registration_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> RegistrationPublic:
    """Erase a person's data on their request (cancels first; tallies stay consistent)."""
    who.check_event(
        get_registration(db, registration_id=registration_id).event_id,
        f"Registration {registration_id} does not exist.",
    )
    return public(service.erase(db, registration_id=registration_id), None)
