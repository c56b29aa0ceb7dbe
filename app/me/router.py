"""Self-service for participants, authenticated by their registration token."""

from fastapi import APIRouter, Query, Response, status

from app.capacity import ledger
from app.common.ids import id_of
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.enrollments import service as enrollments
from app.enrollments.schemas import EnrollmentCreate, EnrollmentPublic
from app.me.schemas import MePublic
from app.me.service import me_public
from app.privacy import service as privacy
from app.registrations import flows as registrations
from app.registrations.deps import MeDep
from app.registrations.schemas import MeUpdate

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1/me", tags=["me (participant)"])


@router.get("", response_model=MePublic, status_code=status.HTTP_200_OK)
def read_me(db: SessionDep, me: MeDep) -> MePublic:
    """The caller's registration (with waiting-list position), enrollments and ballots."""
    return me_public(db, me)


@router.patch("", response_model=MePublic, status_code=status.HTTP_200_OK)
def update_me(body: MeUpdate, db: SessionDep, me: MeDep) -> MePublic:
    """Change own name, organization, partnership or position (not the e-mail)."""
    return me_public(db, registrations.update_details(db, registration_id=id_of(me), data=body))


@router.delete("", response_model=MePublic, status_code=status.HTTP_200_OK)
def cancel_me(
    db: SessionDep,
    me: MeDep,
    erase: bool = Query(default=False, description="Also erase personal data (GDPR); the token stops working."),
) -> MePublic:
    """Cancel the registration. The seat goes at once to the first on the waiting list. Idempotent.

    With `erase=true` the name, e-mail and position are overwritten and ballots and rankings deleted;
    the answer is the last one this token gets.
    """
    if erase:
        privacy.erase(db, registration_id=id_of(me))
    else:
        registrations.cancel(db, registration_id=id_of(me))
    return me_public(db, me)


@router.post(
    "/enrollments",
    response_model=EnrollmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already enrolled or waitlisted in this session", "model": EnrollmentPublic}},
)
def enroll(body: EnrollmentCreate, db: SessionDep, me: MeDep, response: Response) -> EnrollmentPublic:
    """Enroll in a session (first come, first served) or join its waiting list when full.

    409 when it runs at the same time as another session you are enrolled or waitlisted in.
    """
    enrollment, created = enrollments.enroll(db, registration_id=id_of(me), session_id=body.session_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EnrollmentPublic(
        session_id=enrollment.session_id,
        status=enrollment.status,
        source=enrollment.source,
        waitlist_position=ledger.session_position(db, enrollment),
    )


@router.delete("/enrollments/{session_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def leave(session_id: IdPath, db: SessionDep, me: MeDep) -> Response:
    """Leave a session (or its waiting list); the first waiting person moves up."""
    enrollments.leave(db, registration_id=id_of(me), session_id=session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
