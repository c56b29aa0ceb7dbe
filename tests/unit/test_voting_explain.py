"""Explained runs (app.voting.rules.explain): the same result as the plain rule, and rounds that
add up -- MES budgets, prices and payments replayed by hand, cross-checked with pabutools."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from app.voting.rules import RULES, compute, explain
from app.voting.rules.trace import EQUAL_SHARES, NOT_SEQUENTIAL, SEQUENTIAL, STV

A, B, C, D = 0, 1, 2, 3
BLOC = [{A, B, C}] * 100 + [{D}] * 50


def random_ranked(seed: int) -> tuple[list[list[int]], int, int]:
    rng = random.Random(seed)
    m = rng.randint(2, 8)
    ballots = [rng.sample(range(m), rng.randint(1, m)) for _ in range(rng.randint(1, 40))]
    return ballots, m, rng.randint(1, m + 1)


@pytest.mark.parametrize("seed", range(80))
def test_explained_result_is_the_plain_result(seed: int) -> None:
    ballots, m, seats = random_ranked(seed)
    approval = [set(b) for b in ballots]
    for name, spec in RULES.items():
        kind, given = ("approval", approval) if "approval" in spec.ballot_types else ("ranked", ballots)
        plain = compute(name, given, m, seats, kind)
        res, trace = explain(name, given, m, seats, kind)
        assert res == plain, name
        if trace.method in (SEQUENTIAL, STV):
            assert [s.candidate for s in trace.steps if s.phase != "eliminate"] == plain.winners, name
        if trace.method == EQUAL_SHARES:
            assert [s.candidate for s in trace.steps] == plain.winners
        if trace.method == NOT_SEQUENTIAL:
            assert trace.steps == [] and trace.totals is not None and len(trace.totals) == m


def test_equal_shares_bloc_rounds() -> None:
    res, trace = explain("equal_shares", BLOC, 4, 3)
    assert res.winners == [A, B, D] and trace.start_budget == pytest.approx(3 / 150)
    assert [(s.phase, s.candidate, s.price, len(s.payments)) for s in trace.steps] == [
        ("equal_shares", A, pytest.approx(0.01), 100),
        ("equal_shares", B, pytest.approx(0.01), 100),
        ("equal_shares", D, pytest.approx(0.02), 50),
    ]
    assert trace.steps[0].tied == (A, B, C) and trace.steps[0].values[D] == pytest.approx(0.02)
    assert {p.voter for p in trace.steps[2].payments} == set(range(100, 150))
    [c] = trace.not_bought
    assert (c.candidate, c.supporters, c.price) == (C, 100, None) and c.budget_left == pytest.approx(0)
    assert "no completion" in (trace.completion or "")


def mes_profiles() -> list[tuple[list[set[int]], int, int]]:
    out = []
    for seed in range(150):
        rng = random.Random(seed)
        m = rng.randint(2, 8)
        p = rng.choice([0.2, 0.4, 0.7])
        ballots = [{c for c in range(m) if rng.random() < p} for _ in range(rng.randint(1, 40))]
        out.append((ballots, m, rng.randint(1, m)))
    return out


@pytest.mark.parametrize(("ballots", "m", "k"), mes_profiles())
def test_equal_shares_rounds_add_up(ballots: list[set[int]], m: int, k: int) -> None:
    """Replay the budgets from the trace: every purchase costs exactly 1, nobody pays more than
    rho or more than she has, whoever pays less than rho spends all she has, and what the
    trace says of the topics not bought matches the replayed budgets."""
    voters = [b for b in ballots if b]
    res, trace = explain("equal_shares", ballots, m, k)
    if not voters:
        return
    budget = [trace.start_budget] * len(voters)
    assert trace.start_budget == pytest.approx(k / len(voters))
    bought = [s for s in trace.steps if s.phase == "equal_shares"]
    for step in bought:
        assert step.price == pytest.approx(min(step.values.values())) and step.candidate == step.tied[0]
        assert all(step.values[c] == pytest.approx(step.price) for c in step.tied)  # ties within tolerance
        assert {p.voter for p in step.payments} == {v for v, b in enumerate(voters) if step.candidate in b}
        assert sum(p.amount for p in step.payments) == pytest.approx(1.0)
        for p in step.payments:
            assert p.amount <= step.price + 1e-9 and p.amount <= budget[p.voter] + 1e-9
            if p.amount < step.price - 1e-9:
                assert p.amount == pytest.approx(budget[p.voter])  # paid all she had
            budget[p.voter] -= p.amount
    assert {b.candidate for b in trace.not_bought} == set(range(m)) - {s.candidate for s in bought}
    for item in trace.not_bought:
        held = sum(budget[v] for v, b in enumerate(voters) if item.candidate in b)
        assert item.budget_left == pytest.approx(held, abs=1e-9)
        assert item.supporters == sum(item.candidate in b for b in voters)
        if item.price is None:
            assert held < 1.0 + 1e-9  # could not pay its cost together
        else:
            assert len(bought) == k  # affordable: only the seats ran out
    completion = [s for s in trace.steps if s.phase in ("completion", "unsupported")]
    assert len(bought) + len(completion) == len(res.winners)
    assert (completion == []) == (len(bought) == len(res.winners))


@pytest.mark.parametrize("seed", range(40))
def test_equal_shares_phase_matches_pabutools(seed: int) -> None:
    """pabutools' Method of Equal Shares (no completion; exact fractions) buys exactly the topics
    of our `equal_shares` rounds, on unit costs with the seats as the budget."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import method_of_equal_shares

    rng = random.Random(seed)
    m = rng.randint(3, 9)
    weights = [rng.random() for _ in range(m)]
    ballots = [{c for c in range(m) if rng.random() < weights[c]} for _ in range(rng.randint(5, 60))]
    k = rng.randint(1, m)
    projects = [Project(f"{c:03d}", 1) for c in range(m)]  # names sort like indices: same tie-breaking
    instance = Instance(projects, budget_limit=Fraction(k))
    profile = ApprovalProfile([ApprovalBallot([projects[c] for c in b]) for b in ballots if b])
    theirs = {int(p.name) for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)}
    _, trace = explain("equal_shares", ballots, m, k)
    assert {s.candidate for s in trace.steps if s.phase == "equal_shares"} == theirs


