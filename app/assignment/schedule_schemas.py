"""Request and response shapes of joint mode across slots (POST /polls/{poll_id}/joint-schedule)."""

from typing import Self

from pydantic import Field, model_validator

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import UtcInput
from app.voting.schemas import RoomIn


class SlotIn(RequestModel):
    starts_at: UtcInput
    ends_at: UtcInput
    rooms: list[RoomIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class JointScheduleIn(RequestModel):
    slots: list[SlotIn] = Field(
        min_length=1, max_length=20, description="Time slots that do not overlap, each with its rooms."
    )
    dry_run: bool = Field(default=True, description="Only compute and report; write nothing.")
    time_limit: float = Field(default=10.0, gt=0, le=600, description="Seconds the solver may use.")

    @model_validator(mode="after")
    def _apart(self) -> Self:
        spans = sorted((s.starts_at, s.ends_at) for s in self.slots)
        if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
            raise ValueError("slots must not overlap")
        return self


class ScheduledSession(ResponseModel):
    slot: int = Field(description="Index into the request's slots.")
    topic_id: int
    title: str
    room: str
    capacity: int
    assigned: int
    session_id: int | None = Field(description="The workshop session written (not a dry run).")


class JointScheduleOut(ResponseModel):
    dry_run: bool
    voters: int = Field(description="Voters who approved a topic they do not hold yet and are free in some slot.")
    people_served: int = Field(description="Voters placed in at least one topic they approved (maximised first).")
    people_bound: float = Field(description="Upper bound on `people_served`.")
    pairs_served: int = Field(description="(voter, approved topic) places given (maximised second).")
    pairs_bound: float = Field(description="Upper bound on `pairs_served` given `people_served`.")
    gap: float = Field(description="Largest relative gap of the two figures to their bounds (0 = proven optimal).")
    optimal: bool
    status: str
    seconds: float
    sessions: list[ScheduledSession]
