"""Scheduling topics into slots (app/assignment/solver/schedule.py) against brute force."""

import functools
import itertools
import random

import pytest

import app.assignment.solver.schedule as schedule
from app.assignment.solver.schedule import schedule_topics


def layouts(n_t, rooms):
    """Every way to put distinct topics (or nothing) in the rooms of one slot."""
    for choice in itertools.product([None, *range(n_t)], repeat=len(rooms)):
        used = [t for t in choice if t is not None]
        if len(used) == len(set(used)):
            yield choice


def seated(appr, slots, blocked, sessions):
    """Best (people served, pairs served) for fixed sessions [(slot, room, topic)], by dynamic programming."""
    people = sorted(appr)
    caps0 = tuple(slots[s][r] for s, r, _ in sessions)

    def options(p):
        per_slot = [
            [None]
            + [k for k, (s2, _, t) in enumerate(sessions) if s2 == s and t in appr[p] and s not in blocked.get(p, ())]
            for s in range(len(slots))
        ]
        for pick in itertools.product(*per_slot):
            ks = [k for k in pick if k is not None]
            if len({sessions[k][2] for k in ks}) == len(ks):
                yield ks

    @functools.cache
    def dp(idx, caps):
        if idx == len(people):
            return (0, 0)
        out = (0, 0)
        for ks in options(people[idx]):
            if all(caps[k] > 0 for k in ks):
                sub = dp(idx + 1, tuple(c - (k in ks) for k, c in enumerate(caps)))
                out = max(out, (sub[0] + (1 if ks else 0), sub[1] + len(ks)))
        return out

    return dp(0, caps0)


def brute(appr, n_t, slots, blocked):
    """Best (people served, pairs served), lexicographically, over every layout and every seating."""
    best = (0, 0)
    for layout in itertools.product(*(layouts(n_t, rooms) for rooms in slots)):
        sessions = [(s, r, t) for s, choice in enumerate(layout) for r, t in enumerate(choice) if t is not None]
        best = max(best, seated(appr, slots, blocked, sessions))
    return best


def check(appr, slots, blocked, res):
    rooms_used = {(s, r) for s, r, _ in res.sessions}
    assert len(rooms_used) == len(res.sessions)
    running = {(s, t): r for s, r, t in res.sessions}
    assert len(running) == len(res.sessions)  # a topic at most once per slot
    load = {}
    for p, timetable in res.assignment.items():
        slots_of = [s for s, _ in timetable]
        topics_of = [t for _, t in timetable]
        assert timetable and len(set(slots_of)) == len(slots_of) and len(set(topics_of)) == len(topics_of)
        for s, t in timetable:
            assert t in appr[p] and (s, t) in running and s not in blocked.get(p, ())
            load[(s, t)] = load.get((s, t), 0) + 1
    assert all(n <= slots[s][running[(s, t)]] for (s, t), n in load.items())
    assert all(load.get((s, t), 0) > 0 for s, _, t in res.sessions)  # no empty session is reported
    assert res.people_served == len(res.assignment) <= res.people_bound
    assert res.pairs_served == sum(len(v) for v in res.assignment.values())


def random_instance(seed):
    rng = random.Random(seed)
    n_t = rng.randint(1, 3)
    slots = [[rng.randint(0, 2) for _ in range(rng.randint(1, 2))] for _ in range(rng.randint(1, 2))]
    appr = {p: set(rng.sample(range(n_t), rng.randint(0, n_t))) for p in range(rng.randint(1, 5))}
    blocked = {p: {rng.randrange(len(slots))} for p in appr if rng.random() < 0.2}
    return appr, n_t, slots, blocked


@pytest.mark.parametrize("seed", range(60))
def test_schedule_matches_brute_force(seed):
    appr, n_t, slots, blocked = random_instance(seed)
    res = schedule_topics(appr, list(range(n_t)), slots, blocked=blocked)
    check(appr, slots, blocked, res)
    assert res.optimal and res.status == "optimal"
    assert (res.people_served, res.pairs_served) == brute(appr, n_t, slots, blocked)
    assert (res.people_bound, res.pairs_bound) == (res.people_served, res.pairs_served)


def test_people_first_then_pairs():
    # Rooms of 2 in two slots. a then b would serve 4 pairs but leave Cy out; people come first:
    # a or b (Ann, Ben) and c (Cy), 3 people and 3 pairs.
    appr = {1: {"a", "b"}, 2: {"a", "b"}, 3: {"c"}}
    res = schedule_topics(appr, ["a", "b", "c"], [[2], [2]])
    assert (res.people_served, res.pairs_served) == (3, 3)
    assert len(res.sessions) == 2 and "c" in {t for _, _, t in res.sessions}
    as_ints = {p: {"abc".index(t) for t in ts} for p, ts in appr.items()}
    assert brute(as_ints, 3, [[2], [2]], {}) == (3, 3)
    # a topic may run twice: two people want a, one seat per slot
    twice = schedule_topics({1: {"a"}, 2: {"a"}}, ["a"], [[1], [1]])
    assert twice.sessions == [(0, 0, "a"), (1, 0, "a")] and twice.people_served == 2


