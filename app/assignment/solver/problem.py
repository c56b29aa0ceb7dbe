"""Plain data for the workshop assignment: input, validation, candidate arcs, result metrics.

Definitions used by every method (see ``algorithm.solve``):

* A participant ranks workshops across *all* slots in one list, most wanted first. The **rank**
  of a workshop for a participant is its 1-based position in that list.
* A participant holds at most one workshop per slot and never two workshops with the same
  ``topic`` (a topic may be offered in several slots; ``topic=None`` means "unique").
* ``fixed`` seats (speakers, hand-placed people) are kept as they are: they use capacity,
  occupy the holder's slot and topic, and count in the metrics like any other seat.
* ``blocked`` workshops are never given to that participant (they are busy at that time, e.g.
  in a plenary or on another workshop's waiting list), neither from the ranking nor as a filler.
* A **placement** is one (participant, workshop) pair of the final assignment.
* ``first_choice_share``: among participants with at least one preference, the share whose
  first-ranked workshop is in their final assignment. ``top3_share``: the share holding at
  least one of their first three. Participants without preferences are not counted there.
* ``rank_counts[r - 1]``: number of placements (new or fixed) at rank ``r``.
* **Topic ranks** (opt-in, ``solve(..., topic_ranks=True)``): the participant ranks *topics*, not
  sessions. The rank of a workshop is then the 1-based position of its topic among the distinct
  topics of the list, in order of first appearance (``[A@1, A@0, B@0]`` ranks A first and B
  second, whatever the slot). Shares and ``rank_counts`` use that rank. Only workshops listed are
  candidates; listing every session of a topic means "this topic, in any slot".
* ``unassigned``: participants (registration order) who hold no workshop at all.
* ``unranked_placements``: placements in a workshop the holder did not rank (filled, or a fixed
  seat outside the list). ``unplaced_slots``: (participant, slot) pairs where the participant
  ranked some workshop of the slot but holds none there.
* **Keeping ranks** (``solve(..., keep_ranks=True)``, ``optimal`` only): ``current`` are the seats
  people hold from an earlier run, which this run may move. In every slot, order what a person
  can hold as: rank 1 < rank 2 < ... < a seat they did not rank < no seat at all. A person holding
  ``current`` seat ``w0`` in slot ``s`` must end up in slot ``s`` with ``w0`` or a workshop they rank
  at least as well (strictly better, as ranks are distinct); a slot where they hold nothing is
  unconstrained. Only those arcs (plus the arc of ``w0`` itself, even if unranked) are candidates,
  and every such (participant, slot) must be covered: "nobody is worse off in any slot" is then a
  property of every feasible assignment, and the staged optimisation stays exact within it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

Topic = str | int | None


class Method(StrEnum):
    optimal = "optimal"  # rank-maximal: most first choices, then most second choices, ...
    weighted = "weighted"  # one weighted optimum (Borda weights; app/assignment/solver/algorithm.py)
    first_come = "first_come"  # registration order, each takes their best free choice


class Fairness(StrEnum):
    none = "none"  # any rank-maximal assignment (the solver's tie-break)
    leximin = "leximin"  # among rank-maximal assignments, the smallest largest regret, then fewest with it, ...


@dataclass(frozen=True)
class Workshop:
    id: int
    slot: int
    capacity: int
    topic: Topic = None  # the same topic may be offered in several slots


@dataclass(frozen=True)
class Problem:
    participants: Sequence[int]  # registration order (``first_come`` uses it)
    workshops: Sequence[Workshop]
    preferences: Mapping[int, Sequence[int]]  # participant -> workshop ids, most wanted first
    fixed: Mapping[int, Sequence[int]] = field(default_factory=dict)  # seats already held
    blocked: Mapping[int, Collection[int]] = field(default_factory=dict)  # workshops a participant may not get
    # seats from an earlier run that this run may move; read only with ``keep_ranks=True``
    current: Mapping[int, Sequence[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    method: str
    assignment: dict[int, list[int]]  # participant -> workshop ids (new + fixed), by slot
    assigned: int  # participants holding at least one workshop
    unassigned: list[int]  # participants holding none, registration order
    placements: int  # (participant, workshop) pairs, fixed included
    first_choice_share: float
    top3_share: float
    rank_counts: list[int]
    per_workshop: dict[int, int]  # workshop id -> seats taken (fixed included)
    filled: dict[int, list[int]]  # seats given by ``fill_unranked`` (unranked workshops)
    optimal: bool  # proven optimal for the method's objective
    status: str
    objective: list[float]  # new placements per stage (``optimal``) or the weighted value
    bound: list[float]  # matching upper bounds (LP or MILP dual bound); [] for first_come
    gap: float  # max over stages of (bound - objective) / max(bound, 1)
    seconds: float
    path: str = ""  # solver that ran: "flow", "lp", "topic_flow_dewerra", "first_come"
    unranked_placements: int = 0  # placements in a workshop the holder did not rank
    unplaced_slots: int = 0  # (participant, slot) pairs with a ranked workshop of the slot but no seat there
    fairness_status: str = ""  # fairness stages (``networking``): "optimal", or why not; "" when not asked


class Prepared:
    """Validated problem in index form plus the candidate arcs (p, w) that may still be used."""

    def __init__(self, problem: Problem, *, keep: bool = False):  # noqa: C901
        self.problem = problem
        self.keep = keep
        self.participant_ids = [int(p) for p in problem.participants]
        self.pindex = {p: i for i, p in enumerate(self.participant_ids)}
        if len(self.pindex) != len(self.participant_ids):
            raise ValueError("duplicate participant id")
        self.workshops = sorted(problem.workshops, key=lambda w: w.id)
        self.windex = {w.id: j for j, w in enumerate(self.workshops)}
        if len(self.windex) != len(self.workshops):
            raise ValueError("duplicate workshop id")
        if any(w.capacity < 0 for w in self.workshops):
            raise ValueError("negative workshop capacity")
        self.slot = [w.slot for w in self.workshops]
        self.topic = [("t", w.topic) if w.topic is not None else ("w", w.id) for w in self.workshops]
        self.prefs: list[list[int]] = [[] for _ in self.participant_ids]
        for p, lst in problem.preferences.items():
            i = self._participant(p, "preferences")
            js = [self._workshop(w) for w in lst]
            if len(set(js)) != len(js):
                raise ValueError(f"participant {p} ranks a workshop twice")
            self.prefs[i] = js
        self.held: list[list[int]] = [[] for _ in self.participant_ids]
        self.used = [0] * len(self.workshops)
        for p, lst in problem.fixed.items():
            i = self._participant(p, "fixed")
            for w in lst:
                self._hold(i, self._workshop(w), p)
        self.blocked: list[set[int]] = [set() for _ in self.participant_ids]
        for p, ws in problem.blocked.items():
            self.blocked[self._participant(p, "blocked")] = {self._workshop(w) for w in ws}
        for j, workshop in enumerate(self.workshops):
            if self.used[j] > workshop.capacity:
                raise ValueError(f"fixed seats exceed the capacity of workshop {workshop.id}")
        # keep mode: slot -> workshop index of each person's current (movable) seats
        self.cur: list[dict[int, int]] = [{} for _ in self.participant_ids]
        if keep:
            self._current()
        self._build_arcs()

    def _current(self) -> None:
        load = list(self.used)
        for p, lst in self.problem.current.items():
            i = self._participant(p, "current")
            topics = {self.topic[k] for k in self.held[i]}
            slots = {self.slot[k] for k in self.held[i]}
            for w in lst:
                j = self._workshop(w)
                if self.slot[j] in slots or self.topic[j] in topics or j in self.blocked[i]:
                    raise ValueError(f"current seats of participant {p} clash (slot, topic or blocked)")
                slots.add(self.slot[j])
                topics.add(self.topic[j])
                self.cur[i][self.slot[j]] = j
                load[j] += 1
        for j, workshop in enumerate(self.workshops):
            if load[j] > workshop.capacity:
                raise ValueError(f"current seats exceed the capacity of workshop {workshop.id}")

    def _participant(self, p: int, what: str) -> int:
        if p not in self.pindex:
            raise ValueError(f"{what} name unknown participant {p}")
        return self.pindex[p]

    def _workshop(self, w: int) -> int:
        if w not in self.windex:
            raise ValueError(f"unknown workshop {w}")
        return self.windex[w]

    def _hold(self, i: int, j: int, p: int) -> None:
        for k in self.held[i]:
            if self.slot[k] == self.slot[j] or self.topic[k] == self.topic[j]:
                raise ValueError(f"fixed seats of participant {p} clash (slot or topic)")
        self.held[i].append(j)
        self.used[j] += 1

    def _build_arcs(self) -> None:
        pi, wi, rk = [], [], []
        for i, js in enumerate(self.prefs):
            busy_slots = {self.slot[k] for k in self.held[i]}
            busy_topics = {self.topic[k] for k in self.held[i]}
            limit = {s: (js.index(j0) + 1 if j0 in js else len(js) + 1) for s, j0 in self.cur[i].items()}
            for r, j in enumerate(js, start=1):
                if self.slot[j] in busy_slots or self.topic[j] in busy_topics or j in self.blocked[i]:
                    continue
                if self.workshops[j].capacity - self.used[j] <= 0 or r > limit.get(self.slot[j], r):
                    continue  # full, or worse than the seat the person holds in that slot (keep mode)
                pi.append(i)
                wi.append(j)
                rk.append(r)
            for j0 in self.cur[i].values():
                if j0 not in js:  # an unranked current seat: rank 0 marks "placed, not ranked"
                    pi.append(i)
                    wi.append(j0)
                    rk.append(0)
        self.arc_participant = np.array(pi, dtype=np.int64)
        self.arc_workshop = np.array(wi, dtype=np.int64)
        self.arc_rank = np.array(rk, dtype=np.int64)
        self.free = np.array([w.capacity - u for w, u in zip(self.workshops, self.used, strict=False)], dtype=np.int64)
        slots = sorted(set(self.slot))
        self.slot_ids = slots
        sidx = {s: k for k, s in enumerate(slots)}
        self.ws_slot = np.array([sidx[s] for s in self.slot], dtype=np.int64)
        self.arc_slot = self.ws_slot[self.arc_workshop] if len(wi) else np.zeros(0, dtype=np.int64)
        # keep mode: (participant, slot) pairs that must stay covered, as ``participant * nslots + slot index``
        self.forced = np.array(
            sorted(i * max(len(slots), 1) + sidx[s] for i, c in enumerate(self.cur) for s in c), dtype=np.int64
        )

    def current_arcs(self) -> np.ndarray:
        """Arc indices of the current seats (keep mode): a feasible fallback that keeps everyone's seat."""
        want = {(i, j) for i, c in enumerate(self.cur) for j in c.values()}
        pairs = zip(self.arc_participant.tolist(), self.arc_workshop.tolist(), strict=True)
        return np.array([a for a, pair in enumerate(pairs) if pair in want], dtype=np.int64)

    def arc_keys(self) -> np.ndarray:
        """Per arc: its (participant, slot) key, as in ``forced``."""
        return self.arc_participant * max(len(self.slot_ids), 1) + self.arc_slot

    def rank_maps(self, by_topic: bool = False) -> list[dict[int, int]]:
        """Per participant: workshop index -> rank (list position, or topic rank, see above)."""
        cache: dict[bool, list[dict[int, int]]] = self.__dict__.setdefault("_rank_cache", {})
        if by_topic not in cache:
            cache[by_topic] = self._rank_maps(by_topic)
        return cache[by_topic]

    def _rank_maps(self, by_topic: bool) -> list[dict[int, int]]:
        out = []
        for js in self.prefs:
            if not by_topic:
                out.append({j: r for r, j in enumerate(js, start=1)})
                continue
            order: dict[object, int] = {}
            for j in js:
                order.setdefault(self.topic[j], len(order) + 1)
            out.append({j: order[self.topic[j]] for j in js})
        return out

    def topic_arc_rank(self) -> np.ndarray:
        """Topic rank of every candidate arc (see the module docstring)."""
        maps = self.rank_maps(by_topic=True)
        pairs = zip(self.arc_participant.tolist(), self.arc_workshop.tolist(), strict=True)
        return np.array([maps[i][j] for i, j in pairs], dtype=np.int64)

    def topic_groups(self) -> list[np.ndarray]:
        """Arc index groups (one participant, one repeated topic, >= 2 slots) needing a row."""
        groups: dict[tuple[int, object], list[int]] = {}
        for a, (i, j) in enumerate(zip(self.arc_participant.tolist(), self.arc_workshop.tolist(), strict=False)):
            if self.topic[j][0] == "t":
                groups.setdefault((i, self.topic[j]), []).append(a)
        out = []
        for arcs in groups.values():
            if len({int(self.arc_slot[a]) for a in arcs}) > 1:
                out.append(np.array(arcs, dtype=np.int64))
        return out


