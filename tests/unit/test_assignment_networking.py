"""Caps per organization / partnership and keeping partnerships together, against brute force.

Definitions: app/assignment/solver/networking.py. The result must be rank-maximal among the
assignments within the caps (fixed seats may exceed a cap on their own, never new seats), then
have the most partner pairs sharing a workshop (``keep_partnerships_together``), then be the
fairest (``fairness="leximin"``).
"""

from __future__ import annotations

import random

import pytest

from app.assignment.solver.algorithm import Problem, Workshop, solve
from app.assignment.solver.networking import Networking, report
from tests.unit.test_assignment_fairness import (
    check_leximin,
    feasible,
    random_problem,
    report_over,
    signature,
)


def random_groups(rng: random.Random, problem: Problem) -> tuple[dict[int, str], dict[int, str]]:
    org = {p: rng.choice("ab") for p in problem.participants if rng.random() < 0.9}
    part = {p: rng.choice("xy") for p in problem.participants if rng.random() < 0.8}
    return org, part


@pytest.mark.parametrize("seed", range(150))
def test_caps_together_and_fairness_by_brute_force(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, people=4 if seed < 100 else 5, fixed_share=0.3)
    org, part = random_groups(rng, problem)
    net = Networking(
        organization=org,
        partnership=part,
        max_per_organization=rng.choice([None, 1, 2]),
        max_per_partnership=rng.choice([None, 1, 2]),
        keep_partnerships_together=rng.random() < 0.5,
    )
    fairness = rng.choice(["none", "leximin"])
    result = solve(problem, networking=net, fairness=fairness)
    assert not report_over(problem, result.assignment, net)
    fair = check_leximin(problem, result.assignment, net)  # asserts rank-maximal (+ together) within the caps
    if fairness == "leximin":
        assert fair and result.fairness_status == "optimal"
    figures = report(problem, result.assignment, net)
    assert all(o.cap < o.seats <= o.fixed for o in figures.over_cap)  # only fixed seats go over a cap
    # the caps can only cost rank-maximality: the unconstrained optimum is at least as good
    plain = solve(problem)
    assert signature(problem, plain.assignment) >= signature(problem, result.assignment)


def test_the_caps_are_what_the_brute_force_sees():
    # The check above must fail on a result that ignores the caps: on some instances the
    # unconstrained optimum breaks a cap, or is better than any assignment within them.
    hits = 0
    for seed in range(150):
        rng = random.Random(seed)
        problem = random_problem(rng, fixed_share=0.3)
        org, part = random_groups(rng, problem)
        net = Networking(organization=org, partnership=part, max_per_organization=1)
        plain = solve(problem)
        hits += report_over(problem, plain.assignment, net)
    assert hits > 0


def test_cap_spreads_an_organization_and_reports_the_cost():
    ws = [Workshop(1, 0, 4), Workshop(2, 0, 4)]
    problem = Problem(list(range(4)), ws, {p: [1, 2] for p in range(4)})
    net = Networking(organization={0: "a", 1: "a", 2: "a", 3: "b"}, max_per_organization=2)
    capped, free = solve(problem, networking=net), solve(problem)
    assert free.first_choice_share == 1.0 and report(problem, free.assignment, net).largest_organization_group == 3
    assert capped.first_choice_share == 0.75 and capped.per_workshop == {1: 3, 2: 1}
    assert report(problem, capped.assignment, net).largest_organization_group == 2


def test_fixed_seats_over_the_cap_are_kept_and_reported_never_infeasible():
    ws = [Workshop(1, 0, 5), Workshop(2, 0, 5)]
    problem = Problem(list(range(5)), ws, {p: [1, 2] for p in range(5)}, fixed={0: [1], 1: [1]})
    net = Networking(organization={p: "a" for p in range(5)}, max_per_organization=1)
    result = solve(problem, networking=net, fill_unranked=True)
    assert result.assignment[0] == [1] and result.assignment[1] == [1]  # fixed seats stay
    assert result.per_workshop == {1: 2, 2: 1}  # no new member of "a" in 1, one in 2, the rest left out
    over = report(problem, result.assignment, net).over_cap
    assert [(o.kind, o.group, o.workshop, o.seats, o.fixed, o.cap) for o in over] == [("organization", "a", 1, 2, 2, 1)]
    assert sorted(result.unassigned) == [3, 4]


def test_fill_unranked_keeps_the_caps():
    ws = [Workshop(1, 0, 3), Workshop(2, 0, 3)]
    problem = Problem(list(range(4)), ws, {0: [1]})
    net = Networking(partnership={p: "x" for p in range(4)}, max_per_partnership=2)
    result = solve(problem, networking=net, fill_unranked=True)
    assert result.per_workshop == {1: 2, 2: 2} and result.unassigned == []


def test_keep_together_never_costs_a_rank():
    # Partners 0 and 1 rank A and B in opposite orders, and so do 2 and 3 with C and D (another
    # slot): rank-maximality gives everyone their first, so the pairs stay apart, and that is reported.
    ws = [Workshop(1, 0, 2), Workshop(2, 0, 2), Workshop(3, 1, 2), Workshop(4, 1, 2)]
    problem = Problem(list(range(4)), ws, {0: [1, 2], 1: [2, 1], 2: [3, 4], 3: [4, 3]})
    net = Networking(partnership={0: "x", 1: "x", 2: "y", 3: "y"}, keep_partnerships_together=True)
    result = solve(problem, networking=net)
    assert result.rank_counts == [4, 0]
    figures = report(problem, result.assignment, net)
    assert (figures.pairs_together, figures.pairs_apart) == (0, 2)


def test_keep_together_chooses_among_rank_maximal_assignments():
    # Everyone ranks [C, A, B]; C (slot 1) holds all four, A and B (slot 0) two each: every split of
    # A/B is rank-maximal. Keep-together puts each partnership in one room, whatever the pairing;
    # without it the solver splits some pairing.
    ws = [Workshop(1, 0, 2), Workshop(2, 0, 2), Workshop(3, 1, 4)]
    problem = Problem(list(range(4)), ws, {p: [3, 1, 2] for p in range(4)})
    split = 0
    for x in ((0, 1), (0, 2), (0, 3)):
        groups = {p: "x" if p in x else "y" for p in range(4)}
        net = Networking(partnership=groups, keep_partnerships_together=True)
        together = solve(problem, networking=net)
        figures = report(problem, together.assignment, net)
        assert (figures.pairs_together, figures.pairs_apart) == (4, 0)  # each pair shares slot 0 and slot 1
        assert together.rank_counts == solve(problem).rank_counts
        split += report(problem, solve(problem).assignment, net).pairs_apart
    assert split > 0


def test_options_that_do_not_go_together():
    problem = Problem([1], [Workshop(1, 0, 1)], {1: [1]})
    with pytest.raises(ValueError):
        solve(problem, method="first_come", networking=Networking(max_per_organization=1))
    with pytest.raises(ValueError):
        solve(problem, keep_ranks=True, networking=Networking(max_per_partnership=1))
    with pytest.raises(ValueError):
        solve(problem, networking=Networking(max_per_partnership=0))


def test_enumeration_sees_every_assignment():
    # Guard of the brute force itself: 2 people, one slot with two rooms of one seat, both ranking both.
    ws = [Workshop(1, 0, 1), Workshop(2, 0, 1)]
    problem = Problem([1, 2], ws, {1: [1, 2], 2: [1, 2]})
    seen = {tuple(sorted((p, tuple(v)) for p, v in a.items())) for a in feasible(problem)}
    assert len(seen) == 7  # nobody, 1 alone (2 ways), 2 alone (2 ways), both (2 ways)
