from enum import StrEnum
from typing import Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from app.assignment.solver.problem import Fairness, Method
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, UtcInput, UtcOutput
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


class AssignmentIn(RequestModel):
    method: Method = Method.optimal
    dry_run: bool = Field(default=True, description="Only compute and report; write nothing.")
    fill_unranked: bool = Field(
        default=False, description="Give people who ranked nothing (or whose choices are full) any free seat."
    )
    maximize_assigned: bool = Field(
        default=False,
        description="optimal only: first place as many people as possible, then rank-maximal among "
        "those (pure rank-maximal may leave someone out to give others first choices).",
    )
    time_limit: float = Field(default=30.0, gt=0, le=600, description="Seconds the solver may use.")
    keep_improving_only: bool = Field(
        default=False,
        description="optimal only: a re-run (after cancellations or late rankings) that makes nobody worse off. "
        "In every time slot a person keeps their seat from the previous run or gets one they rank "
        "higher (rank 1 < rank 2 < ... < a seat they did not rank < no seat); seats taken directly or "
        "placed by organizers stay; people without a seat in a slot take the free seats; among all "
        "such assignments the most first choices, then second choices, ... (with `maximize_assigned`: "
        "the most seats first). Rankings are read as they are now. The answer lists the moves.",
    )
    topic_ranks: bool = Field(
        default=False,
        description="optimal only: read each ranking as a ranking of topics. A topic run on several days is one "
        "choice: its rank is the position of its first session in the list among distinct topics, so "
        "its session on day two is as good as on day one (the participant page sends every session "
        "of a chosen topic, in order). Not with `keep_improving_only`.",
    )
    max_per_organization: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="optimal only: at most this many people of one organization in one workshop (spread people "
        "out so they meet others). Rank-maximal within the cap. Seats taken directly or placed by "
        "organizers stay and count; where they alone exceed the cap the workshop gets nobody new of that "
        "organization and `networking.over_cap` lists it. Not with `keep_improving_only`.",
    )
    max_per_partnership: int | None = Field(
        default=None, ge=1, le=100_000, description="The same per partnership (people without one are not capped)."
    )
    max_per_organization_per_workshop: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="The same as `max_per_organization` (its earlier name); both with different values: 422.",
    )
    max_per_partnership_per_workshop: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="The same as `max_per_partnership` (its earlier name); both with different values: 422.",
    )
    keep_partnerships_together: bool = Field(
        default=False,
        description="optimal only: among the rank-maximal assignments (within the caps) the one where partners "
        "(the same partnership) share a workshop most often: the most (pair of partners, workshop) "
        "they share. Never costs anyone a rank; `networking.pairs_apart` counts the (pair, time slot) "
        "where both ranked the same workshop and still do not share one.",
    )
    fairness: Fairness = Field(
        default=Fairness.none,
        description="optimal only. `leximin`: among the rank-maximal assignments (after the networking options), "
        "the one whose largest regret is smallest, then with the fewest people at it, and so on; a "
        "person's regret is the sum over the time slots they ranked a workshop in of (rank - 1), or the "
        "longest list's length for an unranked seat or none. Nobody gets a poor choice twice while "
        "others get their first twice when that can be avoided; `rank_counts` and the first-choice "
        "share are the same as without it; it costs more time than `none` and at thousands of people "
        "may use the whole `time_limit` and stop early (still rank-maximal, `fairness_status` says so). `none` "
        "(default): any rank-maximal assignment, by the exact min-cost-flow path, with the same "
        "tie-breaks as earlier runs, so a re-run moves nobody without a reason.",
    )

    @field_validator("max_per_organization_per_workshop", "max_per_partnership_per_workshop")
    @classmethod
    def _one_value_per_cap(cls, value: int | None, info: ValidationInfo) -> int | None:
        """The earlier, longer names are aliases of the caps: both given must agree."""
        name = info.field_name.removesuffix("_per_workshop") if info.field_name else ""
        given = info.data.get(name)
        if value is not None and given is not None and value != given:
            raise ValueError(f"{name} is {given} but {info.field_name} is {value}: they name the same cap")
        return value

    @model_validator(mode="after")
    def _merge_aliases(self) -> Self:
        self.max_per_organization = self.max_per_organization or self.max_per_organization_per_workshop
        self.max_per_partnership = self.max_per_partnership or self.max_per_partnership_per_workshop
        return self


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
    gap: float = Field(
        description="(bound - covered) / bound: how far from the optimum the answer may be "
        "at most; 0 when proven optimal."
    )
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
    unassigned: int = Field(description="People holding no workshop at all.")
    first_choice_share: float
    top3_share: float
    rank_counts: list[int] = Field(description="Placements at rank 1, 2, ... (the distribution of ranks).")
    unranked_placements: int = Field(description="Placements in a workshop the person did not rank.")
    unplaced_slots: int = Field(
        description="(person, time slot) pairs where the person ranked a workshop of the slot but holds none there."
    )


class GroupFigures(ResponseModel):
    first_choice_share: float
    top3_share: float
    largest_organization_group: int = Field(description="Most people of one organization in one workshop.")
    largest_partnership_group: int = Field(description="Most people of one partnership in one workshop.")
    pairs_together: int = Field(description="(pair of partners, workshop) they share.")
    pairs_apart: int = Field(
        description="(pair of partners, time slot) where both ranked the same workshop and share none."
    )


