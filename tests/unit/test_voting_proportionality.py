"""EJR / PJR checks (app.voting.rules.proportionality) against the definitions, by brute force
over every group of voters on small random profiles, plus known cases from the literature."""

from __future__ import annotations

import random
import time

import pytest

from app.voting.rules import compute
from app.voting.rules.proportionality import Witness, check


def brute_force(ballots: list[set[int]], committee: list[int]) -> tuple[bool, bool]:
    """(EJR, PJR) straight from the definitions: every non-empty group S of voters and every l."""
    voters = [set(b) for b in ballots if b]
    n, k, w = len(voters), len(set(committee)), set(committee)
    ejr = pjr = True
    for mask in range(1, 1 << n):
        group = [voters[i] for i in range(n) if mask >> i & 1]
        common = set.intersection(*group)
        for ell in range(1, k + 1):
            if len(group) * k < ell * n or len(common) < ell:
                continue
            if all(len(a & w) < ell for a in group):
                ejr = False
            if len(set.union(*group) & w) < ell:
                pjr = False
    return ejr, pjr


def assert_witness(ballots: list[set[int]], committee: list[int], witness: Witness | None, *, ejr: bool) -> None:
    """The witness really is a violation of the property (the group size, joint approval, winners)."""
    assert witness is not None
    voters = [set(b) for b in ballots if b]
    n, k, w = len(voters), len(set(committee)), set(committee)
    group = [voters[i] for i in witness.voters]
    assert len(set(witness.voters)) == len(witness.voters) >= 1
    assert len(witness.candidates) == witness.ell and len(group) * k >= witness.ell * n
    assert all(set(witness.candidates) <= a for a in group)
    if ejr:
        assert all(len(a & w) < witness.ell for a in group)
    else:
        assert len(set.union(*group) & w) < witness.ell


def random_profile(seed: int, max_voters: int = 9) -> tuple[list[set[int]], int]:
    rng = random.Random(seed)
    m = rng.randint(2, 7)
    n = rng.randint(1, max_voters)
    p = rng.choice([0.25, 0.4, 0.6])
    ballots = [{c for c in range(m) if rng.random() < p} for _ in range(n)]
    if not any(ballots):
        ballots[0] = {0}
    return ballots, m


@pytest.mark.parametrize("seed", range(300))
def test_matches_brute_force_on_random_committees(seed: int) -> None:
    ballots, m = random_profile(seed)
    rng = random.Random(-seed)
    k = rng.randint(1, m)
    committees = [
        rng.sample(range(m), k),
        compute("approval", ballots, m, k).winners,
        compute("cc", ballots, m, k).winners,
        compute("seq_phragmen", ballots, m, k).winners,
    ]
    for committee in committees:
        got = check(ballots, m, committee)
        assert (got.ejr, got.pjr) == brute_force(ballots, committee), (ballots, committee, got)
        if got.ejr is False:
            assert_witness(ballots, committee, got.ejr_witness, ejr=True)
        if got.pjr is False:
            assert_witness(ballots, committee, got.pjr_witness, ejr=False)
        assert got.ejr is not True or got.pjr is True  # EJR implies PJR


def test_approval_voting_fails_ejr_with_the_minority_as_witness() -> None:
    """The issue's bloc: 100 voters approve A, B, C; 50 only D; 3 seats. AV gives the bloc all
    three; the 50 D voters are n/k = 50 strong, approve D together and have no winner."""
    ballots = [{0, 1, 2}] * 100 + [{3}] * 50
    winners = compute("approval", ballots, 4, 3).winners
    assert sorted(winners) == [0, 1, 2]
    got = check(ballots, 4, winners)
    assert got.ejr is False and got.pjr is False
    assert got.ejr_witness == Witness(1, (3,), tuple(range(100, 150)))
    assert got.pjr_witness == Witness(1, (3,), tuple(range(100, 150)))
    for rule in ("equal_shares", "pav", "seq_phragmen"):
        fair = check(ballots, 4, compute(rule, ballots, 4, 3).winners)
        assert (fair.ejr, fair.pjr, fair.ejr_witness) == (True, True, None), rule


