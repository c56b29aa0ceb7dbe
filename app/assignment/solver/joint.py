"""Joint mode: choose which topics run *and* who goes where (capacitated Chamberlin-Courant).

Setting (one time slot): participants approve topics; there are ``rooms`` (capacities) and at
most ``k`` topics may run (default: one per room). Each running topic gets its own room, each
participant attends at most one running topic they approved, rooms are never over capacity.
Goal: maximise the number of participants placed ("covered").

Participants with the same approval set are one **ballot type** with a multiplicity (with 100
topics and 10,000 voters about half the ballots repeat); every method works on types and the
seats are handed out to the people of a type in the order of their ids. Only the ``k`` largest
rooms matter (a larger room never covers fewer people), so the rest are dropped at once.

* ``method="milp"`` (default for small inputs): exact MILP with HiGHS. Binary y[t, c] = topic t
  runs in a room of capacity class c; continuous x[i, t] = people of type i placed in t, with
  x[i, t] <= m_i * sum_c y[t, c] (the aggregate of the per-person linking rows, equally strong).
  For fixed y the x part is a transportation problem, hence integral; the final seats are
  recomputed by a max flow anyway.
* ``method="local"`` (default for large inputs): local search over topic sets, started from
  ``initial`` (e.g. the Method of Equal Shares winners) or else the k most approved topics.
  A set is scored by a max flow on types (rooms go to topics by decreasing number of
  approvals). Moves: swap one running topic for one idle topic, first improvement, most
  promising pairs first, until a local optimum, ``max_evals`` flow evaluations or
  ``LOCAL_SHARE`` of the time limit. The **bound** is then the smaller of (a) a max flow in which
  every topic may run with the largest room, the total capped by the k largest rooms, and (b)
  the Lagrangian relaxation of "one topic per person": for multipliers lam_i in [0, 1] per type,
  ``L(lam) = sum_i m_i lam_i + max_{topics -> rooms} sum_t v_t(lam, cap)``, where v_t is the best
  fill of room ``cap`` by approvers of t valued ``1 - lam_i`` (a fractional knapsack with unit
  weights, integral) and the topic-to-room matching is an assignment problem. Every lam gives
  a valid bound (rounded down: ``covered`` is an integer); its minimum equals the LP relaxation
  of the MILP above. It is minimised by a subgradient method scaled per person (the subgradient
  of type i divided by m_i) with Polyak steps towards the covered count, until the gap is at
  most ``rel_gap``, the time limit or ``max_iters``. ``status`` ends with the gap. Local search
  and bound are deterministic unless the time limit cuts them short.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import max_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

MILP_MAX_PAIRS = 20_000  # approvals (participant, topic) up to which "auto" uses the MILP
LOCAL_SHARE = 0.8  # of the time limit for the local search; the bound gets the rest (and what is left)

T = TypeVar("T", bound=Hashable)  # a topic
_I64 = NDArray[np.int64]


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

    @property
    def gap(self) -> float:
        """Relative gap (bound - covered) / bound; 0 when proven optimal."""
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.covered) / self.bound)


@dataclass(frozen=True)
class _Types:
    """Ballot types: multiplicity, and the (type, topic) pairs sorted by type then topic."""

    mult: _I64
    tp: _I64
    tt: _I64
    n_topics: int


def choose_topics_and_assign(  # noqa: C901, PLR0915
    approvals: Mapping[int, Collection[T]],
    topics: Sequence[T],
    rooms: Sequence[int],
    k: int | None = None,
    *,
    initial: Sequence[T] | None = None,
    method: str = "auto",
    time_limit: float = 10.0,
    max_evals: int = 5000,
    max_iters: int = 3000,
    rel_gap: float = 1e-3,
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
    if method not in ("auto", "milp", "local"):
        raise ValueError("method must be 'auto', 'milp' or 'local'")
    people = sorted(approvals)
    by_ballot: dict[tuple[int, ...], list[int]] = {}
    n_pairs = 0
    for p in people:
        ballot = []
        for t in approvals[p]:
            if t not in tindex:
                raise ValueError(f"participant {p} approves unknown topic {t!r}")
            ballot.append(tindex[t])
        if ballot:
            by_ballot.setdefault(tuple(sorted(set(ballot))), []).append(p)
            n_pairs += len(set(ballot))
    ballots = sorted(by_ballot)
    members = [by_ballot[b] for b in ballots]
    inst = _Types(
        mult=np.array([len(m) for m in members], dtype=np.int64),
        tp=np.array([i for i, b in enumerate(ballots) for _ in b], dtype=np.int64),
        tt=np.array([t for b in ballots for t in b], dtype=np.int64),
        n_topics=len(topics),
    )
    room_order = np.argsort(-np.asarray(rooms, dtype=np.int64), kind="stable")[:k]
    caps = np.asarray(rooms, dtype=np.int64)[room_order]  # internal room r = rooms[room_order[r]], descending
    if method == "auto":
        method = "milp" if n_pairs <= MILP_MAX_PAIRS else "local"
    evals = 0
    if method == "milp":
        room_of, bound, optimal, status = _milp(inst, caps, time_limit)
    else:
        init = [tindex[t] for t in (initial or []) if t in tindex]
        chosen, evals, status = _local(inst, caps, init, start + LOCAL_SHARE * time_limit, max_evals)
        room_of = _rooms_for(chosen, inst)
        optimal = False
    covered, flows = _flow(inst, room_of, caps)
    if method == "local":
        bound = float(_relaxed_bound(inst, caps))
        if covered < bound:
            lag, iters = _lagrangian(inst, caps, covered, start + time_limit, max_iters, rel_gap)
            bound = min(bound, float(lag))
            status += f"; bound: Lagrangian relaxation ({iters} iterations)"
        if bound > 0:
            status += f"; gap {(bound - covered) / bound:.2%}"
    assignment: dict[int, T] = {}
    handed = [0] * len(members)  # people of type i seated so far
    for i, t, f in zip(inst.tp.tolist(), inst.tt.tolist(), flows.tolist(), strict=True):
        for p in members[i][handed[i] : handed[i] + f]:
            assignment[p] = topics[t]
        handed[i] += f
    result = JointResult(
        topics=[topics[t] for t in sorted(room_of)],
        rooms={topics[t]: int(room_order[r]) for t, r in sorted(room_of.items())},
        assignment=dict(sorted(assignment.items())),
        covered=covered,
        bound=bound,
        optimal=optimal or covered >= bound,
        status=status,
        evaluations=evals,
        seconds=time.monotonic() - start,
    )
    return result


def _rooms_for(chosen: Iterable[int], inst: _Types) -> dict[int, int]:
    """Largest rooms to the most approved chosen topics (ties: topic order); internal room ids."""
    demand = np.bincount(inst.tt, weights=inst.mult[inst.tp], minlength=inst.n_topics)
    ranked = sorted(chosen, key=lambda t: (-demand[t], t))
    return {t: r for r, t in enumerate(ranked)}


def _flow(inst: _Types, room_of: Mapping[int, int], caps: _I64) -> tuple[int, _I64]:
    """Max number placed given running topics (room capacities); returns the flow per pair."""
    cap_t = np.zeros(inst.n_topics, dtype=np.int64)
    for t, r in room_of.items():
        cap_t[t] = caps[r]
    flows = np.zeros(len(inst.tp), dtype=np.int64)
    sel = np.flatnonzero(cap_t[inst.tt] > 0)
    if len(sel) == 0:
        return 0, flows
    n_ty, n_t = len(inst.mult), inst.n_topics
    src, snk = n_ty + n_t, n_ty + n_t + 1
    g = max_flow.SimpleMaxFlow()
    g.add_arcs_with_capacity(np.full(n_ty, src), np.arange(n_ty), inst.mult)
    arcs = g.add_arcs_with_capacity(inst.tp[sel], n_ty + inst.tt[sel], inst.mult[inst.tp[sel]])
    g.add_arcs_with_capacity(n_ty + np.arange(n_t), np.full(n_t, snk), cap_t)
    if g.solve(src, snk) != g.OPTIMAL:
        raise RuntimeError("max flow failed")
    flows[sel] = g.flows(arcs)
    return int(flows.sum()), flows


def _relaxed_bound(inst: _Types, caps: _I64) -> int:
    """Upper bound on ``covered``: all topics open with the largest room, total <= the k rooms."""
    if len(inst.tp) == 0 or len(caps) == 0:
        return 0
    n_ty, n_t = len(inst.mult), inst.n_topics
    src, hub, snk = n_ty + n_t, n_ty + n_t + 1, n_ty + n_t + 2
    g = max_flow.SimpleMaxFlow()
    g.add_arcs_with_capacity(np.full(n_ty, src), np.arange(n_ty), inst.mult)
    g.add_arcs_with_capacity(inst.tp, n_ty + inst.tt, inst.mult[inst.tp])
    g.add_arcs_with_capacity(n_ty + np.arange(n_t), np.full(n_t, hub), np.full(n_t, int(caps[0])))
    g.add_arc_with_capacity(hub, snk, int(caps.sum()))
    if g.solve(src, snk) != g.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(g.optimal_flow())


def _lagrangian(
    inst: _Types, caps: _I64, target: int, deadline: float, max_iters: int, rel_gap: float
) -> tuple[int, int]:
    """Smallest ``floor(L(lam))`` found (see the module docstring) and the iterations used."""
    if len(inst.tp) == 0 or len(caps) == 0:
        return 0, 0
    order = np.lexsort((inst.tp, inst.tt))  # pairs grouped by topic
    ptp, ptt = inst.tp[order], inst.tt[order]
    pm = inst.mult[ptp].astype(float)
    first = np.searchsorted(ptt, np.arange(inst.n_topics + 1))
    fcaps = caps.astype(float)
    mult = inst.mult.astype(float)
    lam = np.full(len(mult), 0.5)
    best, theta, stall, it = math.inf, 2.0, 0, 0
    while it < max_iters and time.monotonic() < deadline:
        it += 1
        w = 1.0 - lam[ptp]
        srt = np.argsort(ptt * 4.0 - w, kind="stable")  # by topic, within it the most valuable first
        ws, ms = np.maximum(w[srt], 0.0), np.where(w[srt] > 0, pm[srt], 0.0)
        cum_m = np.concatenate([[0.0], np.cumsum(ms)])
        cum_w = np.concatenate([[0.0], np.cumsum(ws * ms)])
        a, b = first[:-1], first[1:]
        goal = cum_m[a][:, None] + fcaps[None, :]  # fill room r with topic t
        q = np.minimum(np.searchsorted(cum_m[1:], goal, side="right"), b[:, None])
        part = np.where(q < b[:, None], (goal - cum_m[q]) * ws[np.minimum(q, len(ws) - 1)], 0.0)
        value = cum_w[q] - cum_w[a][:, None] + part
        rows, cols = linear_sum_assignment(value, maximize=True)
        lag = float(mult @ lam + value[rows, cols].sum())
        if lag < best - 1e-9:
            best, stall = lag, 0
        else:
            stall += 1
            if stall >= 10:
                theta, stall = theta / 2, 0
        if math.floor(best + 1e-7) - target <= rel_gap * best or theta < 1e-6:
            break
        cap_t = np.zeros(inst.n_topics)
        cap_t[rows] = fcaps[cols]
        topic_of = ptt[srt]
        used = np.clip(cap_t[topic_of] - (cum_m[:-1] - cum_m[a][topic_of]), 0.0, ms)
        grad = mult - np.bincount(ptp[srt], weights=used, minlength=len(mult))
        norm = float(grad @ (grad / mult))
        if norm == 0:
            break
        lam = np.clip(lam - theta * max(lag - target, 1.0) / norm * (grad / mult), 0.0, 1.0)
    return math.floor(best + 1e-7), it


def _milp(inst: _Types, caps: _I64, time_limit: float) -> tuple[dict[int, int], float, bool, str]:
    classes, counts = np.unique(caps, return_counts=True)
    n_t, n_c, n_p, n_ty = inst.n_topics, len(classes), len(inst.tp), len(inst.mult)
    n_y = n_t * n_c  # y[t, c] at t * n_c + c, then x per (type, topic) pair
    if n_p == 0 or n_c == 0:
        return {}, 0.0, True, "optimal"
    yt, yc = np.repeat(np.arange(n_t), n_c), np.tile(np.arange(n_c), n_t)
    xs = n_y + np.arange(n_p)
    m = inst.mult[inst.tp].astype(float)

    def block(r: NDArray[np.int64], c: NDArray[np.int64], v: NDArray[np.float64], n: int) -> sparse.csr_matrix:
        return sparse.csr_matrix((v, (r, c)), shape=(n, n_y + n_p))

    link_rows = np.repeat(np.arange(n_p), n_c)
    a_mat = sparse.vstack(
        [
            block(yt, yt * n_c + yc, np.ones(n_y), n_t),  # a topic runs at most once
            block(yc, yt * n_c + yc, np.ones(n_y), n_c),  # rooms per capacity class
            block(inst.tp, xs, np.ones(n_p), n_ty),  # one topic per participant
            block(
                np.concatenate([inst.tt, yt]),
                np.concatenate([xs, yt * n_c + yc]),  # within the room
                np.concatenate([np.ones(n_p), -classes[yc].astype(float)]),
                n_t,
            ),
            block(
                np.concatenate([np.arange(n_p), link_rows]),  # x[i, t] <= m_i * runs(t)
                np.concatenate([xs, np.repeat(inst.tt, n_c) * n_c + np.tile(np.arange(n_c), n_p)]),
                np.concatenate([np.ones(n_p), -np.repeat(np.minimum(m, float(classes[-1])), n_c)]),
                n_p,
            ),
        ]
    ).tocsr()
    hi = np.concatenate([np.ones(n_t), counts, inst.mult, np.zeros(n_t + n_p)]).astype(float)
    c_vec = np.concatenate([np.zeros(n_y), -np.ones(n_p)])
    integ = np.concatenate([np.ones(n_y), np.zeros(n_p)])
    res = milp(
        c_vec,
        integrality=integ,
        bounds=Bounds(0, np.concatenate([np.ones(n_y), m])),
        constraints=LinearConstraint(a_mat, -np.inf, hi),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if res.x is None:
        return {}, float(inst.mult.sum()), False, f"MILP: {res.message}"
    y = np.rint(res.x[:n_y]).reshape(n_t, n_c)
    room_of: dict[int, int] = {}
    for c, cap in enumerate(classes):  # rooms of class c, in internal order
        free = [r for r in range(len(caps)) if caps[r] == cap]
        for t in np.flatnonzero(y[:, c] > 0.5).tolist():
            room_of[t] = free.pop(0)
    bound = float(np.floor(-res.mip_dual_bound + 1e-6)) if res.mip_dual_bound is not None else -res.fun
    return room_of, bound, res.status == 0, "optimal" if res.status == 0 else "MILP stopped by time limit"


def _local(inst: _Types, caps: _I64, init: list[int], deadline: float, max_evals: int) -> tuple[set[int], int, str]:  # noqa: C901
    k, n_t = len(caps), inst.n_topics
    demand = np.bincount(inst.tt, weights=inst.mult[inst.tp], minlength=n_t)
    by_demand = sorted(range(n_t), key=lambda t: (-demand[t], t))
    current = list(dict.fromkeys(init))[:k]
    current += [t for t in by_demand if t not in current][: k - len(current)]
    evals = 0

    def score(s: list[int]) -> tuple[int, _I64]:
        nonlocal evals
        evals += 1
        return _flow(inst, _rooms_for(s, inst), caps)

    best, flows = score(current)
    while True:
        if time.monotonic() > deadline:
            return set(current), evals, "local search stopped by time limit"
        if evals >= max_evals:
            return set(current), evals, "local search stopped at max_evals"
        left = inst.mult - np.bincount(inst.tp, weights=flows, minlength=len(inst.mult)).astype(np.int64)
        load = np.bincount(inst.tt, weights=flows, minlength=n_t)
        gain = np.bincount(inst.tt, weights=left[inst.tp], minlength=n_t)  # uncovered approvers per topic
        outs = sorted(current, key=lambda t: (load[t], t))
        ins = sorted((t for t in range(n_t) if t not in current and gain[t] > 0), key=lambda t: (-gain[t], t))
        improved = False
        for t_in in ins:
            for t_out in outs:
                if time.monotonic() > deadline or evals >= max_evals:
                    break
                cand = [t_in if t == t_out else t for t in current]
                val, cand_flows = score(cand)
                if val > best:
                    current, best, flows, improved = cand, val, cand_flows, True
                    break
            if improved or time.monotonic() > deadline or evals >= max_evals:
                break
        if not improved and time.monotonic() <= deadline and evals < max_evals:
            return set(current), evals, "local optimum (swap neighbourhood)"
