from pydantic import Field

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, UtcOutput
from app.registrations.models import Category, RegistrationStatus


class CheckinCreate(RequestModel):
    code: str = Field(min_length=3, max_length=64, description="The code from the badge's QR (case and spaces do "
                      "not matter).", examples=["123-7KQ2M4XR9TBWZP5D"])
    session_id: Id | None = Field(default=None, description="Check in to this session; omit for the event.")


class CheckinPublic(ResponseModel):
    """What the door screen shows."""

    registration_id: int
    first_name: str
    last_name: str
    organization: str
    category: Category
    status: RegistrationStatus = Field(description="Registration status: confirmed or waitlisted.")
    session_id: int | None
    enrollment_status: str | None = Field(description="For a session: enrolled, waitlisted, or null (not enrolled).")
    checked_in_at: UtcOutput
    checked_in_by: str
    already_checked_in: bool


class CheckinCode(ResponseModel):
    registration_id: int
    first_name: str
    last_name: str
    organization: str
    code: str
