"""Fairness across slots (``solve(..., fairness="leximin")``), proved against brute force.

Tiny random instances are enumerated completely: every assignment of ranked workshops that keeps
capacity, one workshop per slot, one session per topic, blocked workshops and fixed seats. The
solver's result must be rank-maximal (the largest rank signature of all) AND leximin-optimal for
the regrets among the rank-maximal ones (definitions: app/assignment/solver/networking.py).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest

from app.assignment.solver.algorithm import Problem, Workshop, solve
from app.assignment.solver.networking import Networking, regrets, report

Assignment = dict[int, list[int]]


def feasible(problem: Problem, extra: Callable[[Assignment], bool] = lambda _: True) -> Iterator[Assignment]:
    """Every feasible assignment (fixed seats included) placing people only in workshops they ranked."""
    by_id = {w.id: w for w in problem.workshops}
    slots = sorted({w.slot for w in problem.workshops})
    options: list[list[tuple[int, ...]]] = []
    for p in problem.participants:
        fixed = list(problem.fixed.get(p, ()))
        busy = {by_id[w].slot for w in fixed}
        per_slot = []
        for s in slots:
            if s in busy:
                continue
            per_slot.append(
                [None]
                + [
                    w
                    for w in problem.preferences.get(p, ())
                    if by_id[w].slot == s and w not in problem.blocked.get(p, ())
                ]
            )
        choices = []
        for combo in itertools.product(*per_slot) if per_slot else [()]:
            seats = tuple(w for w in combo if w is not None) + tuple(fixed)
            topics = [by_id[w].topic if by_id[w].topic is not None else ("w", w) for w in seats]
            if len(set(topics)) == len(topics):
                choices.append(seats)
        options.append(choices)
    for pick in itertools.product(*options):
        load: dict[int, int] = {}
        for seats in pick:
            for w in seats:
                load[w] = load.get(w, 0) + 1
        if all(n <= by_id[w].capacity for w, n in load.items()):
            assignment = {p: sorted(seats) for p, seats in zip(problem.participants, pick, strict=True) if seats}
            if extra(assignment):
                yield assignment


def signature(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> tuple[int, ...]:
    """Placements at rank 1, 2, ... (rank-maximal: the lexicographically largest)."""
    longest = max((len(v) for v in problem.preferences.values()), default=0)
    counts = [0] * longest
    for p, seats in assignment.items():
        prefs = list(problem.preferences.get(p, ()))
        for w in seats:
            if w in prefs:
                counts[prefs.index(w)] += 1
    return tuple(counts)


def unfairness(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> tuple[int, ...]:
    """Regrets sorted from the largest down (leximin: the lexicographically smallest)."""
    return tuple(sorted(regrets(problem, assignment), reverse=True))


def random_problem(rng: random.Random, *, people: int = 4, fixed_share: float = 0.15) -> Problem:
    ws, wid = [], 1
    n_slots = rng.choice([1, 2, 2, 3])
    topics = list(range(3))
    for s in range(n_slots):
        for _ in range(rng.choice([1, 2, 2, 3])):
            topic = rng.choice(topics) if rng.random() < 0.3 else None
            if topic is not None and any(w.topic == topic and w.slot == s for w in ws):
                topic = None
            ws.append(Workshop(wid, s, rng.choice([0, 1, 1, 2]), topic))
            wid += 1
    prefs = {p: rng.sample([w.id for w in ws], rng.randint(0, min(4, len(ws)))) for p in range(people)}
    fixed: dict[int, list[int]] = {}
    load: dict[int, int] = {}
    for p in range(people):
        if rng.random() < fixed_share:
            w = rng.choice(ws)
            if load.get(w.id, 0) < w.capacity:
                fixed[p] = [w.id]
                load[w.id] = load.get(w.id, 0) + 1
    blocked = {p: [rng.choice(ws).id] for p in range(people) if rng.random() < 0.1}
    return Problem(list(range(people)), ws, prefs, fixed=fixed, blocked=blocked)


def check_leximin(problem: Problem, result_assignment: Assignment, net: Networking | None = None) -> bool:
    """Assert rank-maximality (+ keep-together), return whether the result is leximin among those."""
    net = net or Networking()

    def within(a: Assignment) -> bool:
        return not report_over(problem, a, net)

    every = list(feasible(problem, within))
    best = max(signature(problem, a) for a in every)
    assert signature(problem, result_assignment) == best
    pool = [a for a in every if signature(problem, a) == best]
    if net.keep_partnerships_together:
        top = max(report(problem, a, net).pairs_together for a in pool)
        assert report(problem, result_assignment, net).pairs_together == top
        pool = [a for a in pool if report(problem, a, net).pairs_together == top]
    fairest = min(unfairness(problem, a) for a in pool)
    assert unfairness(problem, result_assignment) >= fairest
    return unfairness(problem, result_assignment) == fairest


def report_over(problem: Problem, assignment: Assignment, net: Networking) -> bool:
    """Some (group, workshop) above its cap where the group's fixed seats do not already reach it."""
    fixed = {(p, w) for p, ws in problem.fixed.items() for w in ws}
    for groups, cap in ((net.organization, net.max_per_organization), (net.partnership, net.max_per_partnership)):
        if cap is None:
            continue
        count: dict[tuple[str, int], list[int]] = {}
        for p, seats in assignment.items():
            if p in groups:
                for w in seats:
                    count.setdefault((groups[p], w), []).append(p)
        for (_, w), members in count.items():
            held = sum((p, w) in fixed for p in members)
            if len(members) > max(cap, held):
                return True
    return False


