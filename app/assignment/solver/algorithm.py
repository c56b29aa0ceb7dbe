"""Workshop assignment: pure functions on plain data (no web or database imports).

Entry point: ``solve(problem, method=...)``. Data types and metric definitions live in
``app.assignment.solver.problem`` (re-exported here); the joint "which topics run" mode lives in
``app.assignment.solver.joint``.

Methods (all deterministic, all respecting: one workshop per participant and slot, room
capacity, never the same topic twice, fixed seats kept and counted):

``optimal`` (default)
    Rank-maximal: maximise the number of rank-1 placements; among those assignments maximise the
    number of rank-2 placements; and so on down the longest list. Each stage is restricted to
    the previous stage's optimal set by duality (complementary slackness), never by big-M
    weights, so every stage has costs in {0, 1}:
    * no participant can meet a topic twice (no repeated topic among their candidates): the
      slots are independent and each stage is a min-cost flow (``lexflow.StagedFlow``), exact
      and fast (figures: bench/README.md, ``bench_assignment.py``);
    * otherwise a sequence of LPs (HiGHS), a stage being solved as a MILP only when its LP
      optimum is fractional (``lex.solve_stages``); ``time_limit`` bounds that path. The result
      is exact unless a MILP stage is cut by the time limit: then ``optimal`` is False and
      ``bound``/``gap`` give the LP/MILP dual bound of that stage.
    With ``max_placements_first=True`` a stage "maximise the number of placements" comes first:
    nobody is left out who could be placed, possibly at the cost of first choices. (Pure
    rank-maximal can place fewer people than ``first_come``; cardinality-first can give fewer
    first choices. No assignment is best on both in general.)
    Ties between assignments with the same rank signature are broken by the solver,
    deterministically for the same input.
``weighted``
    One optimisation of sum(K - rank + 1) over placements, K = the longest preference list
    (Borda weights). Without repeated topics: one min-cost flow (OR-Tools); otherwise one LP
    (HiGHS), solved as a MILP only if its optimum is fractional.
``first_come``
    Baseline: participants in registration order each take their best still-possible choices.

``topic_ranks=True`` (``optimal`` only) ranks topics instead of sessions (see
``app.assignment.solver.problem``): a workshop's rank is the position of its topic among the distinct
topics listed. When every topic runs once in every slot with one room size, every listed topic
is listed in all its slots and nobody has a fixed seat, the exact fast path of
``app.assignment.solver.dewerra`` runs (a topic flow, then a de Werra slot colouring; ``Result.path``
is ``"topic_flow_dewerra"``); otherwise the flow or LP path above runs with topic ranks.

``keep_ranks=True`` (``optimal`` only) re-optimises without making anyone worse off: the
candidates of a person holding ``Problem.current`` seats are cut to what is at least as good in
each slot, and the slot must stay covered (definitions in ``app.assignment.solver.problem``).
The flow path puts lower bounds on those (participant, slot) arcs, the LP path equality rows;
the stages are the same as for ``optimal``, plus a last one keeping unranked current seats, so
the result is rank-maximal (placements first with ``max_placements_first``) among the
assignments in which nobody is worse off. Should the LP path find no stage in time, everyone
keeps their current seats.

``networking=Networking(...)`` and ``fairness="leximin"`` (``optimal`` only; definitions and the
exact staging in ``app.assignment.solver.networking``): caps per organization or partnership and
workshop are hard rows of the LP path, so the result is rank-maximal within them; keeping
partnerships together and leximin fairness over the regrets are further stages that only choose
among those optima (``Result.fairness_status``). Any of them takes the LP path. Caps do not go with
``keep_ranks`` (a kept seat could break one).

``fill_unranked=True`` then gives every participant a free seat in each slot where they hold
nothing (people who ranked nothing, or whose choices were full): a max flow per slot, so the
number of seats filled is maximal (with caps: a MILP per slot that keeps them). Those seats are
listed in ``Result.filled`` as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import numpy as np

from app.assignment.solver.changes import worse_off
from app.assignment.solver.dewerra import detect as detect_topic_instance
from app.assignment.solver.dewerra import solve_topic_level
from app.assignment.solver.flow import fill_free_seats, weighted_flow
from app.assignment.solver.lex import base_rows, covered_rows, solve_stages
from app.assignment.solver.lexflow import StagedFlow
from app.assignment.solver.networking import (
    FAIRNESS,
    Networking,
    fill_within_caps,
    first_come_within_caps,
    optimise,
    report,
)
from app.assignment.solver.problem import Fairness, Method, Prepared, Problem, Result, Workshop, build_result

_E = TypeVar("_E", bound=StrEnum)

__all__ = [
    "Problem",
    "Result",
    "Workshop",
    "Networking",
    "Method",
    "Fairness",
    "METHODS",
    "FAIRNESS",
    "solve",
    "first_come",
]

METHODS = tuple(Method)


@dataclass
class _Outcome:
    """What a method chose (arc indices) and how good it is known to be."""

    chosen: np.ndarray
    path: str
    values: list[float] = field(default_factory=list)
    bounds: list[float] = field(default_factory=list)
    optimal: bool = True
    status: str = "optimal"
    fairness_status: str = ""


def solve(
    problem: Problem,
    *,
    method: Method = Method.optimal,
    fill_unranked: bool = False,
    max_placements_first: bool = False,
    time_limit: float = 30.0,
    topic_ranks: bool = False,
    keep_ranks: bool = False,
    networking: Networking | None = None,
    fairness: Fairness = Fairness.none,
) -> Result:
    """Assign participants to workshops; see the module docstring for the methods.

    Raises ValueError on malformed input: unknown participant or workshop ids, a workshop ranked
    twice, duplicate ids, negative capacity, fixed seats that clash or exceed a capacity; or on
    options that do not go together (an unknown method or fairness included).
    """
    method, fairness = _known(Method, method), _known(Fairness, fairness)
    net = networking or Networking()
    _check_options(method, fairness, net, topic_ranks=topic_ranks, keep_ranks=keep_ranks)
    start = time.monotonic()
    prep = Prepared(problem, keep=keep_ranks)
    if method == Method.first_come:
        out = _Outcome(first_come(prep), path=method.value, optimal=False, status="heuristic")
    elif method == Method.weighted:
        out = _weighted(prep, time_limit)
    else:
        out = _rank_maximal(prep, net, fairness, max_placements_first, time_limit, topic_ranks=topic_ranks)
    filled = (
        []
        if not fill_unranked
        else fill_within_caps(prep, out.chosen, net)
        if net.caps
        else fill_free_seats(prep, out.chosen)
    )
    result = build_result(
        prep,
        out.chosen,
        method.value,
        filled=filled,
        optimal=out.optimal,
        status=out.status,
        objective=out.values,
        bound=out.bounds,
        seconds=time.monotonic() - start,
        topic_ranks=topic_ranks,
        path=out.path,
        fairness_status=out.fairness_status,
    )
    if net.caps and any(o.seats > max(o.cap, o.fixed) for o in report(problem, result.assignment, net).over_cap):
        raise AssertionError("a cap exceeded by new seats")  # internal invariant
    if keep_ranks and worse_off(problem, result.assignment):
        raise AssertionError("keep_ranks left someone worse off")  # internal invariant
    return result


def _known(kind: type[_E], value: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        raise ValueError(
            f"unknown {kind.__name__.lower()} {value!r}; expected one of {[k.value for k in kind]}"
        ) from None


def _check_options(method: Method, fairness: Fairness, net: Networking, *, topic_ranks: bool, keep_ranks: bool) -> None:
    if (net.active or fairness != Fairness.none) and method != Method.optimal:
        raise ValueError("networking and fairness options are only implemented for method='optimal'")
    if net.caps and keep_ranks:
        raise ValueError("caps per organization or partnership cannot be combined with keep_ranks=True")
    if topic_ranks and method == Method.weighted:  # first come: the same list, read by topic
        raise ValueError("topic_ranks=True is only implemented for method='optimal' (and 'first_come')")
    if keep_ranks and (method != Method.optimal or topic_ranks):
        raise ValueError("keep_ranks=True is only implemented for method='optimal' with session ranks")


def _weighted(prep: Prepared, time_limit: float) -> _Outcome:
    """One optimum of the Borda weights: a min-cost flow, or LPs when a topic may repeat."""
    kmax = int(prep.arc_rank.max()) if len(prep.arc_rank) else 0
    kmax = max(kmax, max((len(x) for x in prep.prefs), default=0))
    weights = kmax - prep.arc_rank + 1
    if not prep.topic_groups():
        chosen, value = weighted_flow(prep, weights)
        return _Outcome(chosen, path="flow", values=[value], bounds=[value])
    a, b = base_rows(prep)
    out = solve_stages(a, b, [weights], time_limit)
    return _Outcome(out.chosen, "lp", out.values, out.bounds, out.optimal, out.status)


def _rank_maximal(
    prep: Prepared,
    net: Networking,
    fairness: Fairness,
    max_placements_first: bool,
    time_limit: float,
    *,
    topic_ranks: bool,
) -> _Outcome:
    """``optimal``: the stages (placements first if asked, then rank 1, 2, ...) on the fastest exact path."""
    arc_rank = prep.topic_arc_rank() if topic_ranks else prep.arc_rank
    extended = net.active or fairness != Fairness.none
    stages = [np.ones(len(arc_rank), np.int64)] if max_placements_first else []
    stages += [(arc_rank == r).astype(np.int64) for r in np.unique(arc_rank) if r > 0]
    if prep.keep and np.any(arc_rank == 0):  # unranked current seats: kept or improved, never lost
        stages.append((arc_rank == 0).astype(np.int64))
    a_eq = covered_rows(prep) if prep.keep else None
    if extended:
        a, b = base_rows(prep)
        model, ranks, fairness_status = optimise(prep, a, b, stages, arc_rank, net, fairness, time_limit, a_eq=a_eq)
        out = _Outcome(model.outcome(len(prep.arc_participant)).chosen, "lp", ranks.values, ranks.bounds)
        out.optimal, out.status, out.fairness_status = ranks.optimal, ranks.status, fairness_status
        return _unless_nothing_finished(prep, out, lambda: first_come_within_caps(prep, net))
    inst = detect_topic_instance(prep) if topic_ranks else None
    if inst is not None:
        chosen, values = solve_topic_level(prep, inst, arc_rank, max_placements_first)
        return _Outcome(chosen, "topic_flow_dewerra", values, values)
    if not prep.topic_groups():
        staged = StagedFlow(prep)
        values = [float(staged.stage(s)) for s in stages]
        return _Outcome(staged.chosen(), "flow", values, values)
    a, b = base_rows(prep)
    lp = solve_stages(a, b, stages, time_limit, a_eq=a_eq)
    out = _Outcome(lp.chosen, "lp", lp.values, lp.bounds, lp.optimal, lp.status)
    return _unless_nothing_finished(prep, out, lambda: first_come(prep))


def _unless_nothing_finished(prep: Prepared, out: _Outcome, fallback: Callable[[], np.ndarray]) -> _Outcome:
    """No stage finished in time: with ``keep_ranks`` nobody moves; otherwise the baseline."""
    if out.values:
        return out
    if prep.keep:
        out.chosen, out.status = prep.current_arcs(), out.status + "; current seats kept"
    else:
        out.chosen, out.status = fallback(), out.status + "; first_come fallback"
    return out


def first_come(prep: Prepared) -> np.ndarray:
    """Registration order; each participant takes every best still-possible choice (arc indices)."""
    free = prep.free.copy()
    slot_of, topic_of = prep.ws_slot, prep.topic
    chosen: list[int] = []
    arcs_of: list[list[int]] = [[] for _ in prep.participant_ids]
    for a, i in enumerate(prep.arc_participant.tolist()):
        arcs_of[i].append(a)  # arcs are built in preference order
    for arcs in arcs_of:
        slots, topics = set(), set()
        for a in arcs:
            j = int(prep.arc_workshop[a])
            if free[j] > 0 and slot_of[j] not in slots and topic_of[j] not in topics:
                free[j] -= 1
                slots.add(slot_of[j])
                topics.add(topic_of[j])
                chosen.append(a)
    return np.array(chosen, dtype=np.int64)
