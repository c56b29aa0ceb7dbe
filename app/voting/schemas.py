from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, LongText, ShortText, Title, UtcInput, UtcOutput
from app.sessions.schemas import SessionPublic
from app.voting.models import BallotType, PollStatus, TopicStatus


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
    status: PollStatus = Field(
        default=PollStatus.closed,
        description=(
            "upcoming (before opens_at), open (ballots and proposals taken), closed (after closes_at) or published "
            "(its winners run as workshops: closed for good, ballots and proposals answer 409)."
        ),
    )
    is_open: bool = Field(default=False, description="status is open.")
    topics: list[TopicPublic] = []


class BallotIn(RequestModel):
    topic_ids: list[Id] = Field(
        min_length=1,
        max_length=500,
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


VOTERS_DOC = (
    "Anonymous ballot numbers 1..n: the counted ballots sorted by their content (the topics they name, "
    "by topic id), the `voter_id` of `ballots.pb`; never a registration. Null (only `count` given) when "
    "fewer ballots were counted than BALLOT_EXPORT_MIN_BALLOTS."
)


class TopicValue(ResponseModel):
    topic_id: int
    value: float


class PaymentGroup(ResponseModel):
    """Voters who paid the same amount in a round."""

    amount: float = Field(description="Paid by each (equal shares: of her budget, in seats; Phragmén: load added).")
    count: int
    voters: list[int] | None = Field(description=VOTERS_DOC)


class ExplainedRound(ResponseModel):
    round: int
    phase: Literal["equal_shares", "completion", "sequential", "elect", "eliminate", "elect_remaining", "unsupported"]
    topic_id: int = Field(description="The topic bought, elected or (STV `eliminate`) eliminated.")
    tied: list[int] = Field(
        description="Topics equal to the best in this round; the first was taken (bought, "
        "elected or, for `eliminate`, eliminated)."
    )
    scores: list[TopicValue] = Field(description="The explanation's `criterion` for each topic still in contention.")
    cost: float | None = Field(description="Equal shares / Phragmén: a topic costs 1 seat.")
    price: float | None = Field(
        description="Equal shares: rho, the most one supporter paid; Phragmén: the new maximal load."
    )
    payments: list[PaymentGroup]
    note: str | None


class NotBoughtTopic(ResponseModel):
    """A topic the equal-shares phase did not buy, and why."""

    topic_id: int
    supporters: int
    supporters_budget: float = Field(description="What its supporters had left after the equal-shares phase (seats).")
    cost: float
    affordable: bool
    price: float | None = Field(description="Its rho, had a seat been left; null when not affordable.")
    reason: str


class Budget(ResponseModel):
    per_voter: float
    voters: int
    total: float
    unit: str


class Explanation(ResponseModel):
    method: Literal["equal_shares", "sequential", "stv", "not_sequential"]
    summary: str
    criterion: str
    voters: str = Field(description="How voters are numbered in `payments` and witnesses.")
    budget: Budget | None = Field(description="Equal shares: each voter's starting budget.")
    rounds: list[ExplainedRound]
    not_bought: list[NotBoughtTopic] = Field(description="Equal shares: topics not bought with the budgets.")
    completion: str | None = Field(description="Equal shares: how the seats left over were filled (if any).")
    totals: list[TopicValue] | None = Field(description="Rules without rounds (and STV): each topic's total.")


class Violation(ResponseModel):
    """A group of at least ell*n/k voters who all approve the ell `topic_ids`, yet (EJR) each has fewer than ell
    approved winners, or (PJR) fewer than ell winners are approved by any of them."""

    ell: int
    topic_ids: list[int]
    group_size: int
    voters: list[int] | None = Field(description=VOTERS_DOC)


class Properties(ResponseModel):
    ejr: bool | None = Field(
        description="Extended justified representation; null: not decided within the time limit (see `method`)."
    )
    pjr: bool | None = Field(description="Proportional justified representation; null: not decided in time.")
    ejr_violation: Violation | None
    pjr_violation: Violation | None
    ballots_read_as: str
    method: str
    seconds: float


class PollResults(ResponseModel):
    rule: str
    ballot: BallotType
    seats: int
    ballots: int
    winners: list[int] = Field(description="Winning topic ids in the order the rule elected them.")
    covered: int = Field(description="Ballots with at least one winning topic.")
    tie_break: str
    topics: list[TopicResult]
    properties: Properties = Field(description="Whether the winners satisfy EJR and PJR on the counted ballots.")
    explanation: Explanation | None = Field(default=None, description="With `explain=true`: how the rule decided.")


class RoomIn(RequestModel):
    room: ShortText
    capacity: int = Field(ge=0, le=100_000)


class PublishIn(RequestModel):
    rule: str | None = None
    starts_at: UtcInput
    ends_at: UtcInput
    rooms: list[RoomIn] = Field(
        min_length=1,
        max_length=200,
        description="Rooms for the winners, biggest first is best: the most supported topic gets the first room.",
    )

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
