"""Workshop assignment: pure functions on plain data (no web or database imports).

Entry point: ``solve(problem, method=...)``. Data types and metric definitions live in
``app.assignment.model`` (re-exported here); the joint "which topics run" mode lives in
``app.assignment.joint``.

Methods (all deterministic, all respecting: one workshop per participant and slot, room
capacity, never the same topic twice, fixed seats kept and counted):

``optimal`` (default)
    Rank-maximal: maximise the number of rank-1 placements; among those assignments maximise the
    number of rank-2 placements; and so on down the longest list. Each stage is restricted to
    the previous stage's optimal set by duality (complementary slackness), never by big-M
    weights, so every stage has costs in {0, 1}:
    * no participant can meet a topic twice (no repeated topic among their candidates): the
      slots are independent and each stage is a min-cost flow (``lexflow.StagedFlow``), exact;
      about 1 s at 10,000 people x 100 workshops x 3 slots x 5-10 choices;
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

``fill_unranked=True`` then gives every participant a free seat in each slot where they hold
nothing (people who ranked nothing, or whose choices were full): a max flow per slot, so the
number of seats filled is maximal. Those seats are listed in ``Result.filled`` as well.
"""

from __future__ import annotations

import time

import numpy as np

from app.assignment.flow import fill_free_seats, weighted_flow
from app.assignment.lex import base_rows, solve_stages
from app.assignment.lexflow import StagedFlow
from app.assignment.model import Prepared, Problem, Result, Workshop, build_result

__all__ = ["Problem", "Result", "Workshop", "METHODS", "solve", "first_come"]

METHODS = ("optimal", "weighted", "first_come")


def solve(problem: Problem, *, method: str = "optimal", fill_unranked: bool = False,
          max_placements_first: bool = False, time_limit: float = 30.0) -> Result:
    """Assign participants to workshops; see the module docstring for the methods.

    Raises ValueError on malformed input: unknown participant or workshop ids, a workshop ranked
    twice, duplicate ids, negative capacity, fixed seats that clash or exceed a capacity.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    start = time.monotonic()
    prep = Prepared(problem)
    optimal, status, values, bounds = True, "optimal", [], []
    if method == "first_come":
        chosen = first_come(prep)
        optimal, status = False, "heuristic"
    elif method == "weighted":
        kmax = int(prep.arc_rank.max()) if len(prep.arc_rank) else 0
        kmax = max(kmax, max((len(x) for x in prep.prefs), default=0))
        weights = kmax - prep.arc_rank + 1
        groups = prep.topic_groups()
        if not groups:
            chosen, value = weighted_flow(prep, weights)
            values, bounds = [value], [value]
        else:
            a, b = base_rows(prep)
            out = solve_stages(a, b, [weights], time_limit)
            chosen, values, bounds, optimal, status = out.chosen, out.values, out.bounds, out.optimal, out.status
    else:
        ranks = np.unique(prep.arc_rank)
        stages = [np.ones(len(prep.arc_rank), np.int64)] if max_placements_first else []
        stages += [(prep.arc_rank == r).astype(np.int64) for r in ranks]
        if not prep.topic_groups():
            net = StagedFlow(prep)
            values = bounds = [float(net.stage(s)) for s in stages]
            chosen = net.chosen()
        else:
            a, b = base_rows(prep)
            out = solve_stages(a, b, stages, time_limit)
            chosen, values, bounds, optimal, status = out.chosen, out.values, out.bounds, out.optimal, out.status
            if not values:  # no stage finished in time: fall back to the baseline
                chosen, status = first_come(prep), status + "; first_come fallback"
    filled = fill_free_seats(prep, chosen) if fill_unranked else []
    return build_result(prep, chosen, method, filled=filled, optimal=optimal, status=status,
                        objective=values, bound=bounds, seconds=time.monotonic() - start)


def first_come(prep: Prepared) -> np.ndarray:
    """Registration order; each participant takes every best still-possible choice (arc indices)."""
    free = prep.free.copy()
    slot_of, topic_of = prep.ws_slot, prep.topic
    chosen: list[int] = []
    arcs_of: list[list[int]] = [[] for _ in prep.pids]
    for a, i in enumerate(prep.arc_p.tolist()):
        arcs_of[i].append(a)  # arcs are built in preference order
    for i, arcs in enumerate(arcs_of):
        slots, topics = set(), set()
        for a in arcs:
            j = int(prep.arc_w[a])
            if free[j] > 0 and slot_of[j] not in slots and topic_of[j] not in topics:
                free[j] -= 1
                slots.add(slot_of[j])
                topics.add(topic_of[j])
                chosen.append(a)
    return np.array(chosen, dtype=np.int64)