@pytest.mark.parametrize("seed", range(180))
def test_leximin_is_rank_maximal_and_fairest_by_brute_force(seed):
    problem = random_problem(random.Random(seed), people=4 if seed < 120 else 5)
    result = solve(problem, fairness="leximin")
    assert check_leximin(problem, result.assignment), "not the fairest rank-maximal assignment"
    assert result.fairness_status == "optimal"
    plain = solve(problem)
    assert plain.rank_counts == result.rank_counts and plain.first_choice_share == result.first_choice_share


def test_the_brute_force_check_can_fail():
    # Without fairness the solver returns some rank-maximal assignment; on a share of instances it
    # is not the fairest, which the check above must notice.
    misses = 0
    for seed in range(120):
        problem = random_problem(random.Random(seed))
        misses += not check_leximin(problem, solve(problem).assignment)
    assert misses > 0


def test_nobody_gets_a_poor_choice_twice_while_another_gets_firsts_twice():
    # Two people, the same list [A, C, B, D]; A, B in slot 0, C, D in slot 1, one seat each. Every
    # rank-maximal assignment has ranks {1, 2, 3, 4}; leximin splits them (regrets 2 + 1 each side,
    # i.e. 3 and 3), instead of firsts for one (0 + 1) and the poor choices for the other (2 + 3).
    a, b, c, d = (Workshop(1, 0, 1), Workshop(2, 0, 1), Workshop(3, 1, 1), Workshop(4, 1, 1))
    problem = Problem([10, 11], [a, b, c, d], {10: [1, 3, 2, 4], 11: [1, 3, 2, 4]})
    fair = solve(problem, fairness="leximin")
    assert fair.rank_counts == [1, 1, 1, 1]
    assert sorted(regrets(problem, fair.assignment)) == [3, 3]
    assert sorted(map(sorted, fair.assignment.values())) == [[1, 4], [2, 3]]


def test_fairness_keeps_shares_on_a_larger_instance_and_is_not_worse():
    rng = random.Random(5)
    ws = [Workshop(1 + s * 4 + j, s, rng.randint(3, 8), None) for s in range(2) for j in range(4)]
    problem = Problem(list(range(40)), ws, {p: rng.sample([w.id for w in ws], 5) for p in range(40)})
    plain, fair = solve(problem), solve(problem, fairness="leximin")
    assert (plain.rank_counts, plain.placements) == (fair.rank_counts, fair.placements)
    assert unfairness(problem, fair.assignment) <= unfairness(problem, plain.assignment)
    assert sum(regrets(problem, fair.assignment)) == sum(regrets(problem, plain.assignment))


def test_options_are_checked():
    problem = Problem([1], [Workshop(1, 0, 1)], {1: [1]})
    with pytest.raises(ValueError):
        solve(problem, fairness="maximin")
    with pytest.raises(ValueError):
        solve(problem, method="weighted", fairness="leximin")
