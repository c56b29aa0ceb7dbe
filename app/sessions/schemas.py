from typing import Self

from pydantic import Field, model_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import LongText, ShortText, Title, UtcInput, UtcOutput
from app.sessions.models import SessionKind


class SessionCreate(RequestModel):
    title: Title
    description: LongText | None = None
    kind: SessionKind = Field(
        description="break, meal and social items are in the programme for everyone: no "
        "places to take, never ranked nor assigned."
    )
    starts_at: UtcInput
    ends_at: UtcInput
    room: ShortText | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000, description="Seats; null = unlimited.")
    force: bool = Field(
        default=False,
        description="Keep the room even when another session uses it at an "
        "overlapping time (409 `room-taken` otherwise).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class SessionUpdate(PatchModel):
    NOT_NULL = ("title", "kind", "starts_at", "ends_at", "force")

    title: Title | None = None
    description: LongText | None = None
    kind: SessionKind | None = None
    starts_at: UtcInput | None = None
    ends_at: UtcInput | None = None
    room: ShortText | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    force: bool = Field(
        default=False,
        description="Keep the room even when another session uses it at an "
        "overlapping time (409 `room-taken` otherwise).",
    )


class SessionPublic(ResponseModel):
    id: int
    event_id: int
    title: str
    description: str | None
    kind: SessionKind
    starts_at: UtcOutput
    ends_at: UtcOutput
    room: str | None
    capacity: int | None
    topic_id: int | None = None
    enrolled: int
    seats_left: int | None = None

    @model_validator(mode="after")
    def _seats(self) -> Self:
        self.seats_left = None if self.capacity is None else max(self.capacity - self.enrolled, 0)
        return self