def test_pjr_without_ejr() -> None:
    """Four of eight voters (= 2n/k) approve a and b together; each has one winner (w1 or w2), so
    EJR (l = 2) fails, while the group as a whole has two winners, so PJR holds."""
    a, b, w1, w2, w3, w4 = range(6)
    ballots = [{a, b, w1}] * 2 + [{a, b, w2}] * 2 + [{w3, w4}] * 4
    committee = [w1, w2, w3, w4]
    assert brute_force(ballots, committee) == (False, True)
    got = check(ballots, 6, committee)
    assert (got.ejr, got.pjr) == (False, True)
    assert got.ejr_witness == Witness(2, (a, b), (0, 1, 2, 3)) and got.pjr_witness is None


def test_ejr_level_two_needs_two_winners_each() -> None:
    """Six voters, three seats: four (>= 2n/k) approve 0 and 1. Electing 0 only gives them
    one winner each: EJR and PJR fail at l = 2; electing 0 and 1 satisfies both."""
    ballots = [{0, 1}] * 4 + [{2, 3}] * 2
    assert check(ballots, 4, [0, 2, 3]).ejr_witness == Witness(2, (0, 1), (0, 1, 2, 3))
    assert check(ballots, 4, [0, 2, 3]).pjr is False
    assert (check(ballots, 4, [0, 1, 2]).ejr, check(ballots, 4, [0, 1, 2]).pjr) == (True, True)


@pytest.mark.parametrize("seed", range(120))
def test_proportional_rules_satisfy_what_theory_says(seed: int) -> None:
    """MES and exact PAV satisfy EJR; seq-Phragmén satisfies PJR (Brill et al.; Peters & Skowron)."""
    ballots, m = random_profile(seed, max_voters=30)
    k = random.Random(seed).randint(1, m)
    for rule in ("equal_shares", "pav"):
        got = check(ballots, m, compute(rule, ballots, m, k).winners)
        assert got.ejr is True and got.pjr is True, (rule, ballots, k, got)
    assert check(ballots, m, compute("seq_phragmen", ballots, m, k).winners).pjr is True


def seminar_profile(seed: int, voters: int = 150, topics: int = 20) -> list[set[int]]:
    """Three factions with their own favourite topics, 1-8 approvals each."""
    rng = random.Random(seed)
    favourites = [rng.sample(range(topics), 8) for _ in range(3)]
    ballots = []
    for _ in range(voters):
        fav = favourites[rng.choices(range(3), weights=[6, 3, 1])[0]]
        own = set(rng.sample(fav, rng.randint(1, 6)))
        if rng.random() < 0.3:
            own.add(rng.randrange(topics))
        ballots.append(own)
    return ballots


@pytest.mark.parametrize("rule", ["approval", "equal_shares", "seq_phragmen", "seq_pav", "cc"])
def test_seminar_size_is_decided_quickly(rule: str) -> None:
    for seed, seats in ((1, 5), (2, 10)):
        ballots = seminar_profile(seed)
        started = time.perf_counter()
        got = check(ballots, 20, compute(rule, ballots, 20, seats).winners)
        assert got.ejr is not None and got.pjr is not None
        assert time.perf_counter() - started < 1.0 and got.seconds < 1.0
        if rule == "equal_shares":
            assert got.ejr is True


def test_time_limit_gives_unknown_not_a_guess() -> None:
    """A search that cannot finish in the time given says None (not decided), never True/False."""
    rng = random.Random(5)
    topics, seats = 40, 20
    # 400 voters approving 12 of 40 topics each; a committee of the least approved topics
    ballots = [set(rng.sample(range(topics), 12)) for _ in range(400)]
    committee = list(range(topics - seats, topics))
    got = check(ballots, topics, committee, time_limit=0.0)
    assert got.ejr is None and got.pjr is None and got.ejr_witness is None


def test_empty_input_is_trivially_proportional() -> None:
    assert (check([], 3, []).ejr, check([], 3, []).pjr) == (True, True)
    assert check([set(), {0}], 2, [1]).ejr is False  # the empty ballot is not counted: n = 1
