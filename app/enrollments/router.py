"""Organizers' view of a session's people, and placing people by hand (speakers, moderators)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.deps import AuditedOrganizerDep, OrganizerDep, audit_note
from app.capacity import ledger
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.enrollments import service
from app.enrollments.models import EnrollmentStatus
from app.enrollments.schemas import EnrollmentPublic, PlacementCreate, SessionEnrollment
from app.errors import NotFound
from app.sessions.deps import OrganizerSessionDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1/sessions/{session_id}/enrollments", tags=["sessions"])


@router.get("", response_model=Page[SessionEnrollment], status_code=status.HTTP_200_OK)
def list_enrollments(
    db: SessionDep,
    _: OrganizerDep,
    session: OrganizerSessionDep,
    page: PageDep,
    status_: Annotated[EnrollmentStatus | None, Query(alias="status")] = None,
) -> Page[SessionEnrollment]:
    """People enrolled in the session, then its waiting list in order."""
    rows, total = service.session_enrollments(
        db, session_id=id_of(session), status=status_, limit=page.limit, offset=page.offset
    )
    items = [
        SessionEnrollment(
            registration_id=r.id,
            first_name=r.first_name,
            last_name=r.last_name,
            organization=r.organization,
            status=e.status,
            source=e.source,
            waitlist_position=ledger.session_position(db, e),
        )
        for e, r in rows
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response_model=EnrollmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already seated; now marked as placed by an organizer", "model": EnrollmentPublic}},
)
def place(
    body: PlacementCreate,
    db: SessionDep,
    _: AuditedOrganizerDep,
    session: OrganizerSessionDep,
    response: Response,
    request: Request,
) -> EnrollmentPublic:
    """Give a confirmed person a seat by hand (never the waiting list). Assignment runs keep it."""
    session_id = id_of(session)
    audit_note(request, registration_id=body.registration_id)
    enrollment, created = service.place(db, registration_id=body.registration_id, session_id=session_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EnrollmentPublic(session_id=session_id, status=enrollment.status, source=enrollment.source)


@router.delete("/{registration_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def remove(registration_id: IdPath, db: SessionDep, _: AuditedOrganizerDep, session: OrganizerSessionDep) -> Response:
    """Take a person out of the session (or its waiting list); the first waiting person moves up."""
    session_id = id_of(session)
    try:
        service.leave(db, registration_id=registration_id, session_id=session_id)
    except NotFound:
        raise NotFound(f"Registration {registration_id} is not in session {session_id}.") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
