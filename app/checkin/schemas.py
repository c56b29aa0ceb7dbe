import datetime as dt
from typing import Self

from pydantic import Field, model_validator

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, UtcOutput
from app.registrations.models import Category, RegistrationStatus
from app.sessions.models import SessionKind


class CheckinCreate(RequestModel):
    code: str | None = Field(
        default=None,
        min_length=3,
        max_length=64,
        description="The code from the badge's QR (case and spaces do not matter).",
        examples=["123-7KQ2M4XR9TBWZP5D"],
    )
    registration_id: Id | None = Field(
        default=None,
        description="Instead of a code: the registration found by name at the door "
        "(`GET /events/{event_id}/checkins/people`), e.g. for a forgotten badge.",
    )
    session_id: Id | None = Field(default=None, description="Check in to this session; omit for the event.")

    @model_validator(mode="after")
    def _code_or_registration(self) -> Self:
        if (self.code is None) == (self.registration_id is None):
            raise ValueError("Send either `code` or `registration_id`.")
        return self


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


class DoorPerson(ResponseModel):
    """A person found by name at the door: no e-mail, no answers; just enough to greet and check in."""

    registration_id: int
    first_name: str
    last_name: str
    organization: str
    category: Category
    status: RegistrationStatus
    checked_in_at: UtcOutput | None = Field(
        description="When checked in (for the session asked, else the event); null: not yet."
    )


class DayCount(ResponseModel):
    date: dt.date = Field(description="A day in the event's time zone.")
    checked_in: int = Field(description="People checked in for the event on that day.")


class SessionCount(ResponseModel):
    session_id: int
    title: str
    kind: SessionKind
    room: str | None
    starts_at: UtcOutput
    ends_at: UtcOutput
    capacity: int | None
    enrolled: int
    checked_in: int


class CheckinSummary(ResponseModel):
    """Head counts for the door: the event, each day, each session."""

    event_id: int
    title: str
    timezone: str
    confirmed: int = Field(description="Confirmed registrations (the people expected).")
    checked_in: int = Field(description="People checked in for the event, all days.")
    days: list[DayCount] = Field(description="The event's days and any other day with check-ins, in order.")
    sessions: list[SessionCount] = Field(description="Every session in time order with its check-ins.")
