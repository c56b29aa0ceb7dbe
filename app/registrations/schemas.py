from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import EmailStr, Field, StringConstraints, field_validator, model_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import LINE_BREAKS, AllowControl, UtcOutput
from app.registrations.models import Category, FormOfAddress, Listing, RegistrationStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Language = Literal["pl", "en"]
Answers = Annotated[
    dict[Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,9}$")], Any] | None,
    AllowControl(LINE_BREAKS),
    Field(
        default=None,
        max_length=200,
        description=(
            'Answers to the event\'s questions (GET /events/{id}/questions), by question id: {"12": "wegańska", '
            '"13": 41 (an option id), "14": [42, 43] (multiple choice), "15": true, "16": "2022-11-29"}.'
        ),
    ),
]
InvitationCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
ADDRESS_HELP = (
    "How formal messages address you: pani (Szanowna Pani, Ms) or pan (Szanowny Panie, Mr); "
    'null: "Szanowni Państwo" (Dear participant).'
)
LISTING_HELP = (
    "Who may see your name, organization and partnership in the event's participants list: nobody "
    "(none, the default), the event's participants, or everyone (public)."
)
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
        default=None, description="Language of the messages to this person (pl, en); default: the event's."
    )
    form_of_address: FormOfAddress | None = Field(default=None, description=ADDRESS_HELP)
    answers: Answers = None
    invitation_code: InvitationCode | None = Field(
        default=None, description="An invitation code from the organizers (seats held for it, outside the window)."
    )
    listing: Listing = Field(default=Listing.none, description=LISTING_HELP)
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
    form_of_address: FormOfAddress | None = None
    listing: Listing = Listing.none
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


class DetailsUpdate(PatchModel):
    """A person's details, as PATCH /me and the organizer's PATCH /registrations/{id} change them."""

    NOT_NULL: ClassVar[tuple[str, ...]] = ("first_name", "last_name", "organization")

    first_name: Name | None = None
    last_name: Name | None = None
    organization: Org | None = None
    partnership: Org | None = None
    position: Org | None = None
    language: Language | None = None
    form_of_address: FormOfAddress | None = Field(default=None, description=ADDRESS_HELP)


class MeUpdate(DetailsUpdate):
    NOT_NULL = ("first_name", "last_name", "organization", "listing")

    answers: Answers = None
    listing: Listing | None = Field(default=None, description=LISTING_HELP)


STATUS_HELP = (
    "confirmed (from the waiting list, within capacity), waitlisted (to the end of the list) "
    "or cancelled (frees the seat for the next on the waiting list)."
)
MOVE_TO_END_HELP = (
    "With `waitlisted`: a person already on the waiting list goes to its end "
    "(without it, waitlisting a waiting person changes nothing). "
    "Only with `waitlisted` (422 otherwise)."
)


class RegistrationUpdate(DetailsUpdate):
    """The organizer's change of a registration: the person's details (as PATCH /me) and/or its status."""

    NOT_NULL = ("first_name", "last_name", "organization", "category", "status")

    category: Category | None = None
    status: RegistrationStatus | None = Field(default=None, description=STATUS_HELP)
    move_to_end: bool = Field(default=False, description=MOVE_TO_END_HELP)

    @model_validator(mode="after")
    def _something_and_end_of_waitlist(self) -> "RegistrationUpdate":
        if not self.model_fields_set - {"move_to_end"}:
            raise ValueError("send at least one field to change")
        if self.move_to_end and self.status != RegistrationStatus.waitlisted:
            raise ValueError("move_to_end goes only with status waitlisted")
        return self


class OrganizationCount(ResponseModel):
    organization: str
    confirmed: int
    waitlisted: int


class OptionCount(ResponseModel):
    option_id: int
    label: str
    taken: int
    capacity: int | None
    remaining: int | None


class QuestionCount(ResponseModel):
    question_id: int
    label: str
    options: list[OptionCount]


class RegistrationStats(ResponseModel):
    capacity: int
    confirmed: int
    waitlisted: int
    cancelled: int
    pending: int = 0
    rejected: int = 0
    reserved_seats: int = Field(default=0, description="Seats held by invitation codes.")
    seats_left: int = Field(description="Seats the public can still take.")
    by_category: dict[str, dict[str, int]]
    by_organization: list[OrganizationCount]
    questions: list[QuestionCount] = Field(
        default=[], description="Choice questions: places taken and left per option (active registrations)."
    )


class ApproveMany(RequestModel):
    registration_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(min_length=1, max_length=1000)


class BulkAction(StrEnum):
    approve = "approve"  # pending -> a seat, or the waiting list's end when full
    reject = "reject"  # pending -> rejected
    waitlist = "waitlist"  # confirmed -> the end of the waiting list (their seat goes to the first waiting)


class BulkIn(RequestModel):
    """One action on several registrations of the event, in one transaction."""

    action: BulkAction = Field(
        description="approve or reject (pending registrations), waitlist (confirmed ones: to the end of the "
        "waiting list; their seat goes to the first person waiting)."
    )
    registration_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(min_length=1, max_length=1000)


class BulkItem(ResponseModel):
    registration_id: int
    done: bool = Field(description="False: the action did not apply to this person (see `detail`); nothing changed.")
    status: RegistrationStatus = Field(description="The registration's status after the action.")
    waitlist_position: int | None = None
    detail: str | None = None


class BulkOut(ResponseModel):
    action: BulkAction
    done: int = Field(description="How many registrations the action changed.")
    skipped: int
    items: list[BulkItem] = Field(description="One per registration, oldest registration first.")
