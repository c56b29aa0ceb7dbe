from enum import StrEnum
from typing import Self

from pydantic import Field, field_validator, model_validator

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, UtcInput
from app.voting.schemas import RoomIn


class PreferencesIn(RequestModel):
    session_ids: list[Id] = Field(max_length=200, description="Workshops, most wanted first, over any slots.")

    @field_validator("session_ids")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("a workshop may appear only once")
        return value


class PreferencesPublic(ResponseModel):
    session_ids: list[int]


class Method(StrEnum):
    optimal = "optimal"  # rank-maximal: most first choices, then most second choices, ...
    weighted = "weighted"  # one weighted optimum (documented in app/assignment/algorithm.py)
    first_come = "first_come"  # registration order, each takes their best free choice


class AssignmentIn(RequestModel):
    method: Method = Method.optimal
    dry_run: bool = Field(default=True, description="Only compute and report; write nothing.")
    fill_unranked: bool = Field(default=False,
                                description="Give people who ranked nothing (or whose choices are full) any free seat.")
    maximize_assigned: bool = Field(
        default=False, description="optimal only: first place as many people as possible, then rank-maximal among "
                                   "those (pure rank-maximal may leave someone out to give others first choices).")
    time_limit: float = Field(default=30.0, gt=0, le=600, description="Seconds the solver may use.")


class JointIn(RequestModel):
    rooms: list[RoomIn] = Field(min_length=1, max_length=200)
    starts_at: UtcInput
    ends_at: UtcInput
    dry_run: bool = True
    time_limit: float = Field(default=10.0, gt=0, le=600)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class JointTopic(ResponseModel):
    topic_id: int
    title: str
    room: str
    capacity: int
    assigned: int


class JointOut(ResponseModel):
    dry_run: bool
    voters: int
    covered: int = Field(description="Voters placed in a topic they approved.")
    coverage_share: float
    bound: float = Field(description="Upper bound on `covered` (equal to it when proven optimal).")
    optimal: bool
    status: str
    seconds: float
    topics: list[JointTopic]
    session_ids: list[int] = Field(description="Workshop sessions written (not a dry run).")


class SessionFill(ResponseModel):
    session_id: int
    title: str
    slot: int
    capacity: int | None
    assigned: int


class Figures(ResponseModel):
    method: str
    assigned: int
    unassigned: int
    first_choice_share: float
    top3_share: float


class AssignmentOut(Figures):
    dry_run: bool
    participants: int
    with_preferences: int
    unassigned_registration_ids: list[int]
    held_as_is_registration_ids: list[int] = Field(
        default_factory=list,
        description="People whose own seats overlap in the run's slot model (e.g. two workshops chained into one "
                    "slot by a third that overlaps both): their seats stay as they are and they get nothing new.")
    rank_counts: list[int] = Field(description="Placements at rank 1, 2, ...")
    optimal: bool
    gap: float = Field(description="Relative gap to the solver's bound (0 = proven optimal).")
    seconds: float
    sessions: list[SessionFill]
    baseline: Figures = Field(description="The same figures for first come, first served on the same data.")
