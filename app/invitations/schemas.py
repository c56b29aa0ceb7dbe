from typing import Annotated

from pydantic import ConfigDict, EmailStr, Field, StringConstraints

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import UtcInput, UtcOutput

Org = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class InvitationCreate(RequestModel):
    uses: int = Field(default=1, ge=1, le=100_000, description="How many registrations the code admits.")
    email: EmailStr | None = Field(default=None, max_length=254, description="Only for this address.")
    organization: Org | None = Field(default=None, description="Only for people of this organization.")
    reserved_seats: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description=("Seats held for the code's people: public registration cannot take them. At most `uses`."),
    )
    expires_at: UtcInput | None = None
    outside_window: bool = Field(
        default=True, description="Admits before the registration window opens and after it closes."
    )
    label: Label | None = Field(default=None, description="For organizers: whom the code is for.")


class InvitationPublic(ResponseModel):
    model_config = ConfigDict(from_attributes=True, validate_by_name=True)

    id: int
    event_id: int
    label: str | None
    email: str | None = Field(validation_alias="email_normalized")
    organization: str | None = None
    uses: int
    used: int
    reserved_seats: int
    reserved_used: int
    outside_window: bool
    expires_at: UtcOutput | None
    revoked_at: UtcOutput | None
    created_at: UtcOutput


class InvitationCreated(InvitationPublic):
    code: str = Field(description="The code to hand out; shown only here (stored as a digest).")