def test_sequential_rounds_show_the_criterion() -> None:
    _, trace = explain("seq_pav", BLOC, 4, 3)
    assert trace.method == SEQUENTIAL
    assert [s.values for s in trace.steps] == [
        {A: 100, B: 100, C: 100, D: 50},
        {B: 50, C: 50, D: 50},
        {C: pytest.approx(100 / 3), D: 50},
    ]
    _, trace = explain("cc", BLOC, 4, 3)
    assert [s.candidate for s in trace.steps] == [A, D, B] and trace.steps[1].values == {B: 0, C: 0, D: 50}
    _, trace = explain("seq_phragmen", BLOC, 4, 3)
    first = trace.steps[0]
    assert first.price == pytest.approx(1 / 100) and len(first.payments) == 100
    # then B at (1 + 1) / 100 ties D at 1 / 50: B by the lowest index; then D
    assert trace.steps[1].candidate == B and trace.steps[1].tied == (B, C, D)
    assert trace.steps[2].candidate == D and trace.steps[2].values[D] == pytest.approx(1 / 50)


def test_stv_rounds_elect_and_eliminate() -> None:
    ballots = [[A, B, C]] * 100 + [[D]] * 50
    res, trace = explain("stv", ballots, 4, 3, "ranked")
    assert trace.method == STV and "38" in trace.summary
    assert [(s.phase, s.candidate) for s in trace.steps] == [("elect", A), ("elect", B), ("elect", D)]
    assert trace.steps[0].values == {A: 100, B: 0, C: 0, D: 50}
    res, trace = explain("stv", [[0], [1], [2, 0]], 3, 1, "ranked")
    assert [(s.phase, s.candidate) for s in trace.steps] == [("eliminate", 2), ("elect", 0)]


def test_non_sequential_rules_give_totals() -> None:
    _, trace = explain("approval", BLOC, 4, 3)
    assert trace.method == NOT_SEQUENTIAL and trace.totals == [100, 100, 100, 50]
    _, trace = explain("sav", [{A, B}, {A}], 2, 1)
    assert trace.totals == [1.5, 0.5]
    _, trace = explain("pav", BLOC, 4, 3)
    assert trace.method == NOT_SEQUENTIAL and "score is 200" in trace.summary  # {A, B, D}: 100 * 3/2 + 50
