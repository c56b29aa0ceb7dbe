"""Networking-aware options and fairness across slots for the ``optimal`` assignment (pure).

Every option here works inside the rank-maximal optimisation of ``lex.LexModel`` (HiGHS through
SciPy; a stage is solved as a MILP only when its LP optimum is fractional), so the result is
rank-maximal *subject to* the caps, and the later objectives only choose among those optima.
Stages, in this order: (placements first, if asked), rank 1, rank 2, ...; then keep partnerships
together; then fairness. ``Result.objective`` keeps the rank stages only.

**Groups.** A participant belongs to at most one organization and one partnership (keys chosen by
the caller, e.g. the normalised names). A **fixed** seat (taken by the person, or placed by an
organizer) is never moved and counts like any other seat.

**Caps** (``max_per_organization``, ``max_per_partnership``; k >= 1): in every workshop at most k
people of one group. Hard rows over the candidate arcs: ``sum_{p in g} x[p, w] <= max(0, k -
fixed(g, w))``. Fixed seats may exceed k on their own: the workshop then gets no new member of the
group, and ``report`` lists it in ``over_cap``; a cap never makes a run infeasible (nobody placed
satisfies every row). Seats given by ``fill_unranked`` keep the caps too (``fill_within_caps``).

**Keep partnerships together** (a secondary objective, not a hard constraint): among the
rank-maximal assignments (within the caps) maximise the number of (pair of partners, workshop)
they share, i.e. ``sum_{g, w} C(n_gw, 2)`` with ``n_gw`` the members of partnership g in workshop
w, fixed seats included. Linearised with a continuous ``y[p, q, w] <= x[p, w], x[q, w]`` per pair
with arcs to w (integral at the optimum, as x is); a fixed partner in w adds ``x[q, w]`` itself.
Where rankings, capacity or a partnership cap do not allow it partners stay apart: ``report``
counts the (pair, slot) where both ranked the same workshop of the slot and share none there (``pairs_apart``).

**Fairness** ``leximin`` over each person's **regret**: the sum, over the slots in which the person
ranked a workshop, of (rank - 1) of the workshop held there, or K (as if rank K + 1; K = the
longest preference list) for an unranked seat or none. Among the assignments chosen by the
earlier stages, the regrets sorted from the largest down are lexicographically smallest: the
largest regret as small as possible, then as few people as possible with it, then the next
value, and so on. So nobody gets a poor choice twice while others get their first twice, when a
rank-maximal assignment can avoid it. All rank-maximal assignments have the same number of
placements at every rank (hence the same first-choice share and the same total regret): fairness
only decides who gets which (``top3_share``, a per-person figure, may change). Exact staging:
first ``min t`` with ``regret_p <= t`` (value T), then for v = T, T - 1, ..., 2:
``min E_v = sum_p max(0, regret_p - v + 1)`` (``e_p >= regret_p - v + 1``, ``e_p >= 0``, only for
the people whose regret can reach v). ``E_v = sum_{u >= v} N(u)`` with ``N(u) = #{p : regret_p >=
u}``; with ``N(u)`` fixed for u > v by the earlier stages, stage v minimises ``N(v)``, and
minimising N(T), N(T - 1), ... in turn is the same as leximin (leximax of the regrets). ``N(1)``
needs no stage: the total regret is fixed. A fairness stage cut by the time limit keeps the last
finished stage's assignment, still rank-maximal; ``Result.fairness_status`` says so (at 10,000
people the stages take longer than the default 30 s: see bench/bench_assignment.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from app.assignment.solver.lex import LexModel
from app.assignment.solver.problem import Fairness, Prepared, Problem

FAIRNESS = tuple(Fairness)


@dataclass(frozen=True)
class Networking:
    organization: Mapping[int, str] = field(default_factory=dict)  # participant -> organization key
    partnership: Mapping[int, str] = field(default_factory=dict)  # participant -> partnership key
    max_per_organization: int | None = None
    max_per_partnership: int | None = None
    keep_partnerships_together: bool = False

    @property
    def caps(self) -> list[tuple[str, Mapping[int, str], int]]:
        out = []
        for kind, groups, k in (
            ("organization", self.organization, self.max_per_organization),
            ("partnership", self.partnership, self.max_per_partnership),
        ):
            if k is not None:
                if k < 1:
                    raise ValueError(f"max per {kind} must be at least 1")
                out.append((kind, groups, k))
        return out

    @property
    def active(self) -> bool:
        return bool(self.caps) or self.keep_partnerships_together


@dataclass(frozen=True)
class OverCap:
    kind: str  # "organization" or "partnership"
    group: str
    workshop: int
    seats: int  # people of the group in the workshop
    fixed: int  # of which fixed seats (in the ``optimal`` result: seats > cap only where fixed > cap)
    cap: int


@dataclass(frozen=True)
class GroupFigures:
    largest_organization_group: int  # most people of one organization in one workshop
    largest_partnership_group: int
    pairs_together: int  # (pair of partners, workshop) they share
    pairs_apart: int  # (pair of partners, slot): both ranked one same workshop of the slot, share none there
    over_cap: list[OverCap]


def _members(prep: Prepared, groups: Mapping[int, str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, p in enumerate(prep.participant_ids):
        if p in groups:
            out.setdefault(groups[p], []).append(i)
    return out


def cap_rows(prep: Prepared, groups: Mapping[int, str], cap: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``A x <= b`` over the arcs: per (group, workshop) at most ``cap`` seats, fixed ones included."""
    gid = -np.ones(len(prep.participant_ids), dtype=np.int64)
    fixed: dict[tuple[int, int], int] = {}
    for g, (_, people) in enumerate(sorted(_members(prep, groups).items())):
        gid[people] = g
        for i in people:
            for j in prep.held[i]:
                fixed[(g, j)] = fixed.get((g, j), 0) + 1
    arc_g = gid[prep.arc_participant] if len(prep.arc_participant) else np.zeros(0, np.int64)
    sel = np.flatnonzero(arc_g >= 0)
    key = arc_g[sel] * len(prep.workshops) + prep.arc_workshop[sel]
    uniq, row, cnt = np.unique(key, return_inverse=True, return_counts=True)
    room = np.array(
        [max(0, cap - fixed.get((int(k) // len(prep.workshops), int(k) % len(prep.workshops)), 0)) for k in uniq]
    )
    tight = cnt > room  # a row only where the group could exceed the cap
    keep = tight[row]
    _, new_row = np.unique(row[keep], return_inverse=True)
    mat = sparse.csr_matrix(
        (np.ones(int(keep.sum())), (new_row, sel[keep])), shape=(int(tight.sum()), len(prep.arc_participant))
    )
    return mat, room[tight].astype(float)


def regret_terms(prep: Prepared, arc_rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per participant the constant part of the regret and per arc its coefficient (module docstring).

    Returns (const per participant, coefficient per arc, mask of participants with a regret)."""
    k = max((len(js) for js in prep.prefs), default=0)
    ranks = prep.rank_maps()
    const = np.zeros(len(prep.participant_ids), dtype=np.int64)
    has = np.zeros(len(prep.participant_ids), dtype=bool)
    for i, js in enumerate(prep.prefs):
        slots = {prep.slot[j] for j in js}
        has[i] = bool(slots)
        held = {prep.slot[j]: j for j in prep.held[i]}
        for s in slots:
            j = held.get(s)
            const[i] += ranks[i][j] - 1 if j is not None and j in ranks[i] else k
    coef = np.where(arc_rank > 0, arc_rank - 1 - k, 0).astype(np.int64)
    return const, coef, has


def regrets(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> list[int]:
    """Each participant's regret (module docstring) in ``assignment``, for people who ranked something."""
    slot = {w.id: w.slot for w in problem.workshops}
    k = max((len(v) for v in problem.preferences.values()), default=0)
    out = []
    for p in problem.participants:
        prefs = list(problem.preferences.get(p, ()))
        if not prefs:
            continue
        held = {slot[w]: w for w in assignment.get(p, ())}
        out.append(
            sum(prefs.index(held[s]) if s in held and held[s] in prefs else k for s in sorted({slot[w] for w in prefs}))
        )
    return out


def optimise(
    prep: Prepared,
    a: sparse.csr_matrix,
    b: np.ndarray,
    stages: list[np.ndarray],
    arc_rank: np.ndarray,
    net: Networking,
    fairness: str,
    time_limit: float,
    a_eq: sparse.csr_matrix | None = None,
) -> tuple[LexModel, RankStages, str]:
    """Rank stages within the caps, then keep-together, then fairness (module docstring).

    Returns the model (``model.x``: the last finished stage's solution), the rank stages' outcome
    and the fairness status."""
    rows, rhs = [a], [b]
    for _, groups, cap in net.caps:
        m, r = cap_rows(prep, groups, cap)
        rows.append(m)
        rhs.append(r)
    model = LexModel(sparse.vstack(rows, format="csr"), np.concatenate(rhs), time_limit=time_limit, a_eq=a_eq)
    for k, obj in enumerate(stages):
        if not model.stage(obj, stages_left=len(stages) - k + 1):
            break
    ranks = RankStages(list(model.values), list(model.bounds), model.optimal, model.status)
    if model.failed:
        return model, ranks, "not run: the rank stages did not finish"
    if net.keep_partnerships_together:
        _together(model, prep, net.partnership)
    if fairness == "none":
        return model, ranks, ""
    return model, ranks, _leximin(model, prep, arc_rank)


@dataclass(frozen=True)
class RankStages:
    values: list[float]
    bounds: list[float]
    optimal: bool
    status: str


def first_come_within_caps(prep: Prepared, net: Networking) -> np.ndarray:
    """``first_come`` that skips a choice where the person's group is at its cap (a time-out fallback)."""
    free = prep.free.copy()
    caps: list[tuple[np.ndarray, int, dict[tuple[int, int], int]]] = [
        (_group_index(prep, groups), k, {}) for _, groups, k in net.caps
    ]
    for gid, _, used in caps:
        for i, h in enumerate(prep.held):
            for j in h:
                if gid[i] >= 0:
                    used[(gid[i], j)] = used.get((gid[i], j), 0) + 1
    chosen: list[int] = []
    slots: list[set[int]] = [set() for _ in prep.participant_ids]
    topics: list[set[object]] = [set() for _ in prep.participant_ids]
    for a, (i, j) in enumerate(zip(prep.arc_participant.tolist(), prep.arc_workshop.tolist(), strict=True)):
        if free[j] <= 0 or prep.slot[j] in slots[i] or prep.topic[j] in topics[i]:
            continue
        if any(gid[i] >= 0 and used.get((gid[i], j), 0) >= k for gid, k, used in caps):
            continue
        free[j] -= 1
        slots[i].add(prep.slot[j])
        topics[i].add(prep.topic[j])
        for gid, _, used in caps:
            if gid[i] >= 0:
                used[(gid[i], j)] = used.get((gid[i], j), 0) + 1
        chosen.append(a)
    return np.array(chosen, dtype=np.int64)


def _together(model: LexModel, prep: Prepared, partnership: Mapping[int, str]) -> None:
    n = model.n
    obj = np.zeros(n)
    pairs: list[tuple[int, int]] = []
    arcs_of: list[list[int]] = [[] for _ in prep.participant_ids]
    for a, i in enumerate(prep.arc_participant.tolist()):
        arcs_of[i].append(a)
    for people in _members(prep, partnership).values():
        if len(people) < 2:
            continue
        by_w: dict[int, list[int]] = {}
        fixed_in: dict[int, int] = {}
        for i in people:
            for j in prep.held[i]:
                fixed_in[j] = fixed_in.get(j, 0) + 1
            for a in arcs_of[i]:
                by_w.setdefault(int(prep.arc_workshop[a]), []).append(a)
        for j, arcs in by_w.items():
            for a in arcs:
                obj[a] += fixed_in.get(j, 0)
            pairs.extend(combinations(sorted(arcs), 2))
    if not pairs:
        model.stage(obj)
        return
    m = len(pairs)
    r = np.repeat(np.arange(2 * m), 2)
    c = np.empty(4 * m, dtype=np.int64)
    v = np.tile([1.0, -1.0], 2 * m)
    cols = n + np.arange(m)
    c[0::4], c[1::4] = cols, [p for p, _ in pairs]
    c[2::4], c[3::4] = cols, [q for _, q in pairs]
    model.add(m, sparse.csr_matrix((v, (r, c)), shape=(2 * m, n + m)), np.zeros(2 * m), upper=np.ones(m))
    model.stage(np.append(obj, np.ones(m)))


def _leximin(model: LexModel, prep: Prepared, arc_rank: np.ndarray) -> str:
    const, coef, has = regret_terms(prep, arc_rank)
    people = np.flatnonzero(has)
    if not len(people):
        return "optimal"
    member = np.isin(prep.arc_participant, people)
    pos = -np.ones(len(prep.participant_ids), dtype=np.int64)

    def level(v: int | None) -> bool:
        """Stage ``min t`` (v is None) or ``min E_v`` over the people who can reach regret v."""
        who = people if v is None else people[const[people] >= v]
        if not len(who):
            return True
        n0, m = model.n, (1 if v is None else len(who))
        pos[:] = -1
        pos[who] = np.arange(len(who))
        sel = np.flatnonzero(member & (pos[prep.arc_participant] >= 0))
        r = np.concatenate([pos[prep.arc_participant[sel]], np.arange(len(who))])
        aux = np.full(len(who), n0) if v is None else n0 + np.arange(len(who))
        c = np.concatenate([sel, aux])
        vals = np.concatenate([coef[sel].astype(float), -np.ones(len(who))])
        rows = sparse.csr_matrix((vals, (r, c)), shape=(len(who), n0 + m))
        limit = -const[who] if v is None else v - 1 - const[who]
        upper = np.array([float(const[who].max())]) if v is None else const[who].astype(float)
        model.add(m, rows, limit.astype(float), upper=upper)
        obj = np.zeros(n0 + m)
        obj[n0:] = -1.0
        return model.stage(obj, restrict=True)

    if not level(None):
        return f"not optimal: {model.status} (rank-maximal kept)"
    top = int(round(-model.values[-1]))
    for v in range(top, 1, -1):
        if not level(v):
            return f"not optimal: stopped at regret {v}: {model.status} (rank-maximal kept)"
    return "optimal" if model.optimal else f"not proven: {model.status}"


def fill_within_caps(prep: Prepared, chosen: np.ndarray, net: Networking) -> list[tuple[int, int]]:  # noqa: C901
    """``fill_unranked`` with the caps: per slot (id order) the most seats for people without one there,
    any free seat except a topic they hold or a blocked workshop, within every group cap (a MILP)."""
    holds = [set(h) for h in prep.held]
    for a in chosen:
        holds[int(prep.arc_participant[a])].add(int(prep.arc_workshop[a]))
    caps = [(_group_index(prep, groups), k) for _, groups, k in net.caps]
    out: list[tuple[int, int]] = []
    for s in prep.slot_ids:
        load = np.bincount([j for h in holds for j in h], minlength=len(prep.workshops))
        free = np.array([w.capacity for w in prep.workshops]) - load
        pairs = [
            (i, j)
            for i, h in enumerate(holds)
            if all(prep.slot[k] != s for k in h)
            for j in range(len(prep.workshops))
            if prep.slot[j] == s
            and free[j] > 0
            and prep.topic[j] not in {prep.topic[k] for k in h}
            and j not in prep.blocked[i]
        ]
        if not pairs:
            continue
        pi = np.array([i for i, _ in pairs])
        pj = np.array([j for _, j in pairs])
        blocks, rhs = [], []
        for key, b in ((pi, np.ones(len(prep.participant_ids))), (pj, free.astype(float))):
            blocks.append(
                sparse.csr_matrix((np.ones(len(pairs)), (key, np.arange(len(pairs)))), shape=(len(b), len(pairs)))
            )
            rhs.append(b)
        for gid, k in caps:
            g = gid[pi]
            sel = np.flatnonzero(g >= 0)
            room = np.zeros((int(gid.max()) + 1 if len(gid) else 0) * len(prep.workshops))
            for i, h in enumerate(holds):
                if gid[i] >= 0:
                    for j in h:
                        room[gid[i] * len(prep.workshops) + j] -= 1
            blocks.append(
                sparse.csr_matrix(
                    (np.ones(len(sel)), (g[sel] * len(prep.workshops) + pj[sel], sel)), shape=(len(room), len(pairs))
                )
            )
            rhs.append(np.maximum(room + k, 0))
        res = milp(
            -np.ones(len(pairs)),
            integrality=np.ones(len(pairs)),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint(sparse.vstack(blocks, format="csr"), -np.inf, np.concatenate(rhs)),
        )
        if res.x is None:
            raise RuntimeError("fill MILP failed")  # x = 0 is always feasible
        for t in np.flatnonzero(res.x > 0.5):
            i, j = pairs[t]
            out.append((i, j))
            holds[i].add(j)
    return out


def _group_index(prep: Prepared, groups: Mapping[int, str]) -> np.ndarray:
    gid = -np.ones(len(prep.participant_ids), dtype=np.int64)
    for g, (_, people) in enumerate(sorted(_members(prep, groups).items())):
        gid[people] = g
    return gid


def report(problem: Problem, assignment: Mapping[int, Sequence[int]], net: Networking) -> GroupFigures:  # noqa: C901
    """Group figures of an assignment (any method): largest groups per workshop, partner pairs, caps."""
    fixed = {(p, w) for p, ws in problem.fixed.items() for w in ws}
    slot = {w.id: w.slot for w in problem.workshops}
    over: list[OverCap] = []
    largest = {}
    for kind, groups, cap in (
        ("organization", net.organization, net.max_per_organization),
        ("partnership", net.partnership, net.max_per_partnership),
    ):
        count: dict[tuple[str, int], int] = {}
        for p, ws in assignment.items():
            if p in groups:
                for w in ws:
                    count[(groups[p], w)] = count.get((groups[p], w), 0) + 1
        largest[kind] = max(count.values(), default=0)
        if cap is not None:
            for (g, w), n in sorted(count.items()):
                if n > cap:
                    mine = sum(1 for p, ws in assignment.items() if groups.get(p) == g and w in ws and (p, w) in fixed)
                    over.append(OverCap(kind, g, w, n, mine, cap))
    together = apart = 0
    members: dict[str, list[int]] = {}
    for p in problem.participants:
        if p in net.partnership:
            members.setdefault(net.partnership[p], []).append(p)
    for people in members.values():
        for p, q in combinations(people, 2):
            wp, wq = set(assignment.get(p, ())), set(assignment.get(q, ()))
            together += len(wp & wq)
            common = set(problem.preferences.get(p, ())) & set(problem.preferences.get(q, ()))
            apart += len({slot[w] for w in common} - {slot[w] for w in wp & wq})
    return GroupFigures(largest["organization"], largest["partnership"], together, apart, over)
