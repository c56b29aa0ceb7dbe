"""Scheduling topics into slots, then people into the sessions (joint mode across slots).

Setting: participants approve topics; there are several time slots, each with its own rooms
(capacities). A **session** is a topic running in one room of one slot. A topic runs at most once
per slot but may run in several slots; each room holds at most one session. A participant
attends at most one session per slot, only topics they approved, never the same topic twice,
and nothing in the slots they are ``blocked`` in (busy elsewhere at that time); rooms are never
over capacity.

Objective, lexicographic:

1. **people served**: the number of participants who attend at least one approved topic;
2. among those optima, **pairs served**: the number of (participant, approved topic) pairs
   attended, i.e. topics people wanted and got; what they lose is a clash (two wanted topics in
   the same slot), a topic that does not run, or a full room.

Participants with the same approvals and blocked slots are one **type** with multiplicity m_i.
MILP with HiGHS (``scipy.optimize.milp``), solved twice (stage 1 maximises people served;
stage 2 keeps that value and maximises pairs served):

* y[t, s, c] binary: topic t runs in slot s in a room of capacity class c of that slot;
* x[i, t, s] integer in [0, m_i]: people of type i attending t in slot s;
* z[i] in [0, m_i]: people of type i served at least once, z_i <= sum_{t, s} x[i, t, s];
* per (i, s) and per (i, t) the x sum to at most m_i; per (t, s) they fit in the room;
  x[i, t, s] <= m_i * sum_c y[t, s, c].

An integral x of a type is a bipartite multigraph (topics x slots) with every degree <= m_i; a
König edge colouring with m_i colours splits it into m_i personal timetables (one colour = one
person: at most one session per slot, each topic once), and moving single edges into empty
colours makes min(m_i, edges) people served, which is what z counts. So the aggregated model is
exact. Timetables go to the people of a type in the order of their ids.

How it is solved, within ``time_limit`` seconds:

1. a greedy picks the sessions slot by slot with ``joint.choose_topics_and_assign`` (first the
   people not served yet, keeping only the topics that seat some of them; then, in the rooms
   left, anybody on a topic they do not hold yet; a topic seating nobody gives its room back),
   about ``GREEDY_SHARE`` of the time; then a swap search on the sessions for people served (for
   fixed sessions that is a max flow, one seat each), until ``IMPROVE_SHARE`` of the time;
2. the MILP above with those sessions fixed seats the people (exact for these sessions);
3. if the instance has at most ``MILP_MAX_X`` x variables, the whole MILP runs with the time
   left; its schedule is kept when it is at least as good (lexicographically).

``people_bound`` / ``pairs_bound``: the smaller of max flow relaxations (``_capacity_bounds``)
and HiGHS's dual bounds of the whole MILP (the pairs bound holds for schedules serving at least
as many people as its stage 1 found, so also for the one kept). ``optimal`` when both figures
reach their bounds. Deterministic unless a time limit cuts a MILP short (``status`` says so).
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import max_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from app.assignment.solver.joint import choose_topics_and_assign

T = TypeVar("T", bound=Hashable)
MILP_MAX_X = 20_000  # x variables (type, approved topic, slot) up to which the whole schedule is one MILP
GREEDY_SHARE = 0.2  # of the time limit for choosing the sessions slot by slot
IMPROVE_SHARE = 0.5  # the swap search on the sessions ends by then
SEATS_SHARE = 0.7  # the seats for those sessions are found by then when the whole MILP follows


@dataclass(frozen=True)
class ScheduleResult(Generic[T]):
    sessions: list[tuple[int, int, T]]  # (slot index, room index in that slot, topic), sorted; none empty
    assignment: dict[int, list[tuple[int, T]]]  # participant -> [(slot, topic)] by slot
    people_served: int
    pairs_served: int
    people_bound: float
    pairs_bound: float
    optimal: bool
    status: str
    seconds: float


@dataclass(frozen=True)
class _Type:
    topics: tuple[int, ...]
    slots: tuple[int, ...]  # slots the type may attend
    members: list[int]


def schedule_topics(  # noqa: C901
    approvals: Mapping[int, Collection[T]],
    topics: Sequence[T],
    slots: Sequence[Sequence[int]],
    *,
    blocked: Mapping[int, Collection[int]] | None = None,
    time_limit: float = 10.0,
    rel_gap: float = 1e-4,
) -> ScheduleResult[T]:
    """See the module docstring. ``slots[s]`` are the room capacities of slot s."""
    start = time.monotonic()
    tindex = {t: i for i, t in enumerate(topics)}
    if len(tindex) != len(topics):
        raise ValueError("duplicate topic")
    if any(c < 0 for rooms in slots for c in rooms):
        raise ValueError("negative room capacity")
    blocked = blocked or {}
    groups: dict[tuple[tuple[int, ...], tuple[int, ...]], list[int]] = {}
    for p in sorted(approvals):
        ts = set()
        for t in approvals[p]:
            if t not in tindex:
                raise ValueError(f"participant {p} approves unknown topic {t!r}")
            ts.add(tindex[t])
        free = tuple(s for s in range(len(slots)) if s not in set(blocked.get(p, ())))
        if ts and free:
            groups.setdefault((tuple(sorted(ts)), free), []).append(p)
    types = [_Type(ts, fs, members) for (ts, fs), members in sorted(groups.items())]
    n_x = sum(len(typ.topics) * len(typ.slots) for typ in types)
    whole = n_x <= MILP_MAX_X  # also try the whole schedule as one MILP
    x, rooms_of = _greedy(types, len(topics), slots, GREEDY_SHARE * time_limit)
    status = "sessions: slot by slot joint mode"
    better, reached, flows = _improve(types, len(topics), slots, rooms_of, start + IMPROVE_SHARE * time_limit)
    if reached > _value(x, types)[0]:
        x, rooms_of = flows, better
        status += " and swap search"
    seats = _milp(
        types, len(topics), slots, start + (SEATS_SHARE if whole else 1.0) * time_limit, rel_gap, fixed=rooms_of
    )
    if seats is not None:
        x = seats[0]
        status += "; seats: MILP" + (", optimal for these sessions" if seats[4] else " stopped by time limit")
    people_bound, pairs_bound = _capacity_bounds(types, len(topics), slots)
    solved = _milp(types, len(topics), slots, start + time_limit, rel_gap) if whole else None
    if solved is not None:
        # its pairs bound holds for schedules serving at least its people; the one kept serves as many
        people_bound, pairs_bound = min(people_bound, solved[2]), min(pairs_bound, solved[3])
        if _value(solved[0], types) >= _value(x, types):
            x, rooms_of, _, _, _, status = solved
        else:
            status += "; the whole-schedule MILP found less before its time limit"
    assignment: dict[int, list[tuple[int, T]]] = {}
    for i, typ in enumerate(types):
        for person, timetable in zip(typ.members, _timetables(x.get(i, {}), len(typ.members)), strict=False):
            if timetable:
                assignment[person] = [(s, topics[t]) for t, s in sorted(timetable, key=lambda e: e[1])]
    people = len(assignment)
    pairs = sum(len(v) for v in assignment.values())
    used = {(s, t) for timetable in assignment.values() for s, t in timetable}
    return ScheduleResult(  # a session nobody attends is left out
        sessions=sorted((s, r, topics[t]) for (t, s), r in rooms_of.items() if (s, topics[t]) in used),
        assignment=dict(sorted(assignment.items())),
        people_served=people,
        pairs_served=pairs,
        people_bound=people_bound,
        pairs_bound=pairs_bound,
        optimal=people >= people_bound and pairs >= pairs_bound,
        status=status,
        seconds=time.monotonic() - start,
    )


_X = dict[int, dict[tuple[int, int], int]]  # type -> (topic, slot) -> people
_Rooms = dict[tuple[int, int], int]  # (topic, slot) -> room index in the slot


def _milp(  # noqa: C901, PLR0915
    types: list[_Type],
    n_t: int,
    slots: Sequence[Sequence[int]],
    deadline: float,
    rel_gap: float,
    fixed: _Rooms | None = None,
) -> tuple[_X, _Rooms, float, float, bool, str] | None:
    """The two-stage MILP; with ``fixed`` sessions ((topic, slot) -> room) only the seats are chosen."""
    classes = [
        (s, int(c), n)
        for s, rooms in enumerate(slots)
        for c, n in zip(*np.unique(np.asarray(rooms, dtype=np.int64), return_counts=True), strict=True)
        if c > 0
    ]
    big = {s: max([c for s2, c, _ in classes if s2 == s], default=0) for s in range(len(slots))}
    ys = [(t, j) for t in range(n_t) for j in range(len(classes))]
    xs = [(i, t, s) for i, typ in enumerate(types) for t in typ.topics for s in typ.slots if big[s] > 0]
    n_y, n_x, n_z = len(ys), len(xs), len(types)
    if n_x == 0:
        return {}, {}, 0.0, 0.0, True, "optimal"
    mult = np.array([len(typ.members) for typ in types], dtype=float)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    hi: list[float] = []

    def row(c: Sequence[int], v: Sequence[float], bound: float) -> None:
        rows.append(np.full(len(c), len(hi)))
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=float))
        hi.append(bound)

    y_at: dict[tuple[int, int], list[int]] = {(t, classes[j][0]): [] for t, j in ys}  # (topic, slot) -> y cols
    for col, (t, j) in enumerate(ys):
        y_at[(t, classes[j][0])].append(col)
    for cs in y_at.values():  # a topic at most once per slot
        row(cs, [1.0] * len(cs), 1)
    for j, (_, _, n) in enumerate(classes):  # rooms per class
        cs = [col for col, (_, j2) in enumerate(ys) if j2 == j]
        row(cs, [1.0] * len(cs), n)
    by_is: dict[tuple[int, int], list[int]] = {}
    by_it: dict[tuple[int, int], list[int]] = {}
    by_ts: dict[tuple[int, int], list[int]] = {}
    by_i: dict[int, list[int]] = {}
    for col, (i, t, s) in enumerate(xs, start=n_y):
        by_is.setdefault((i, s), []).append(col)
        by_it.setdefault((i, t), []).append(col)
        by_ts.setdefault((t, s), []).append(col)
        by_i.setdefault(i, []).append(col)
    for (i, _), cs in list(by_is.items()) + list(by_it.items()):  # one per slot, each topic once
        row(cs, [1.0] * len(cs), mult[i])
    for (t, s), cs in by_ts.items():  # within the room
        yc = y_at[(t, s)]
        row(cs + yc, [1.0] * len(cs) + [-float(classes[col][1]) for _, col in (ys[c] for c in yc)], 0)
    for col, (i, t, s) in enumerate(xs, start=n_y):  # only in a running session
        yc = y_at[(t, s)]
        row([col] + yc, [1.0] + [-min(mult[i], big[s])] * len(yc), 0)
    for i in range(n_z):  # z_i <= sum of x_i (0 for a type with no session it could attend)
        cs = by_i.get(i, [])
        row([n_y + n_x + i] + cs, [1.0] + [-1.0] * len(cs), 0)
    a_mat = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(hi), n_y + n_x + n_z)
    )
    upper = np.concatenate([np.ones(n_y), [mult[i] for i, _, _ in xs], mult])
    lower = np.zeros(len(upper))
    if fixed is not None:
        runs = {
            (t, j)
            for (t, s), r in fixed.items()
            for j, (s2, c, _) in enumerate(classes)
            if s2 == s and c == slots[s][r]
        }
        lower[:n_y] = upper[:n_y] = [1.0 if key in runs else 0.0 for key in ys]
    integ = np.concatenate([np.ones(n_y + n_x), np.zeros(n_z)])
    c_people = np.concatenate([np.zeros(n_y + n_x), -np.ones(n_z)])
    c_pairs = np.concatenate([np.zeros(n_y), -np.ones(n_x), np.zeros(n_z)])
    cons = [LinearConstraint(a_mat, -np.inf, np.asarray(hi))]
    first = milp(
        c_people,
        integrality=integ,
        bounds=Bounds(lower, upper),
        constraints=cons,
        options={"time_limit": max(0.1, (deadline - time.monotonic()) / 2), "mip_rel_gap": rel_gap},
    )
    if first.x is None:
        return None
    people = round(-first.fun)
    people_bound = math.floor(-first.mip_dual_bound + 1e-6) if first.mip_dual_bound is not None else people
    cons.append(LinearConstraint(-c_people[None, :], people, np.inf))
    second = milp(
        c_pairs,
        integrality=integ,
        bounds=Bounds(lower, upper),
        constraints=cons,
        options={"time_limit": max(0.1, deadline - time.monotonic()), "mip_rel_gap": rel_gap},
    )
    best = second if second.x is not None else first
    pairs_bound = (
        math.floor(-second.mip_dual_bound + 1e-6)
        if second.mip_dual_bound is not None
        else float(mult.sum() * len(slots))
    )
    status = "optimal" if first.status == 0 and second.status == 0 else "stopped by time limit"
    sol = np.rint(best.x)
    x: _X = {}
    for col, (i, t, s) in enumerate(xs, start=n_y):
        if sol[col] > 0:
            x.setdefault(i, {})[(t, s)] = int(sol[col])
    if fixed is not None:
        return x, dict(fixed), float(people_bound), float(pairs_bound), status == "optimal", status
    rooms_of: _Rooms = {}
    taken: dict[int, set[int]] = {}
    for col, (t, j) in enumerate(ys):
        if sol[col] > 0:
            s, cap, _ = classes[j]
            room = next(r for r, c in enumerate(slots[s]) if c == cap and r not in taken.setdefault(s, set()))
            taken[s].add(room)
            rooms_of[(t, s)] = room
    return x, rooms_of, float(people_bound), float(pairs_bound), status == "optimal", status


def _value(x: _X, types: list[_Type]) -> tuple[int, int]:
    """(people served, pairs served) of an aggregated seating (see ``_timetables``)."""
    edges = {i: sum(cell.values()) for i, cell in x.items()}
    return sum(min(len(types[i].members), n) for i, n in edges.items()), sum(edges.values())


def _greedy(types: list[_Type], n_t: int, slots: Sequence[Sequence[int]], time_limit: float) -> tuple[_X, _Rooms]:
    """Slot by slot joint mode: first the people not served yet (only the topics that seat some of
    them keep their rooms), then, in the rooms left, anybody on a topic they do not hold yet."""
    people = [(i, j) for i, typ in enumerate(types) for j in range(len(typ.members))]
    held: list[set[int]] = [set() for _ in people]
    x: _X = {}
    rooms_of: _Rooms = {}
    for s, rooms in enumerate(slots):
        open_rooms = list(range(len(rooms)))
        seated: set[int] = set()
        running: set[int] = set()
        for fresh in (True, False):
            appr = {
                key: set(types[i].topics) - held[key] - running
                for key, (i, _) in enumerate(people)
                if s in types[i].slots and key not in seated and (not fresh or not held[key])
            }
            appr = {key: ts for key, ts in appr.items() if ts}
            if not open_rooms or not appr:
                continue
            res = choose_topics_and_assign(
                appr,
                list(range(n_t)),
                [rooms[r] for r in open_rooms],
                min(len(open_rooms), n_t),
                method="local",
                time_limit=time_limit / (2 * len(slots)),
            )
            seats = {t: [key for key, t2 in res.assignment.items() if t2 == t] for t in res.topics}
            keep = {t: r for t, r in res.rooms.items() if seats[t]}
            for t, r in keep.items():
                rooms_of[(t, s)] = open_rooms[r]
                running.add(t)
                for key in seats[t]:
                    held[key].add(t)
                    seated.add(key)
                    cell = x.setdefault(people[key][0], {})
                    cell[(t, s)] = cell.get((t, s), 0) + 1
            open_rooms = [r for k, r in enumerate(open_rooms) if k not in set(keep.values())]
    return x, rooms_of


class _Reach:
    """People served by fixed sessions: one seat each suffices, so a max flow (types -> sessions)."""

    def __init__(self, types: list[_Type], n_t: int, slots: Sequence[Sequence[int]]) -> None:
        self.n_s, self.slots = len(slots), slots
        pairs = [(i, t * self.n_s + s) for i, typ in enumerate(types) for t in typ.topics for s in typ.slots]
        self.ti = np.array([i for i, _ in pairs], dtype=np.int64)
        self.tc = np.array([c for _, c in pairs], dtype=np.int64)
        self.mult = np.array([len(typ.members) for typ in types], dtype=np.int64)
        self.n_c = n_t * self.n_s
        self.demand = np.bincount(self.tc, weights=self.mult[self.ti], minlength=self.n_c)
        self.evals = 0

    def rooms(self, chosen: set[int]) -> _Rooms:
        """Per slot, its largest rooms to its most wanted sessions (ties: topic order)."""
        out: _Rooms = {}
        for s, rooms in enumerate(self.slots):
            ranked = sorted((c for c in chosen if c % self.n_s == s), key=lambda c: (-self.demand[c], c))
            by_size = sorted(range(len(rooms)), key=lambda r: (-rooms[r], r))
            out.update({(c // self.n_s, s): r for c, r in zip(ranked, by_size, strict=False)})
        return out

    def flow(self, chosen: set[int]) -> tuple[int, NDArray[np.int64]]:
        self.evals += 1
        cap = np.zeros(self.n_c, dtype=np.int64)
        for (t, s), r in self.rooms(chosen).items():
            cap[t * self.n_s + s] = self.slots[s][r]
        sel = np.flatnonzero(cap[self.tc] > 0)
        flows = np.zeros(len(self.tc), dtype=np.int64)
        if len(sel) == 0:
            return 0, flows
        n_ty = len(self.mult)
        src, snk = n_ty + self.n_c, n_ty + self.n_c + 1
        g = max_flow.SimpleMaxFlow()
        g.add_arcs_with_capacity(np.full(n_ty, src), np.arange(n_ty), self.mult)
        arcs = g.add_arcs_with_capacity(self.ti[sel], n_ty + self.tc[sel], self.mult[self.ti[sel]])
        g.add_arcs_with_capacity(n_ty + np.arange(self.n_c), np.full(self.n_c, snk), cap)
        if g.solve(src, snk) != g.OPTIMAL:
            raise RuntimeError("max flow failed")
        flows[sel] = g.flows(arcs)
        return int(flows.sum()), flows


def _improve(
    types: list[_Type], n_t: int, slots: Sequence[Sequence[int]], rooms_of: _Rooms, deadline: float
) -> tuple[_Rooms, int, _X]:
    """Swap search on the sessions for people served (first improvement, most promising first):
    in one slot, a session not running replaces a running one or takes a free room. Returns the
    sessions, the people they serve and a seating (one seat each) that does it."""
    reach = _Reach(types, n_t, slots)
    n_s = len(slots)
    chosen = {t * n_s + s for t, s in rooms_of}
    best, flows = reach.flow(chosen)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        left = reach.mult - np.bincount(reach.ti, weights=flows, minlength=len(reach.mult)).astype(np.int64)
        gain = np.bincount(reach.tc, weights=left[reach.ti], minlength=reach.n_c)  # unserved who could come
        load = np.bincount(reach.tc, weights=flows, minlength=reach.n_c)
        ins = sorted((c for c in range(reach.n_c) if c not in chosen and gain[c] > 0), key=lambda c: (-gain[c], c))
        for c_in in ins:
            s = c_in % n_s
            mine = [c for c in chosen if c % n_s == s]
            outs: list[int | None] = [None] if len(mine) < len(slots[s]) else []
            for c_out in outs + sorted(mine, key=lambda c: (load[c], c)):
                if time.monotonic() >= deadline:
                    break
                cand = (chosen - {c_out}) | {c_in}
                val, cand_flows = reach.flow(cand)
                if val > best:
                    chosen, best, flows, improved = cand, val, cand_flows, True
                    break
            if improved or time.monotonic() >= deadline:
                break
    x: _X = {}
    for i, c, f in zip(reach.ti.tolist(), reach.tc.tolist(), flows.tolist(), strict=True):
        if f:
            x.setdefault(i, {})[(c // n_s, c % n_s)] = f
    return reach.rooms(chosen), best, x


def _capacity_bounds(types: list[_Type], n_t: int, slots: Sequence[Sequence[int]]) -> tuple[float, float]:
    """Max flow relaxations: a person takes up to 1 (people) or min(topics, slots) places (pairs), at
    most one per approved topic; a topic seats at most the largest room of every slot; all seats."""
    out = []
    for per_person in (False, True):
        g = max_flow.SimpleMaxFlow()
        n_ty = len(types)
        src, hub, snk = n_ty + n_t, n_ty + n_t + 1, n_ty + n_t + 2
        for i, typ in enumerate(types):
            m = len(typ.members)
            g.add_arc_with_capacity(src, i, m * min(len(typ.topics), len(typ.slots)) if per_person else m)
            for t in typ.topics:
                g.add_arc_with_capacity(i, n_ty + t, m)
        for t in range(n_t):
            g.add_arc_with_capacity(n_ty + t, hub, sum(max(rooms, default=0) for rooms in slots))
        g.add_arc_with_capacity(hub, snk, sum(sum(rooms) for rooms in slots))
        if g.solve(src, snk) != g.OPTIMAL:
            raise RuntimeError("max flow failed")
        out.append(float(g.optimal_flow()))
    return out[0], out[1]


def _timetables(edges: Mapping[tuple[int, int], int], m: int) -> list[list[tuple[int, int]]]:  # noqa: C901
    """Split a type's (topic, slot) counts into m personal timetables (König edge colouring).

    Every topic and slot has degree <= m, so m colours suffice: for an edge (t, s) take a colour
    a free at t and b free at s; if a is not free at s, swap a and b along the a/b path from s
    (it cannot reach t in a bipartite graph). Then single edges move into empty colours, so
    min(m, edges) timetables are non-empty. Deterministic: edges in sorted order.
    """
    at_t: dict[int, dict[int, int]] = {}  # topic -> colour -> slot
    at_s: dict[int, dict[int, int]] = {}  # slot -> colour -> topic
    for (t, s), n in sorted(edges.items()):
        for _ in range(n):
            ct, cs = at_t.setdefault(t, {}), at_s.setdefault(s, {})
            a = next(c for c in range(m) if c not in ct)
            b = next(c for c in range(m) if c not in cs)
            if a in cs:
                path, on_slot, node, colour = [], True, s, a  # walk s -a-> t1 -b-> s2 -a-> ...
                while (nxt := (at_s if on_slot else at_t)[node].get(colour)) is not None:
                    path.append(((nxt, node) if on_slot else (node, nxt), colour))  # (topic, slot), colour
                    on_slot, node, colour = not on_slot, nxt, (b if colour == a else a)
                for (tt, ss), c in path:
                    del at_t[tt][c], at_s[ss][c]
                for (tt, ss), c in path:
                    at_t[tt][b if c == a else a] = ss
                    at_s[ss][b if c == a else a] = tt
            at_t[t][a] = s
            at_s[s][a] = t
    colours: list[list[tuple[int, int]]] = [[] for _ in range(m)]
    for t, by_colour in at_t.items():
        for c, s in by_colour.items():
            colours[c].append((t, s))
    for c in range(m):
        if not colours[c]:
            donor = next((d for d in range(m) if len(colours[d]) > 1), None)
            if donor is None:
                break
            colours[c].append(colours[donor].pop())
    return sorted((sorted(tt) for tt in colours), key=lambda tt: (not tt, tt))
