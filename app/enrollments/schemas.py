from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id
from app.enrollments.models import EnrollmentSource, EnrollmentStatus


class EnrollmentCreate(RequestModel):
    session_id: Id


class EnrollmentPublic(ResponseModel):
    session_id: int
    status: EnrollmentStatus
    waitlist_position: int | None = None
    source: EnrollmentSource = EnrollmentSource.self


class PlacementCreate(RequestModel):
    registration_id: Id


class SessionEnrollment(ResponseModel):
    """Who is in a session (organizers)."""

    registration_id: int
    first_name: str
    last_name: str
    organization: str
    status: EnrollmentStatus
    waitlist_position: int | None = None
    source: EnrollmentSource
