"""Joint mode (choose topics and assign) and the MILP path of the staged solver."""

import itertools
import random

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import app.assignment.solver.lex as lex
from app.assignment.solver.algorithm import Problem, Workshop, solve
from app.assignment.solver.joint import choose_topics_and_assign
from tests.unit.test_assignment import brute_force, check_feasible


def random_approvals(rng, n_p, n_t):
    return {p: set(rng.sample(range(n_t), rng.randint(0, min(3, n_t)))) for p in range(n_p)}


def brute_joint(appr, n_t, rooms, k):
    """Max covered over every topic set of size <= k and every room assignment (seat matching)."""
    best = 0
    people = sorted(appr)
    for size in range(0, k + 1):
        for ts in itertools.combinations(range(n_t), size):
            for rs in itertools.permutations(range(len(rooms)), size):
                seats = [t for t, r in zip(ts, rs, strict=False) for _ in range(rooms[r])]
                if not seats or not people:
                    continue
                gain = np.array([[1 if t in appr[p] else 0 for t in seats] for p in people])
                rows, cols = linear_sum_assignment(-gain)
                best = max(best, int(gain[rows, cols].sum()))
    return best


def check_joint(appr, rooms, k, res):
    assert len(res.topics) <= k and set(res.rooms) == set(res.topics)
    assert len(set(res.rooms.values())) == len(res.rooms)
    load = {}
    for p, t in res.assignment.items():
        assert t in appr[p] and t in res.topics
        load[t] = load.get(t, 0) + 1
    assert all(n <= rooms[res.rooms[t]] for t, n in load.items())
    assert res.covered == len(res.assignment) <= res.bound


@pytest.mark.parametrize("seed", range(40))
def test_joint_milp_matches_brute_force(seed):
    rng = random.Random(seed)
    n_t = rng.randint(1, 5)
    rooms = [rng.randint(0, 3) for _ in range(rng.randint(1, 3))]
    k = rng.randint(0, len(rooms))
    appr = random_approvals(rng, rng.randint(1, 6), n_t)
    res = choose_topics_and_assign(appr, list(range(n_t)), rooms, k, method="milp")
    check_joint(appr, rooms, k, res)
    assert res.optimal and res.covered == brute_joint(appr, n_t, rooms, k)
    local = choose_topics_and_assign(appr, list(range(n_t)), rooms, k, method="local")
    check_joint(appr, rooms, k, local)
    assert local.covered <= res.covered


def test_joint_topic_labels_rooms_and_initial():
    appr = {1: {"ai", "web"}, 2: {"ai"}, 3: {"ai"}, 4: {"web"}, 5: {"db"}, 6: {"db"}}
    res = choose_topics_and_assign(appr, ["web", "ai", "db"], rooms=[1, 3], k=2)
    assert res.optimal and res.covered == 4 and res.rooms["ai"] == 1
    loc = choose_topics_and_assign(appr, ["web", "ai", "db"], rooms=[1, 3], k=2, initial=["web", "db"], method="local")
    check_joint(appr, [1, 3], 2, loc)
    assert loc.covered == 4 and loc.evaluations > 1
    again = choose_topics_and_assign(
        appr, ["web", "ai", "db"], rooms=[1, 3], k=2, initial=["web", "db"], method="local"
    )
    assert again.assignment == loc.assignment


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(approvals={1: {"x"}}, topics=["a"], rooms=[1]),  # unknown topic
        dict(approvals={}, topics=["a", "a"], rooms=[1]),  # duplicate topic
        dict(approvals={}, topics=["a"], rooms=[1], k=2),  # more topics than rooms
        dict(approvals={}, topics=["a"], rooms=[-1]),
        dict(approvals={}, topics=["a"], rooms=[1], method="magic"),
    ],
)
def test_joint_invalid(kwargs):
    with pytest.raises(ValueError):
        choose_topics_and_assign(**kwargs)


def coupled_problem(seed):
    rng = random.Random(seed)
    n_slots = rng.randint(2, 3)
    ws = [
        Workshop(10 + j, rng.randrange(n_slots), rng.randint(1, 2), rng.choice("AB")) for j in range(rng.randint(3, 5))
    ]
    ids = [w.id for w in ws]
    prefs = {p: rng.sample(ids, rng.randint(2, min(4, len(ids)))) for p in range(rng.randint(2, 4))}
    return Problem(list(prefs), ws, prefs)


@pytest.mark.parametrize("seed", [1539, 1715, 2069, 2397, 2453] + list(range(30)))
def test_repeated_topics_exact_including_milp_path(seed, monkeypatch):
    calls = []
    real = lex.milp
    monkeypatch.setattr(lex, "milp", lambda *a, **k: calls.append(1) or real(*a, **k))
    pr = coupled_problem(seed)
    best_sig, best_w, best_card = brute_force(pr)
    res, w = solve(pr), solve(pr, method="weighted")
    card = solve(pr, max_placements_first=True)
    for r in (res, w, card):
        check_feasible(pr, r)
        assert r.optimal
    assert res.rank_counts == best_sig and w.objective[0] == best_w
    assert (card.placements, card.rank_counts) == best_card
    if seed > 1000:
        assert calls, "this instance has a fractional LP stage"


@pytest.mark.parametrize("time_limit", [0.0, 30.0])
def test_time_limit_keeps_result_feasible_and_reported(time_limit):
    rng = np.random.default_rng(0)
    ws = [Workshop(j, j % 3, 5, j // 3) for j in range(30)]
    prefs = {p: [int(x) for x in rng.permutation(30)[:8]] for p in range(200)}
    pr = Problem(list(range(200)), ws, prefs)
    for method in ("optimal", "weighted"):
        res = solve(pr, method=method, time_limit=time_limit)
        check_feasible(pr, res)
        assert res.gap >= 0 and len(res.objective) == len(res.bound)
        assert all(v <= b + 1e-9 for v, b in zip(res.objective, res.bound, strict=False))
        assert res.optimal == (res.status == "optimal")
