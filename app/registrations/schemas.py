from typing import Annotated, Self

from pydantic import EmailStr, Field, StringConstraints, field_validator, model_validator

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import UtcOutput
from app.registrations.models import Category, RegistrationStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Org = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegistrationCreate(RequestModel):
    first_name: Name
    last_name: Name
    email: EmailStr = Field(max_length=254)
    organization: Org
    partnership: Org | None = None
    position: Org | None = None
    category: Category = Category.other
    consent: bool = Field(description="Must be true: consent to processing personal data for the event.")

    @field_validator("consent")
    @classmethod
    def _must_consent(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("consent must be true to register")
        return value


class RegistrationCreated(ResponseModel):
    id: int
    event_id: int
    status: RegistrationStatus
    waitlist_position: int | None = None
    token: str = Field(description="Secret for /api/v1/me. Returned only here; store it safely.")


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


class MeUpdate(RequestModel):
    first_name: Name | None = None
    last_name: Name | None = None
    organization: Org | None = None
    partnership: Org | None = None
    position: Org | None = None

    @model_validator(mode="after")
    def _required_not_null(self) -> Self:
        for name in ("first_name", "last_name", "organization"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


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
