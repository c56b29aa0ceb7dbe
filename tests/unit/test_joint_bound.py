"""Joint mode at scale: ballot types, the Lagrangian bound (valid, as tight as the LP) and the gap."""

import random

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

import app.assignment.solver.joint as joint
from app.assignment.solver.joint import choose_topics_and_assign
from tests.unit.test_assignment_joint import brute_joint, check_joint, random_approvals


def zipf_approvals(seed, n_people, n_topics, lo, hi):
    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, n_topics + 1)
    w = w[rng.permutation(n_topics)] / w.sum()
    return {
        p: set(rng.choice(n_topics, size=int(rng.integers(lo, hi + 1)), replace=False, p=w).tolist())
        for p in range(n_people)
    }


def lp_value(appr, n_t, rooms, k):
    """LP relaxation, one variable per person and per (topic, room): independent of the solver's model."""
    caps = sorted(rooms, reverse=True)[:k]
    n_r = len(caps)
    pairs = [(p, t) for p in sorted(appr) for t in sorted(appr[p])]
    n_y = n_t * n_r
    rows, cols, vals, ub = [], [], [], []

    def add(entries, bound):
        for c, v in entries:
            rows.append(len(ub))
            cols.append(c)
            vals.append(v)
        ub.append(bound)

    for t in range(n_t):
        add([(t * n_r + r, 1) for r in range(n_r)], 1)
    for r in range(n_r):
        add([(t * n_r + r, 1) for t in range(n_t)], 1)
    for p in appr:
        add([(n_y + a, 1) for a, (q, _) in enumerate(pairs) if q == p], 1)
    for t in range(n_t):
        seats = [(n_y + a, 1) for a, (_, u) in enumerate(pairs) if u == t]
        add(seats + [(t * n_r + r, -caps[r]) for r in range(n_r)], 0)
    for a, (_, t) in enumerate(pairs):
        add([(n_y + a, 1)] + [(t * n_r + r, -1) for r in range(n_r)], 0)
    a_ub = sparse.csr_matrix((vals, (rows, cols)), shape=(len(ub), n_y + len(pairs)))
    res = linprog(
        np.concatenate([np.zeros(n_y), -np.ones(len(pairs))]), A_ub=a_ub, b_ub=ub, bounds=(0, 1), method="highs"
    )
    assert res.status == 0
    return -res.fun


def instance(appr, n_t, rooms, k):
    people = sorted(appr)
    by = {}
    for p in people:
        if appr[p]:
            by.setdefault(tuple(sorted(appr[p])), []).append(p)
    ballots = sorted(by)
    inst = joint._Types(
        mult=np.array([len(by[b]) for b in ballots], dtype=np.int64),
        tp=np.array([i for i, b in enumerate(ballots) for _ in b], dtype=np.int64),
        tt=np.array([t for b in ballots for t in b], dtype=np.int64),
        n_topics=n_t,
    )
    return inst, np.array(sorted(rooms, reverse=True)[:k], dtype=np.int64)


@pytest.mark.parametrize("seed", range(40))
def test_lagrangian_bound_is_valid_on_small_instances(seed):
    rng = random.Random(seed)
    n_t = rng.randint(1, 5)
    rooms = [rng.randint(0, 3) for _ in range(rng.randint(1, 3))]
    k = rng.randint(0, len(rooms))
    appr = random_approvals(rng, rng.randint(1, 6), n_t)
    best = brute_joint(appr, n_t, rooms, k)
    inst, caps = instance(appr, n_t, rooms, k)
    bound, _ = joint._lagrangian(inst, caps, 0, float("inf"), 300, 0.0)
    assert bound >= best
    local = choose_topics_and_assign(appr, list(range(n_t)), rooms, k, method="local")
    check_joint(appr, rooms, k, local)
    assert local.covered <= best <= local.bound


@pytest.mark.parametrize(
    ("seed", "n_people", "n_topics", "most", "rooms"),
    [
        (1, 400, 20, 3, [60] * 5),
        (5, 500, 25, 3, list(range(30, 150, 20))),
        (10, 400, 25, 2, [50] * 6),
        (11, 300, 20, 2, [20, 30, 40, 50, 60, 70]),
    ],
)
def test_lagrangian_bound_reaches_the_lp_relaxation(seed, n_people, n_topics, most, rooms):
    # instances where the capacity bound (all topics open with the largest room) is not tight
    appr = zipf_approvals(seed, n_people, n_topics, 1, most)
    lp = lp_value(appr, n_topics, rooms, len(rooms))
    inst, caps = instance(appr, n_topics, rooms, len(rooms))
    assert joint._relaxed_bound(inst, caps) > lp + 5
    local = choose_topics_and_assign(appr, list(range(n_topics)), rooms, method="local")
    for target in (0, local.covered):
        bound, _ = joint._lagrangian(inst, caps, target, float("inf"), 3000, 0.0)
        assert np.floor(lp + 1e-6) <= bound <= lp + max(1.0, 0.003 * lp)
    assert local.bound <= lp + max(1.0, 0.003 * lp)


def test_at_scale_within_one_percent_of_the_bound():
    # 3,000 voters, 60 topics, 12 rooms of different sizes: the swap search with the Lagrangian
    # bound; iteration caps (not the clock) end it, so the figures are the same on every machine.
    appr = zipf_approvals(7, 3000, 60, 1, 4)
    rooms = [int(c) for c in np.linspace(100, 400, 12)]
    res = choose_topics_and_assign(appr, list(range(60)), rooms, method="local", time_limit=600)
    check_joint(appr, rooms, 12, res)
    assert res.covered <= res.bound and res.gap <= 0.01 and "Lagrangian" in res.status
    relaxed = joint._relaxed_bound(*instance(appr, 60, rooms, 12))
    assert res.bound < 0.95 * relaxed  # the old bound alone would report a gap over 10%
    again = choose_topics_and_assign(appr, list(range(60)), rooms, method="local", time_limit=600)
    assert (again.assignment, again.bound) == (res.assignment, res.bound)


def test_ballot_types_keep_every_person_and_their_order():
    # Eight people with two ballots and one room of 5: within a ballot type the lowest ids are seated.
    appr = {p: {"a"} for p in (9, 3, 7, 1)} | {p: {"a", "b"} for p in (8, 2, 6, 4)}
    res = choose_topics_and_assign(appr, ["a", "b"], [5], method="local")
    assert res.covered == 5 and res.bound == 5 and res.optimal and set(res.assignment.values()) == {"a"}
    for members in ([1, 3, 7, 9], [2, 4, 6, 8]):
        seated = [p for p in members if p in res.assignment]
        assert seated == members[: len(seated)]
    milp = choose_topics_and_assign(appr, ["a", "b"], [5], method="milp")
    assert milp.covered == 5 and milp.optimal
