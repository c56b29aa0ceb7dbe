"""Cross-check app.voting against abcvoting (a test-only reference, requirements-reference.txt).

Random small profiles, many seeds. abcvoting's resolute rules break ties in favour
of the lowest candidate index, as ours do, so resolute committees must be equal;
with ``resolute=False`` (all tie-breaking orders) ours must be one of the winners.
Exact-arithmetic algorithms are used so that ties are exact; no Gurobi licence is needed.
"""

from __future__ import annotations

import random

import pytest
from abcvoting import abcrules
from abcvoting.preferences import Profile

from app.voting.rules import compute

# our rule name -> (abcvoting rule id, algorithm)
PAIRS = {
    "approval": ("av", "standard"),
    "sav": ("sav", "standard"),
    "seq_pav": ("seqpav", "standard"),
    "cc": ("seqcc", "standard"),
    "seq_phragmen": ("seqphragmen", "standard-fractions"),
    "equal_shares": ("equal-shares", "standard-fractions"),
    "pav": ("pav", "brute-force"),
}
SEEDS = range(60)


def random_profile(seed: int) -> tuple[list[set[int]], int, int]:
    """A small random profile; some ballots empty, some candidates popular."""
    rng = random.Random(seed)
    m = rng.randint(3, 7)
    n = rng.randint(3, 14)
    popularity = [rng.random() for _ in range(m)]
    ballots = []
    for _ in range(n):
        p = rng.choice([0.2, 0.4, 0.6])
        ballots.append({c for c in range(m) if rng.random() < p * (0.5 + popularity[c])})
    if all(not b for b in ballots):
        ballots[0] = {0}
    k = rng.randint(1, m)
    return ballots, m, k


def reference(
    rule_id: str, algorithm: str, ballots: list[set[int]], m: int, k: int, resolute: bool
) -> list[frozenset[int]]:
    profile = Profile(m)
    profile.add_voters([b for b in ballots if b])  # our rules ignore empty ballots
    committees = abcrules.compute(rule_id, profile, k, algorithm=algorithm, resolute=resolute)
    return [frozenset(c) for c in committees]


@pytest.mark.parametrize("rule", sorted(PAIRS))
def test_resolute_committee_matches_abcvoting(rule: str) -> None:
    rule_id, algorithm = PAIRS[rule]
    for seed in SEEDS:
        ballots, m, k = random_profile(seed)
        ours = compute(rule, ballots, m, k)
        assert len(ours.winners) == k == len(set(ours.winners))
        (theirs,) = reference(rule_id, algorithm, ballots, m, k, resolute=True)
        assert frozenset(ours.winners) == theirs, f"seed {seed}: {ballots}, m={m}, k={k}"


@pytest.mark.parametrize("rule", sorted(PAIRS))
def test_committee_is_among_all_abcvoting_winners(rule: str) -> None:
    rule_id, algorithm = PAIRS[rule]
    for seed in range(1000, 1030):
        ballots, m, k = random_profile(seed)
        winners = reference(rule_id, algorithm, ballots, m, k, resolute=False)
        assert frozenset(compute(rule, ballots, m, k).winners) in winners, f"seed {seed}"


@pytest.mark.parametrize("rule", ["seq_pav", "seq_phragmen", "equal_shares", "cc"])
def test_larger_profiles_match_with_float_algorithms(rule: str) -> None:
    """A few bigger profiles (exact ties are rare); abcvoting's float algorithms for speed."""
    rule_id, algorithm = PAIRS[rule]
    if algorithm == "standard-fractions":
        algorithm = "float-fractions"
    for seed in range(5):
        rng = random.Random(seed)
        m, k = 12, 5
        ballots = [set(rng.sample(range(m), rng.randint(1, 4))) for _ in range(80)]
        (theirs,) = reference(rule_id, algorithm, ballots, m, k, resolute=True)
        assert frozenset(compute(rule, ballots, m, k).winners) == theirs, f"seed {seed}"
