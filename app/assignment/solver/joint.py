"""Joint mode: choose which topics run *and* who goes where (capacitated Chamberlin-Courant).

Setting (one time slot): participants approve topics; there are ``rooms`` (capacities) and at
most ``k`` topics may run (default: one per room). Each running topic gets its own room, each
participant attends at most one running topic they approved, rooms are never over capacity.
Goal: maximise the number of participants placed ("covered").

* ``method="milp"`` (default for small inputs): exact MILP with HiGHS. Binary y[t, c] = topic t
  runs in a room of capacity class c; continuous x[p, t]. For fixed y the x part is a bipartite
  b-matching, hence integral; the final seats are recomputed by a max flow anyway.
* ``method="local"`` (default for large inputs): local search over topic sets, started from
  ``initial`` (e.g. the Method of Equal Shares winners) or else the k most approved topics.
  A set is scored by a max flow (rooms go to topics by decreasing number of approvals). Moves:
  swap one running topic for one idle topic, first improvement, most promising pairs first,
  until a local optimum, ``max_evals`` flow evaluations or ``time_limit``. Deterministic unless
  the time limit cuts it short (``status`` says which). ``bound`` is then a max flow in which
  *every* topic may run with the largest room, the total capped by the k largest rooms.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import max_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

MILP_MAX_PAIRS = 20_000  # approvals (participant, topic) up to which "auto" uses the MILP

T = TypeVar("T", bound=Hashable)  # a topic
# Approval pairs in index form: (participant index, topic index) per approval, sorted.
_Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


@dataclass(frozen=True)
class JointResult(Generic[T]):
    topics: list[T]  # running topics, in the order of the ``topics`` argument
    rooms: dict[T, int]  # running topic -> index into ``rooms``
    assignment: dict[int, T]  # participant -> topic
    covered: int
    bound: float  # upper bound on ``covered``
    optimal: bool
    status: str
    evaluations: int  # flow evaluations (local search) or 0
    seconds: float


def choose_topics_and_assign(
    approvals: Mapping[int, Collection[T]], topics: Sequence[T], rooms: Sequence[int],
    k: int | None = None, *, initial: Sequence[T] | None = None, method: str = "auto",
    time_limit: float = 10.0, max_evals: int = 5000,
) -> JointResult[T]:
    """See the module docstring. Raises ValueError for unknown topics or bad sizes."""
    start = time.monotonic()
    tindex = {t: i for i, t in enumerate(topics)}
    if len(tindex) != len(topics):
        raise ValueError("duplicate topic")
    if any(c < 0 for c in rooms):
        raise ValueError("negative room capacity")
    k = len(rooms) if k is None else k
    if not 0 <= k <= len(rooms):
        raise ValueError("k must be between 0 and the number of rooms")
    people = sorted(approvals)
    pp, tt = [], []
    for i, p in enumerate(people):
        for t in approvals[p]:
            if t not in tindex:
                raise ValueError(f"participant {p} approves unknown topic {t!r}")
            pp.append(i)
            tt.append(tindex[t])
    order = np.lexsort((tt, pp))
    data = (np.array(pp, dtype=np.int64)[order], np.array(tt, dtype=np.int64)[order])
    room_order = np.argsort(-np.asarray(rooms, dtype=np.int64), kind="stable")
    caps = np.asarray(rooms, dtype=np.int64)[room_order]  # internal room r = rooms[room_order[r]]
    if method == "auto":
        method = "milp" if len(pp) <= MILP_MAX_PAIRS else "local"
    if method == "milp":
        room_of, bound, optimal, status = _milp(data, len(people), len(topics), caps, k, time_limit)
        evals = 0
    elif method == "local":
        init = [tindex[t] for t in (initial or []) if t in tindex]
        chosen, evals, status = _local(data, len(people), len(topics), caps, k, init, start + time_limit, max_evals)
        room_of = _rooms_for(chosen, data, len(topics))
        bound, optimal = float(_relaxed_bound(data, len(people), len(topics), caps, k)), False
    else:
        raise ValueError("method must be 'auto', 'milp' or 'local'")
    covered, seats = _flow(data, len(people), room_of, caps)
    return JointResult(
        topics=[topics[t] for t in sorted(room_of)],
        rooms={topics[t]: int(room_order[r]) for t, r in sorted(room_of.items())},
        assignment={people[i]: topics[t] for i, t in seats}, covered=covered,
        bound=bound, optimal=optimal or covered >= bound, status=status, evaluations=evals,
        seconds=time.monotonic() - start)


def _rooms_for(chosen: Iterable[int], data: _Pairs, n_topics: int) -> dict[int, int]:
    """Largest rooms to the most approved chosen topics (ties: topic order); internal room ids."""
    demand = np.bincount(data[1], minlength=n_topics)
    ranked = sorted(chosen, key=lambda t: (-demand[t], t))
    return {t: r for r, t in enumerate(ranked)}


def _flow(data: _Pairs, n_people: int, room_of: Mapping[int, int],
          caps: NDArray[np.int64]) -> tuple[int, list[tuple[int, int]]]:
    """Max number placed given running topics (room capacities); returns seats (p, t)."""
    pp, tt = data
    cap_t = np.zeros(int(tt.max()) + 1 if len(tt) else 0, dtype=np.int64)
    for t, r in room_of.items():
        if t < len(cap_t):
            cap_t[t] = caps[r]
    sel = np.flatnonzero(cap_t[tt] > 0) if len(tt) else np.zeros(0, dtype=np.int64)
    if len(sel) == 0:
        return 0, []
    n_t = len(cap_t)
    src, snk = n_people + n_t, n_people + n_t + 1
    g = max_flow.SimpleMaxFlow()
    g.add_arcs_with_capacity(np.full(n_people, src), np.arange(n_people), np.ones(n_people, dtype=np.int64))
    arcs = g.add_arcs_with_capacity(pp[sel], n_people + tt[sel], np.ones(len(sel), dtype=np.int64))
    g.add_arcs_with_capacity(n_people + np.arange(n_t), np.full(n_t, snk), cap_t)
    if g.solve(src, snk) != g.OPTIMAL:
        raise RuntimeError("max flow failed")
    used = sel[g.flows(arcs) > 0]
    return len(used), list(zip(pp[used].tolist(), tt[used].tolist(), strict=False))


def _relaxed_bound(data: _Pairs, n_people: int, n_topics: int, caps: NDArray[np.int64], k: int) -> int:
    """Upper bound on ``covered``: all topics open with the largest room, total <= k largest."""
    pp, tt = data
    if len(pp) == 0 or k == 0:
        return 0
    src, hub, snk = n_people + n_topics, n_people + n_topics + 1, n_people + n_topics + 2
    g = max_flow.SimpleMaxFlow()
    g.add_arcs_with_capacity(np.full(n_people, src), np.arange(n_people), np.ones(n_people, dtype=np.int64))
    g.add_arcs_with_capacity(pp, n_people + tt, np.ones(len(pp), dtype=np.int64))
    g.add_arcs_with_capacity(n_people + np.arange(n_topics), np.full(n_topics, hub), np.full(n_topics, int(caps[0])))
    g.add_arc_with_capacity(hub, snk, int(caps[:k].sum()))
    if g.solve(src, snk) != g.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(g.optimal_flow())


def _milp(data: _Pairs, n_people: int, n_topics: int, caps: NDArray[np.int64], k: int,
          time_limit: float) -> tuple[dict[int, int], float, bool, str]:
    pp, tt = data
    classes, counts = np.unique(caps, return_counts=True)
    n_c, n_pairs = len(classes), len(pp)
    n_y = n_topics * n_c  # y[t, c] at t * n_c + c, then x per approval pair
    nv = n_y + n_pairs
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(r_cols: list[int], r_vals: list[int], lb: float, ub: float) -> None:
        rows.extend([len(lo)] * len(r_cols))
        cols.extend(r_cols)
        vals.extend(r_vals)
        lo.append(lb)
        hi.append(ub)

    for t in range(n_topics):  # a topic runs at most once
        add([t * n_c + c for c in range(n_c)], [1] * n_c, -np.inf, 1)
    for c in range(n_c):  # rooms per capacity class
        add([t * n_c + c for t in range(n_topics)], [1] * n_topics, -np.inf, counts[c])
    add(list(range(n_y)), [1] * n_y, -np.inf, k)
    for p in np.unique(pp):  # one topic per participant
        idx = np.flatnonzero(pp == p)
        add((n_y + idx).tolist(), [1] * len(idx), -np.inf, 1)
    for t in range(n_topics):  # seats only in a running topic, within its room
        idx = np.flatnonzero(tt == t)
        add((n_y + idx).tolist() + [t * n_c + c for c in range(n_c)],
            [1] * len(idx) + [-int(v) for v in classes], -np.inf, 0)
        for a in idx:  # x[p, t] <= sum_c y[t, c]  (tightens the LP bound)
            add([n_y + int(a)] + [t * n_c + c for c in range(n_c)], [1] + [-1] * n_c, -np.inf, 0)
    a_mat = sparse.csr_matrix((vals, (rows, cols)), shape=(len(lo), nv))
    c_vec = np.concatenate([np.zeros(n_y), -np.ones(n_pairs)])
    integ = np.concatenate([np.ones(n_y), np.zeros(n_pairs)])
    res = milp(c_vec, integrality=integ, bounds=Bounds(0, 1), constraints=LinearConstraint(a_mat, lo, hi),
               options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    if res.x is None:
        return {}, float(n_people), False, f"MILP: {res.message}"
    y = np.rint(res.x[:n_y]).reshape(n_topics, n_c)
    room_of: dict[int, int] = {}
    for c, cap in enumerate(classes):  # rooms of class c, in internal order
        free = [r for r in range(len(caps)) if caps[r] == cap]
        for t in np.flatnonzero(y[:, c] > 0.5).tolist():
            room_of[t] = free.pop(0)
    bound = float(np.floor(-res.mip_dual_bound + 1e-6)) if res.mip_dual_bound is not None else -res.fun
    return room_of, bound, res.status == 0, "optimal" if res.status == 0 else "MILP stopped by time limit"


def _local(data: _Pairs, n_people: int, n_topics: int, caps: NDArray[np.int64], k: int, init: list[int],
           deadline: float, max_evals: int) -> tuple[set[int], int, str]:
    pp, tt = data
    demand = np.bincount(tt, minlength=n_topics)
    by_demand = sorted(range(n_topics), key=lambda t: (-demand[t], t))
    current = list(dict.fromkeys(init))[:k]
    current += [t for t in by_demand if t not in current][: k - len(current)]
    evals = 0

    def score(s: list[int]) -> tuple[int, list[tuple[int, int]]]:
        nonlocal evals
        evals += 1
        return _flow(data, n_people, _rooms_for(s, data, n_topics), caps)

    best, seats = score(current)
    while True:
        if time.monotonic() > deadline:
            return set(current), evals, "local search stopped by time limit"
        if evals >= max_evals:
            return set(current), evals, "local search stopped at max_evals"
        covered = np.zeros(n_people, dtype=bool)
        load = np.zeros(n_topics, dtype=np.int64)
        for p, t in seats:
            covered[p] = True
            load[t] += 1
        gain = np.bincount(tt[~covered[pp]], minlength=n_topics)  # uncovered approvers per topic
        outs = sorted(current, key=lambda t: (load[t], t))
        ins = sorted((t for t in range(n_topics) if t not in current and gain[t] > 0), key=lambda t: (-gain[t], t))
        improved = False
        for t_in in ins:
            for t_out in outs:
                if time.monotonic() > deadline or evals >= max_evals:
                    break
                cand = [t_in if t == t_out else t for t in current]
                val, cand_seats = score(cand)
                if val > best:
                    current, best, seats, improved = cand, val, cand_seats, True
                    break
            if improved or time.monotonic() > deadline or evals >= max_evals:
                break
        if not improved and time.monotonic() <= deadline and evals < max_evals:
            return set(current), evals, "local optimum (swap neighbourhood)"
