from datetime import date, datetime
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import DateInput, LongText, ShortText, Slug, Timezone, Title, UtcInput, UtcOutput
from app.events.models import GreetingStyle


def _check_window(
    starts_on: date | None, ends_on: date | None, opens: datetime | None, closes: datetime | None
) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ValueError("ends_on must not be before starts_on")
    if opens is not None and closes is not None and closes <= opens:
        raise ValueError("registration_closes_at must be after registration_opens_at")


Language = Literal["pl", "en"]
GREETING_HELP = (
    'How messages greet people: formal (the default: "Szanowna Pani Anna Nowak," or "Szanowny Panie ...," when the '
    'person gave a form of address, else "Szanowni Państwo,"; "Dear Ms/Mr ..." in English) or informal '
    '("Dzień dobry Anna," / "Hello Anna,").'
)


def _https_url(value: str) -> str:
    """An absolute `https` address with a host, no credentials and no spaces."""
    try:
        parts = urlsplit(value)
        port = parts.port  # a malformed port raises
    except ValueError:
        raise ValueError("privacy_url must be an https:// address") from None
    if parts.scheme.lower() != "https" or not parts.hostname or port == 0:
        raise ValueError("privacy_url must be an https:// address with a host name")
    if parts.username is not None or parts.password is not None:
        raise ValueError("privacy_url must not carry a user name or password")
    if any(c.isspace() for c in value):
        raise ValueError("privacy_url must not contain spaces")
    return value


PrivacyUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_https_url),
    Field(
        examples=["https://www.example.org/privacy"],
        description="The organizer's privacy notice (`https`), linked from the consent box of the registration "
        "form; null: the pages show a built-in notice.",
    ),
]


class EventCreate(RequestModel):
    slug: Slug
    title: Title
    description: LongText | None = None
    venue: Title
    timezone: Timezone
    starts_on: DateInput
    ends_on: DateInput
    capacity: int = Field(ge=0, le=1_000_000)
    registration_opens_at: UtcInput | None = None
    registration_closes_at: UtcInput | None = None
    max_per_organization: int | None = Field(default=None, ge=1, le=1_000_000)
    published: bool = True
    language: Language = Field(default="pl", description="Default language of messages to participants.")
    emails_enabled: bool = Field(
        default=True,
        description="E-mail participants about registration, waiting "
        "lists, sessions, assignment and polls (webhooks go out either way).",
    )
    requires_approval: bool = Field(
        default=False,
        description="Registrations start `pending` and hold no seat "
        "until an organizer approves them (invitation codes skip approval).",
    )
    privacy_url: PrivacyUrl | None = None
    greeting: GreetingStyle = Field(default=GreetingStyle.formal, description=GREETING_HELP)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        _check_window(self.starts_on, self.ends_on, self.registration_opens_at, self.registration_closes_at)
        return self


class EventUpdate(PatchModel):
    """Partial update: only the fields sent are changed (send null to clear an optional one)."""

    NOT_NULL = (
        "slug",
        "title",
        "venue",
        "timezone",
        "starts_on",
        "ends_on",
        "capacity",
        "published",
        "language",
        "emails_enabled",
        "requires_approval",
        "greeting",
    )

    slug: Slug | None = None
    title: Title | None = None
    description: LongText | None = None
    venue: Title | None = None
    timezone: Timezone | None = None
    starts_on: DateInput | None = None
    ends_on: DateInput | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    registration_opens_at: UtcInput | None = None
    registration_closes_at: UtcInput | None = None
    max_per_organization: int | None = Field(default=None, ge=1, le=1_000_000)
    published: bool | None = None
    language: Language | None = None
    emails_enabled: bool | None = None
    requires_approval: bool | None = None
    privacy_url: PrivacyUrl | None = None
    greeting: GreetingStyle | None = Field(default=None, description=GREETING_HELP)


class EventPublic(ResponseModel):
    id: int
    slug: str
    title: str
    description: str | None
    venue: str
    timezone: str
    starts_on: date
    ends_on: date
    capacity: int
    registration_opens_at: UtcOutput | None
    registration_closes_at: UtcOutput | None
    max_per_organization: int | None
    published: bool
    language: str = "pl"
    emails_enabled: bool = True
    requires_approval: bool = False
    privacy_url: str | None = Field(default=None, description="The organizer's privacy notice; null: the built-in one.")
    greeting: GreetingStyle = GreetingStyle.formal
    reserved_seats: int = Field(
        default=0,
        validation_alias="reserved_open",
        description="Seats held by invitation codes, not open to the public.",
    )
    confirmed: int = Field(validation_alias="confirmed_count", description="Confirmed registrations.")
    seats_left: int = 0
    created_at: UtcOutput
    updated_at: UtcOutput

    @model_validator(mode="after")
    def _seats(self) -> Self:
        self.seats_left = max(self.capacity - self.confirmed - self.reserved_seats, 0)
        return self


__all__ = ["EventCreate", "EventUpdate", "EventPublic", "ShortText"]