def test_blocked_slot_and_labels_are_kept():
    appr = {7: {"x"}, 8: {"x", "y"}}
    res = schedule_topics(appr, ["x", "y"], [[2], [2]], blocked={7: [0]})
    check(appr, [[2], [2]], {7: {0}}, res)
    assert res.assignment[7] == [(1, "x")] and res.people_served == 2 and res.pairs_served == 3


@pytest.mark.parametrize("seed", range(30))
def test_timetables_split_a_type_exactly(seed):
    rng = random.Random(seed)
    m, n_t, n_s = rng.randint(1, 5), rng.randint(1, 4), rng.randint(1, 3)
    edges = {}
    deg_t, deg_s = [0] * n_t, [0] * n_s
    for _ in range(rng.randint(0, 3 * m)):
        t, s = rng.randrange(n_t), rng.randrange(n_s)
        if deg_t[t] < m and deg_s[s] < m:
            edges[(t, s)] = edges.get((t, s), 0) + 1
            deg_t[t] += 1
            deg_s[s] += 1
    tables = schedule._timetables(edges, m)
    assert len(tables) == m
    got = {}
    for table in tables:
        assert len({t for t, _ in table}) == len(table) == len({s for _, s in table})
        for e in table:
            got[e] = got.get(e, 0) + 1
    assert got == edges
    assert sum(1 for table in tables if table) == min(m, sum(edges.values()))


@pytest.mark.parametrize("seed", range(30))
def test_people_served_by_fixed_sessions_is_a_max_flow(seed):
    appr, n_t, slots, blocked = random_instance(seed)
    rng = random.Random(seed)
    layout = [rng.choice(list(layouts(n_t, rooms))) for rooms in slots]
    sessions = [(s, r, t) for s, choice in enumerate(layout) for r, t in enumerate(choice) if t is not None]
    types = {}
    for p in sorted(appr):
        free = tuple(s for s in range(len(slots)) if s not in blocked.get(p, ()))
        if appr[p] and free:
            types.setdefault((tuple(sorted(appr[p])), free), []).append(p)
    # the flow puts the largest rooms to the most wanted sessions; with equal rooms per slot that is
    # no choice, so it must equal the best seating of exactly these sessions
    equal = [[max(rooms)] * len(rooms) for rooms in slots]
    reach = schedule._Reach([schedule._Type(ts, fs, m) for (ts, fs), m in sorted(types.items())], n_t, equal)
    chosen = {t * len(slots) + s for s, _, t in sessions}
    assert reach.flow(chosen)[0] == seated(appr, equal, blocked, sessions)[0]


def test_greedy_when_the_milp_finds_nothing(monkeypatch):
    class NoSolution:
        x = None

    monkeypatch.setattr(schedule, "milp", lambda *a, **k: NoSolution())
    rng = random.Random(5)
    appr = {p: set(rng.sample(range(4), rng.randint(1, 3))) for p in range(30)}
    slots = [[5, 3], [4, 4]]
    res = schedule_topics(appr, list(range(4)), slots, blocked={0: [1]})
    check(appr, slots, {0: {1}}, res)
    assert res.status == "sessions: slot by slot joint mode"
    assert 0 < res.people_served <= res.people_bound and res.pairs_served <= res.pairs_bound
    assert res.optimal == (res.people_served == res.people_bound and res.pairs_served == res.pairs_bound)


@pytest.mark.parametrize("seed", range(15))
def test_large_path_sessions_by_slot_seats_by_milp(seed, monkeypatch):
    monkeypatch.setattr(schedule, "MILP_MAX_X", 0)  # as if the instance were too large for one MILP
    appr, n_t, slots, blocked = random_instance(seed)
    res = schedule_topics(appr, list(range(n_t)), slots, blocked=blocked)
    check(appr, slots, blocked, res)
    assert (res.people_served, res.pairs_served) <= brute(appr, n_t, slots, blocked)
    if appr and any(appr.values()) and any(c for rooms in slots for c in rooms):
        assert "seats: MILP, optimal for these sessions" in res.status


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(approvals={1: {"x"}}, topics=["a"], slots=[[1]]),
        dict(approvals={}, topics=["a", "a"], slots=[[1]]),
        dict(approvals={}, topics=["a"], slots=[[-1]]),
    ],
)
def test_invalid(kwargs):
    with pytest.raises(ValueError):
        schedule_topics(**kwargs)