def build_result(  # noqa: C901
    prep: Prepared,
    chosen: Iterable[int] | NDArray[np.int64],
    method: str,
    *,
    filled: Iterable[tuple[int, int]] = (),
    optimal: bool = True,
    status: str = "optimal",
    objective: Iterable[float] = (),
    bound: Iterable[float] = (),
    seconds: float = 0.0,
    topic_ranks: bool = False,
    path: str = "",
    fairness_status: str = "",
) -> Result:
    """Assemble a Result from chosen arc indices (+ fill seats as (i, j) pairs) and check it."""
    seats = [list(h) for h in prep.held]
    for a in chosen:
        seats[int(prep.arc_participant[a])].append(int(prep.arc_workshop[a]))
    fill_map: dict[int, list[int]] = {}
    for i, j in filled:
        seats[i].append(j)
        fill_map.setdefault(prep.participant_ids[i], []).append(prep.workshops[j].id)
    count = [0] * len(prep.workshops)
    ranks = prep.rank_maps(by_topic=topic_ranks)
    maxlen = max((max(m.values(), default=0) for m in ranks), default=0)
    rank_counts = [0] * maxlen
    first = top3 = ranked = unranked = unplaced = 0
    assignment: dict[int, list[int]] = {}
    unassigned: list[int] = []
    for i, js in enumerate(seats):
        slots = [prep.slot[j] for j in js]
        topics = [prep.topic[j] for j in js]
        if len(set(slots)) != len(js) or len(set(topics)) != len(js):
            raise AssertionError("slot or topic clash in assignment")  # internal invariant
        for j in js:
            count[j] += 1
        pos = ranks[i]
        held = [pos[j] for j in js if j in pos]
        for r in held:
            rank_counts[r - 1] += 1
        unranked += len(js) - len(held)
        unplaced += len({prep.slot[j] for j in prep.prefs[i]} - set(slots))
        if prep.prefs[i]:
            ranked += 1
            first += 1 in held
            top3 += any(r <= 3 for r in held)
        if js:
            assignment[prep.participant_ids[i]] = [
                prep.workshops[j].id for j in sorted(js, key=lambda j: (prep.slot[j], prep.workshops[j].id))
            ]
        else:
            unassigned.append(prep.participant_ids[i])
    for j, w in enumerate(prep.workshops):
        if count[j] > w.capacity:
            raise AssertionError(f"capacity exceeded at workshop {w.id}")  # internal invariant
    objective, bound = [float(v) for v in objective], [float(v) for v in bound]
    gap = max([(b - v) / max(abs(b), 1.0) for v, b in zip(objective, bound, strict=False)] + [0.0])
    return Result(
        method=method,
        assignment=assignment,
        assigned=len(assignment),
        unassigned=unassigned,
        placements=sum(count),
        first_choice_share=first / ranked if ranked else 0.0,
        top3_share=top3 / ranked if ranked else 0.0,
        rank_counts=rank_counts,
        per_workshop={w.id: count[j] for j, w in enumerate(prep.workshops)},
        filled=fill_map,
        optimal=optimal,
        status=status,
        objective=objective,
        bound=bound,
        gap=max(gap, 0.0),
        seconds=seconds,
        path=path,
        unranked_placements=unranked,
        unplaced_slots=unplaced,
        fairness_status=fairness_status,
    )
