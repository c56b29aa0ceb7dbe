from typing import Self

from pydantic import Field, field_validator, model_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, LongText, ShortText, Title, UtcInput, UtcOutput
from app.sessions.schemas import SessionPublic
from app.voting.models import BallotType, TopicStatus


class PollCreate(RequestModel):
    title: Title
    description: LongText | None = None
    seats: int = Field(ge=1, le=1000, description="How many topics will run.")
    ballot: BallotType = BallotType.approval
    opens_at: UtcInput | None = None
    closes_at: UtcInput | None = None
    allow_proposals: bool = Field(default=False, description="Participants may propose topics (organizers approve).")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class PollUpdate(PatchModel):
    NOT_NULL = ("title", "seats")

    title: Title | None = None
    description: LongText | None = None
    seats: int | None = Field(default=None, ge=1, le=1000)
    opens_at: UtcInput | None = None
    closes_at: UtcInput | None = None
    allow_proposals: bool | None = None


class TopicCreate(RequestModel):
    title: Title
    description: LongText | None = None


class TopicUpdate(PatchModel):
    NOT_NULL = ("title", "status")

    title: Title | None = None
    description: LongText | None = None
    status: TopicStatus | None = None


class TopicPublic(ResponseModel):
    id: int
    poll_id: int
    title: str
    description: str | None
    status: TopicStatus


class PollPublic(ResponseModel):
    id: int
    event_id: int
    title: str
    description: str | None
    seats: int
    ballot: BallotType
    opens_at: UtcOutput | None
    closes_at: UtcOutput | None
    allow_proposals: bool
    is_open: bool = False
    topics: list[TopicPublic] = []


class BallotIn(RequestModel):
    topic_ids: list[Id] = Field(
        min_length=1, max_length=500,
        description="Approval: the set of acceptable topics. Ranked: topics in order, most wanted first.",
    )

    @field_validator("topic_ids")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("a topic may appear only once on a ballot")
        return value


class BallotPublic(ResponseModel):
    poll_id: int
    topic_ids: list[int]
    updated_at: UtcOutput


class TopicResult(ResponseModel):
    id: int
    title: str
    score: float = Field(description="Approvals for approval rules, Borda points, or first preferences for STV.")
    supporters: int = Field(description="Ballots that approve or rank this topic.")
    elected: bool


class PollResults(ResponseModel):
    rule: str
    ballot: BallotType
    seats: int
    ballots: int
    winners: list[int] = Field(description="Winning topic ids in the order the rule elected them.")
    covered: int = Field(description="Ballots with at least one winning topic.")
    tie_break: str
    topics: list[TopicResult]


class RoomIn(RequestModel):
    room: ShortText
    capacity: int = Field(ge=0, le=100_000)


class PublishIn(RequestModel):
    rule: str | None = None
    starts_at: UtcInput
    ends_at: UtcInput
    rooms: list[RoomIn] = Field(min_length=1, max_length=200,
                                description="Rooms for the winners, biggest first is best: the most supported "
                                            "topic gets the first room.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class PublishedSessions(ResponseModel):
    """The workshop sessions made from the winners (a list envelope, plus the rule used)."""

    items: list[SessionPublic]
    total: int
    limit: int
    offset: int = 0
    rule: str
    winners: list[int]
