"""GDPR endpoints: a person's own data export and erasure by an organizer.

A participant erases their own data with `DELETE /api/v1/me?erase=true` (app/me/router.py),
which calls the same `erase` flow.
"""

from fastapi import APIRouter, Response, status

from app.auth.deps import AuditedOrganizerDep
from app.common.types import IdPath
from app.db import SessionDep
from app.me.schemas import MePublic
from app.me.service import me_public
from app.privacy import service
from app.registrations.deps import MeDep
from app.registrations.schemas import RegistrationPublic, public
from app.registrations.service import get_registration

router = APIRouter(prefix="/api/v1")


@router.get("/me/export", response_model=MePublic, status_code=status.HTTP_200_OK, tags=["me (participant)"])
def export_me(db: SessionDep, me: MeDep, response: Response) -> MePublic:
    """All data held about the caller, as a JSON download (GDPR art. 15 and 20)."""
    response.headers["Content-Disposition"] = f'attachment; filename="registration-{me.id}.json"'
    return me_public(db, me)


@router.post("/registrations/{registration_id}/erase", response_model=RegistrationPublic,
             status_code=status.HTTP_200_OK, tags=["registrations"])
def erase_registration(registration_id: IdPath, db: SessionDep, _: AuditedOrganizerDep) -> RegistrationPublic:
    """Erase a person's data on their request (cancels first; tallies stay consistent)."""
    get_registration(db, registration_id=registration_id)
    return public(service.erase(db, registration_id=registration_id), None)
