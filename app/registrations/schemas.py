from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, StringConstraints, field_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import UtcOutput
from app.registrations.models import Category, RegistrationStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Language = Literal["pl", "en"]
Org = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegistrationCreate(RequestModel):
    first_name: Name
    last_name: Name
    email: EmailStr = Field(max_length=254)
    organization: Org
    partnership: Org | None = None
    position: Org | None = None
    category: Category = Category.other
    language: Language | None = Field(
        default=None, description="Language of the messages to this person (pl, en); default: the event's.")
    consent: Literal[True] = Field(
        description="Must be JSON `true` (not a string or a number): consent to processing personal data for the event."
    )

    @field_validator("consent", mode="before")
    @classmethod
    def _must_consent(cls, value: Any) -> Any:
        if value is not True:  # strictly the JSON literal: "true", 1 or "yes" are no consent
            raise ValueError("consent must be true (the JSON literal) to register")
        return value


class RegistrationCreated(ResponseModel):
    id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None
    token: str = Field(description="Secret for /api/v1/me. Returned only here; store it safely.")


# Default of the `status` filters of lists and exports (FastAPI copies it for each request).
CONFIRMED_ONLY: list[RegistrationStatus] = [RegistrationStatus.confirmed]


class RegistrationPublic(ResponseModel):
    """A registration as its owner and organizers see it (never the token or its digest)."""

    id: int
    event_id: int
    first_name: str
    last_name: str
    email: str
    organization: str
    partnership: str | None
    position: str | None
    category: Category
    language: str | None = None
    status: RegistrationStatus
    waitlist_position: int | None = None
    consent_at: UtcOutput
    consent_version: str
    created_at: UtcOutput
    updated_at: UtcOutput
    confirmed_at: UtcOutput | None
    cancelled_at: UtcOutput | None
    erased_at: UtcOutput | None = None


def public(reg: object, position: int | None) -> RegistrationPublic:
    """A registration row as `RegistrationPublic`, with its waiting-list position."""
    return RegistrationPublic.model_validate(reg).model_copy(update={"waitlist_position": position})


class MeUpdate(PatchModel):
    NOT_NULL = ("first_name", "last_name", "organization")

    first_name: Name | None = None
    last_name: Name | None = None
    organization: Org | None = None
    partnership: Org | None = None
    position: Org | None = None
    language: Language | None = None


class StatusUpdate(RequestModel):
    status: RegistrationStatus = Field(
        description="confirmed (from the waiting list, within capacity), waitlisted (to the end of the list) "
        "or cancelled (frees the seat for the next on the waiting list)."
    )


class OrganizationCount(ResponseModel):
    organization: str
    confirmed: int
    waitlisted: int


class RegistrationStats(ResponseModel):
    capacity: int
    confirmed: int
    waitlisted: int
    cancelled: int
    seats_left: int
    by_category: dict[str, dict[str, int]]
    by_organization: list[OrganizationCount]
