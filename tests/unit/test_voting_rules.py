"""Hand-checkable cases for app.voting.rules (issue 7)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from app.voting.rules import DEFAULT_RULE, RULES, CommitteeResult, compute

A, B, C, D = 0, 1, 2, 3
APPROVAL_RULES = sorted(n for n, s in RULES.items() if "approval" in s.ballot_types)
PROPORTIONAL_APPROVAL = ["pav", "seq_pav", "seq_phragmen", "equal_shares", "cc"]

# The issue's example: a 100-voter bloc approves A, B, C; 50 voters approve only D.
BLOC = [{A, B, C}] * 100 + [{D}] * 50


def test_issue_example_approval_is_majoritarian() -> None:
    res = compute("approval", BLOC, 4, 3)
    assert res.winners == [A, B, C]
    assert res.scores == [100, 100, 100, 50]
    assert res.coverage == {A: 100, B: 100, C: 100}
    assert res.ballots == 150


@pytest.mark.parametrize("rule", PROPORTIONAL_APPROVAL)
def test_issue_example_proportional_rules_elect_d(rule: str) -> None:
    res = compute(rule, BLOC, 4, 3)
    assert sorted(res.winners) == [A, B, D]  # two seats for 2/3 of the voters, one for 1/3
    assert res.coverage[D] == 50 and res.scores == [100, 100, 100, 50]


def test_issue_example_election_orders() -> None:
    # seq-PAV: A (100), then B (50 from the bloc at weight 1/2) ties D (50) -> B, then D.
    assert compute("seq_pav", BLOC, 4, 3).winners == [A, B, D]
    # Equal shares: budget 3/150 each; A and B cost the bloc 1/100 each, D costs 1/50.
    assert compute("equal_shares", BLOC, 4, 3).winners == [A, B, D]
    # Chamberlin-Courant: after A only D's voters are unrepresented.
    assert compute("cc", BLOC, 4, 3).winners == [A, D, B]


def test_issue_example_ranked_stv_elects_d() -> None:
    ballots = [[A, B, C]] * 100 + [[D]] * 50
    assert compute("stv", ballots, 4, 3, "ranked").winners == [A, B, D]
    assert compute("borda", ballots, 4, 3, "ranked").winners == [A, B, D]  # D: 150 > C: 100


def test_stv_wikipedia_food_election() -> None:
    """en.wikipedia.org/wiki/Single_transferable_vote example: 20 voters, 3 seats, quota 6."""
    oranges, pears, chocolate, strawberries, hamburgers = range(5)
    ballots = (
        [[oranges]] * 4
        + [[pears, oranges]] * 2
        + [[chocolate, strawberries]] * 8
        + [[chocolate, hamburgers]] * 4
        + [[strawberries]]
        + [[hamburgers]]
    )
    res = compute("stv", ballots, 5, 3, "ranked")
    # chocolate 12 >= 6 (surplus 6 at 1/2); pears out -> oranges 6; hamburgers out -> strawberries
    assert res.winners == [chocolate, oranges, strawberries]
    assert res.scores == [4, 2, 12, 1, 1]  # first preferences
    assert res.coverage == {chocolate: 12, oranges: 6, strawberries: 9}


def test_stv_elimination_tie_removes_highest_index() -> None:
    # quota 2; tallies 1/1/1: candidate 2 is eliminated first, its vote moves to 0.
    res = compute("stv", [[0], [1], [2, 0]], 3, 1, "ranked")
    assert res.winners == [0]
    assert "{2, 1, 0} -> 2" in res.tie_break


def test_borda_partial_ballots_score_unranked_zero() -> None:
    # m = 4: positions score 3, 2, 1, 0; unranked candidates score 0.
    res = compute("borda", [[2, 0], [0, 1, 3, 2], [3]], 4, 2, "ranked")
    assert res.scores == [2 + 3, 2, 3 + 0, 1 + 3]
    assert res.winners == [0, 3]


def test_exact_pav_beats_sequential_pav() -> None:
    ballots = [{0, 1, 2}] * 6 + [{2, 3, 4}] * 5 + [{0, 1, 4}] * 4 + [{1, 3}] * 3
    # PAV score of {0,1,2,3} = 6*11/6 + 5*3/2 + 4*3/2 + 3*3/2 = 29 > 28.83 for {0,1,2,4}
    assert sorted(compute("pav", ballots, 5, 4).winners) == [0, 1, 2, 3]
    assert compute("pav", ballots, 5, 4).rule == "pav"
    assert sorted(compute("seq_pav", ballots, 5, 4).winners) == [0, 1, 2, 4]


def test_exact_pav_tie_takes_lexicographically_smallest() -> None:
    ballots = [{1, 2}] * 5 + [{0, 2, 3}] * 4 + [{0, 3, 4}] * 4 + [{1, 4}] * 3
    assert compute("pav", ballots, 5, 2).winners == [0, 1]  # {0,1} and {2,4} both score 16
    assert sorted(compute("seq_pav", ballots, 5, 2).winners) == [2, 4]


def test_exact_pav_falls_back_to_sequential_when_large() -> None:
    from app.voting.rules.pav import pav

    res = pav(BLOC, 4, 3, max_slots=1)
    assert res.rule == "seq_pav" and sorted(res.winners) == [A, B, D]
    assert "sequential PAV used" in res.tie_break


def test_equal_shares_completion_with_seq_phragmen() -> None:
    # budget 4/150 each: A, B (bloc pays 1/100 each), D (1/50); C is then unaffordable
    # (bloc has 2/300 each left) and seq-Phragmén completes with C.
    assert compute("equal_shares", BLOC, 4, 4).winners == [A, B, D, C]


def test_seq_phragmen_loads() -> None:
    # 0: 3 voters -> load 1/3; then 1 (voters 2 and 3: (1/3 + 1) / 2 = 2/3) beats 2 (1 voter: 1)
    ballots = [{0}, {0}, {0, 1}, {1}, {2}]
    assert compute("seq_phragmen", ballots, 3, 2).winners == [0, 1]


@pytest.mark.parametrize("rule", APPROVAL_RULES)
def test_all_tied_elects_lowest_indices(rule: str) -> None:
    res = compute(rule, [{0, 1, 2, 3}] * 3, 4, 2)
    assert sorted(res.winners) == [0, 1]
    assert "lowest" in res.tie_break


def test_tie_break_text_reports_ties() -> None:
    assert "ties resolved: {1, 2} -> 1" in compute("approval", [{0}, {0}, {1}, {2}], 3, 2).tie_break
    assert "no ties occurred" in compute("approval", [{0}, {0}, {1}], 3, 2).tie_break


@pytest.mark.parametrize("rule", sorted(RULES))
def test_deterministic_and_ballot_order_independent(rule: str) -> None:
    rng = random.Random(3)
    ballots = [rng.sample(range(8), rng.randint(1, 5)) for _ in range(60)]
    kind = "ranked" if "approval" not in RULES[rule].ballot_types else "approval"
    first = compute(rule, ballots, 8, 3, kind)
    shuffled = ballots[:]
    rng.shuffle(shuffled)
    assert compute(rule, ballots, 8, 3, kind) == first
    assert set(compute(rule, shuffled, 8, 3, kind).winners) == set(first.winners)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_no_ballots_elects_lowest_indices(rule: str) -> None:
    res = compute(rule, [], 5, 2, "ranked")
    assert sorted(res.winners) == [0, 1] and res.ballots == 0 and res.scores == [0.0] * 5


@pytest.mark.parametrize("rule", sorted(RULES))
def test_seats_above_candidates_elects_everyone(rule: str) -> None:
    res = compute(rule, [[2, 0], [1]], 3, 10, "ranked")
    assert sorted(res.winners) == [0, 1, 2]
    assert compute(rule, [[]], 0, 2, "ranked").winners == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_empty_ballots_are_ignored(rule: str) -> None:
    ballots = [[0, 1], [2], [1]]
    res = compute(rule, ballots + [[], []], 3, 2, "ranked")
    assert res == compute(rule, ballots, 3, 2, "ranked")
    assert res.ballots == 3


def test_ranked_ballots_on_approval_rules_approve_all_ranked() -> None:
    ranked = [[1, 0], [2], [2, 1, 0]]
    for rule in APPROVAL_RULES:
        assert compute(rule, ranked, 3, 2, "ranked") == compute(rule, [set(b) for b in ranked], 3, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("approval", [[0]], 3, 0), "seats"),
        (("approval", [[0]], 3, -1), "seats"),
        (("approval", [[3]], 3, 1), "out of range"),
        (("approval", [[-1]], 3, 1), "out of range"),
        (("approval", [[0.5]], 3, 1), "integers"),
        (("approval", [["a"]], 3, 1), "integers"),
        (("approval", [1, 2], 3, 1), "iterable"),
        (("nope", [[0]], 3, 1), "unknown rule"),
        (("approval", [[0]], 3, 1, "score"), "unknown ballot type"),
        (("stv", [[0]], 3, 1, "approval"), "ranked"),
        (("stv", [[0, 1, 0]], 3, 1, "ranked"), "twice"),
        (("equal_shares", [[0, 0]], 3, 1, "ranked"), "twice"),
        (("borda", [{0, 1}], 3, 1, "ranked"), "sets"),
    ],
)
def test_invalid_input_raises_value_error(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute(*args)


def test_registry_and_defaults() -> None:
    assert set(RULES) >= {"approval", "pav", "seq_pav", "seq_phragmen", "equal_shares", "cc", "borda", "stv"}
    assert DEFAULT_RULE == {"approval": "equal_shares", "ranked": "stv"}
    assert RULES["stv"].ballot_types == {"ranked"} and RULES["pav"].ballot_types == {"approval", "ranked"}
    assert compute(None, BLOC, 4, 3).rule == "equal_shares"
    assert compute(None, [[0]], 2, 1, "ranked").rule == "stv"
    for name, spec in RULES.items():
        assert spec.name == name and spec.function.__doc__


def test_result_is_frozen() -> None:
    res = compute("approval", [[0]], 2, 1)
    assert isinstance(res, CommitteeResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.winners = [1]  # type: ignore[misc]


def test_issue_scale_elects_full_committees() -> None:
    """10,000 ballots, 100 topics, 10 seats: every rule fills the seats (timing: bench/bench_voting.py)."""
    rng = random.Random(1)
    ballots = [rng.sample(range(100), rng.randint(1, 12)) for _ in range(10_000)]
    for rule in ["approval", "seq_pav", "seq_phragmen", "equal_shares", "cc", "borda", "stv"]:
        kind = "ranked" if rule in ("borda", "stv") else "approval"
        res = compute(rule, ballots, 100, 10, kind)
        assert len(res.winners) == 10 and len(set(res.winners)) == 10, rule