class OverCapOut(ResponseModel):
    kind: str = Field(description="organization or partnership")
    group: str
    session_id: int
    seats: int
    fixed: int = Field(description="Of those, seats taken directly or placed by organizers (never moved).")
    cap: int


class NetworkingOut(ResponseModel):
    """What the networking options cost: the same run without them beside this one."""

    constrained: GroupFigures = Field(description="This run.")
    unconstrained: Figures = Field(description="The rank-maximal optimum without the networking options.")
    unconstrained_groups: GroupFigures
    first_choice_cost: float = Field(description="Unconstrained first-choice share minus this run's.")
    over_cap: list[OverCapOut] = Field(description="Workshops where fixed seats alone put a group over its cap.")
    together_met: bool | None = Field(description="keep_partnerships_together: no pair apart (`pairs_apart` = 0).")


class MoveOut(ResponseModel):
    registration_id: int
    slot: int
    from_session_id: int | None = Field(description="The seat held before the run (null: none).")
    to_session_id: int | None
    from_rank: int | None = Field(description="Its rank now (null: not ranked, or no seat).")
    to_rank: int | None


class AssignmentOut(Figures):
    dry_run: bool
    participants: int
    with_preferences: int
    unassigned_registration_ids: list[int]
    held_as_is_registration_ids: list[int] = Field(
        default_factory=list,
        description="People whose own seats overlap in the run's slot model (e.g. two workshops chained into one "
        "slot by a third that overlaps both): their seats stay as they are and they get nothing new.",
    )
    optimal: bool
    gap: float = Field(description="Relative gap to the solver's bound (0 = proven optimal).")
    seconds: float
    sessions: list[SessionFill]
    baseline: Figures = Field(description="The same figures for first come, first served on the same data.")
    current: Figures = Field(description="The same figures for the seats as they stand before this run.")
    moves: list[MoveOut] = Field(
        default_factory=list, description="keep_improving_only: every (person, slot) whose seat changes."
    )
    fairness: str = Field(default="none", description="The fairness asked for.")
    fairness_status: str = Field(
        default="", description="optimal, or why the fairness stages stopped (the assignment stays rank-maximal)."
    )
    max_regret: int = Field(default=0, description="The largest regret of a person (see `fairness`).")
    regret_counts: list[int] = Field(
        default_factory=list, description="People with regret 0, 1, 2, ... (among those who ranked)."
    )
    networking: NetworkingOut | None = Field(default=None, description="When a networking option is on.")


class AssignmentStateOut(ResponseModel):
    """The seats as they stand (the last committed run, with the changes since) beside first come, first served."""

    participants: int
    with_preferences: int
    held_as_is_registration_ids: list[int]
    current: Figures
    baseline: Figures = Field(description="First come, first served from scratch on the same data.")
    sessions: list[SessionFill]


class ReasonCode(StrEnum):
    clash = "clash"  # runs at the same time as another place of yours (plenary, panel, a waiting list)
    same_topic = "same_topic"  # you hold another session of the same topic
    full = "full"  # full, every seat held by people who ranked it at least as high as you or took it themselves
    full_mixed = "full_mixed"  # full, some seats held by people who ranked it lower: no precise reason
    free_now = "free_now"  # has free seats now: freed since the run or ranked after it (cannot tell which)
    not_run = "not_run"  # no assignment run has placed anyone yet


class ReasonOut(ResponseModel):
    """Why you do not hold a workshop you ranked higher, from the stored data at the time of reading."""

    session_id: int = Field(description="The workshop you ranked higher than what you hold in its time slot.")
    title: str
    rank: int
    code: ReasonCode
    detail: str
    capacity: int | None = None
    seats_taken: int | None = None
    ranked_first: int | None = Field(default=None, description="Seats held by people who ranked it first.")
    ranked_at_least_as_high: int | None = Field(
        default=None, description="Assigned seats held by people who ranked it at least as high as you."
    )
    ranked_lower: int | None = Field(
        default=None, description="Assigned seats held by people who ranked it lower than you or not at all."
    )
    taken_directly: int | None = Field(default=None, description="Seats people took themselves or organizers placed.")
    waitlist_position: int | None = Field(default=None, description="Your place on its waiting list.")


class MyWorkshop(ResponseModel):
    session_id: int
    title: str
    starts_at: UtcOutput
    ends_at: UtcOutput
    room: str | None
    slot: int = Field(description="Time slot (overlapping workshops share one).")
    rank: int | None = Field(description="Its place in your ranking (1 = first); null when you did not rank it.")
    source: str = Field(description="assignment, self (you enrolled) or organizer.")
    reason: str | None = Field(description="When it is not your first choice at this time: why (all reasons).")
    reasons: list[ReasonOut]


class MyUnplacedSlot(ResponseModel):
    """A time slot where you ranked workshops but hold none."""

    slot: int
    starts_at: UtcOutput
    ends_at: UtcOutput
    reason: str
    reasons: list[ReasonOut]


class MyAssignmentOut(ResponseModel):
    items: list[MyWorkshop]
    unplaced: list[MyUnplacedSlot]
    note: str | None = None
