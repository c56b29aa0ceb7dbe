"""Topic ranks (``solve(..., topic_ranks=True)``): the de Werra fast path against the general path
and brute force, and the exact detection of its preconditions."""

import itertools
import random

import pytest

from app.assignment.solver import algorithm
from app.assignment.solver.algorithm import Problem, Workshop, solve
from tests.unit.test_assignment import check_feasible

FAST = "topic_flow_dewerra"


def topic_problem(rng: random.Random, n_p: int, n_t: int, n_slots: int, max_cap: int = 3) -> Problem:
    """Every topic once per slot with one room size; each person lists whole topics, shuffled."""
    ws, sessions = [], {}
    for t in range(n_t):
        cap = rng.randint(0, max_cap)
        for s in range(n_slots):
            w = Workshop(100 + len(ws), s, cap, f"T{t}")
            ws.append(w)
            sessions.setdefault(t, []).append(w.id)
    rng.shuffle(ws)
    prefs = {}
    for p in range(n_p):
        if rng.random() < 0.9:
            topics = rng.sample(range(n_t), rng.randint(1, n_t))
            lst = [w for t in topics for w in rng.sample(sessions[t], n_slots)]
            if rng.random() < 0.5:  # sessions of a topic need not be adjacent: first one ranks it
                head, tail = lst[:n_slots], lst[n_slots:]
                rng.shuffle(tail)
                lst = head + tail
            prefs[p] = lst
    return Problem(list(range(n_p)), ws, prefs)


def expected_path(pr: Problem) -> str:
    """The fast path runs whenever there is a candidate arc (a listed workshop with a seat)."""
    cap = {w.id: w.capacity for w in pr.workshops}
    return FAST if any(cap[w] > 0 for lst in pr.preferences.values() for w in lst) else "flow"


def general(pr: Problem, monkeypatch, **kw):
    with monkeypatch.context() as m:
        m.setattr(algorithm, "detect_topic_instance", lambda prep: None)
        return solve(pr, topic_ranks=True, **kw)


def topic_rank(pr: Problem, p: int) -> dict[int, int]:
    ws = {w.id: w for w in pr.workshops}
    order: dict[object, int] = {}
    out = {}
    for w in pr.preferences.get(p, []):
        key = ws[w].topic if ws[w].topic is not None else ("own", w)
        out[w] = order.setdefault(key, len(order) + 1)
    return out


def brute_topic(pr: Problem):
    """(best topic-rank signature, best (placements, signature)) over all feasible assignments."""
    ws = {w.id: w for w in pr.workshops}
    topic = {w.id: w.topic if w.topic is not None else ("own", w.id) for w in ws.values()}
    held = {p: list(pr.fixed.get(p, [])) for p in pr.participants}
    ranks = {p: topic_rank(pr, p) for p in pr.participants}
    kmax = max((max(r.values(), default=0) for r in ranks.values()), default=0)
    options = []
    for p in pr.participants:
        lst = [
            w
            for w in pr.preferences.get(p, [])
            if not any(ws[w].slot == ws[h].slot or topic[w] == topic[h] for h in held[p])
        ]
        opts = [
            sub
            for r in range(len(lst) + 1)
            for sub in itertools.combinations(lst, r)
            if len({ws[w].slot for w in sub}) == r and len({topic[w] for w in sub}) == r
        ]
        options.append(opts)
    best_sig = best_card = None
    for combo in itertools.product(*options):
        load = {w: 0 for w in ws}
        for p, sub in zip(pr.participants, combo, strict=False):
            for w in list(sub) + held[p]:
                load[w] += 1
        if any(load[w] > ws[w].capacity for w in ws):
            continue
        sig = [0] * kmax
        for p, sub in zip(pr.participants, combo, strict=False):
            for w in list(sub) + held[p]:
                if w in ranks[p]:
                    sig[ranks[p][w] - 1] += 1
        card = (sum(load.values()), sig)
        best_sig = sig if best_sig is None or sig > best_sig else best_sig
        best_card = card if best_card is None or card > best_card else best_card
    return best_sig, best_card


@pytest.mark.parametrize("seed", range(200))
def test_fast_path_equals_general_path(seed, monkeypatch):
    rng = random.Random(seed)
    size = seed % 4
    pr = topic_problem(
        rng,
        n_p=[3, 12, 40, 120][size],
        n_t=rng.randint(1, [3, 5, 7, 10][size]),
        n_slots=rng.randint(1, 4),
        max_cap=[2, 3, 6, 20][size],
    )
    for kw in ({}, {"max_placements_first": True}):
        fast, ref = solve(pr, topic_ranks=True, **kw), general(pr, monkeypatch, **kw)
        assert fast.path == expected_path(pr) and ref.path in ("lp", "flow")
        check_feasible(pr, fast)
        check_feasible(pr, ref)
        assert fast.optimal and ref.optimal
        assert fast.rank_counts == ref.rank_counts and fast.placements == ref.placements
        assert fast.objective == ref.objective
        assert fast.first_choice_share == ref.first_choice_share  # top3_share may differ among optima
    filled = solve(pr, topic_ranks=True, fill_unranked=True)
    check_feasible(pr, filled)
    assert filled.path == expected_path(pr) and filled.rank_counts == solve(pr, topic_ranks=True).rank_counts


@pytest.mark.parametrize("seed", range(80))
def test_fast_path_by_brute_force(seed):
    rng = random.Random(5000 + seed)
    pr = topic_problem(rng, n_p=rng.randint(1, 3), n_t=rng.randint(1, 3), n_slots=rng.randint(1, 2), max_cap=2)
    best_sig, best_card = brute_topic(pr)
    res = solve(pr, topic_ranks=True)
    assert res.path == expected_path(pr) and res.rank_counts == best_sig
    check_feasible(pr, res)
    card = solve(pr, topic_ranks=True, max_placements_first=True)
    assert (card.placements, card.rank_counts) == best_card


def test_fill_unranked_after_fast_path():
    rng = random.Random(3)
    pr = topic_problem(rng, n_p=30, n_t=4, n_slots=3, max_cap=12)
    plain, filled = solve(pr, topic_ranks=True), solve(pr, topic_ranks=True, fill_unranked=True)
    assert plain.path == filled.path == FAST
    check_feasible(pr, filled)
    assert filled.rank_counts == plain.rank_counts and filled.placements >= plain.placements


def _base():
    ws = [Workshop(1, 0, 2, "A"), Workshop(2, 1, 2, "A"), Workshop(3, 0, 1, "B"), Workshop(4, 1, 1, "B")]
    return ws, {1: [1, 2, 3, 4], 2: [4, 3, 2, 1], 3: [3, 4]}


@pytest.mark.parametrize(
    "case", ["unequal_rooms", "missing_slot", "two_in_slot", "partial_list", "fixed", "no_topic", "position_ranks"]
)
def test_preconditions_fail_take_general_path(case):
    ws, prefs = _base()
    fixed, kw = {}, {"topic_ranks": True}
    if case == "unequal_rooms":
        ws[1] = Workshop(2, 1, 3, "A")
    elif case == "missing_slot":
        ws, prefs = ws[:3], {1: [1, 2, 3], 2: [3, 2, 1], 3: [3]}
    elif case == "two_in_slot":
        ws.append(Workshop(5, 0, 2, "A"))
    elif case == "partial_list":
        prefs[3] = [3]  # B only in slot 0
    elif case == "fixed":
        fixed = {3: [3]}
    elif case == "no_topic":
        ws.append(Workshop(5, 0, 2, None))
    else:
        kw = {}
    pr = Problem([1, 2, 3], ws, prefs, fixed)
    if case == "position_ranks":  # the same instance qualifies under topic ranks
        assert solve(pr, topic_ranks=True).path == FAST
    res = solve(pr, **kw)
    assert res.path in ("lp", "flow") and res.optimal
    check_feasible(pr, res)
    if kw:
        assert res.rank_counts == brute_topic(pr)[0]


@pytest.mark.parametrize("seed", range(60))
def test_general_topic_ranks_by_brute_force(seed):
    """Random instances, mostly outside the preconditions: the general path with topic ranks."""
    from tests.unit.test_assignment import random_problem

    rng = random.Random(9000 + seed)
    pr = random_problem(rng, n_p=rng.randint(1, 4), n_w=rng.randint(1, 4), n_slots=rng.randint(1, 3))
    best_sig, best_card = brute_topic(pr)
    res = solve(pr, topic_ranks=True)
    check_feasible(pr, res)
    assert res.rank_counts == best_sig and res.optimal
    card = solve(pr, topic_ranks=True, max_placements_first=True)
    assert (card.placements, card.rank_counts) == best_card


def test_position_ranks_differ_so_fast_path_is_opt_in():
    # Person 1 lists A@0, A@1, B@0, B@1; person 2 wants B@1 first. One seat each.
    ws = [Workshop(1, 0, 1, "A"), Workshop(2, 1, 1, "A"), Workshop(3, 0, 1, "B"), Workshop(4, 1, 1, "B")]
    pr = Problem([1, 2], ws, {1: [1, 2, 3, 4], 2: [4, 3]})
    pos, top = solve(pr), solve(pr, topic_ranks=True)
    assert pos.assignment == {1: [1], 2: [4]} and pos.rank_counts == [2, 0, 0, 0] and pos.path == "lp"
    assert top.assignment == {1: [3, 2], 2: [4]} and top.rank_counts == [2, 1] and top.path == FAST


def test_topic_ranks_only_for_optimal_and_first_come():
    pr = Problem([1], [Workshop(1, 0, 1)], {1: [1]})
    with pytest.raises(ValueError):
        solve(pr, method="weighted", topic_ranks=True)


def test_first_come_read_by_topic_takes_the_same_seats_and_counts_them_by_topic():
    # One topic (7) on two days, a second topic (8) on day one; both people list 7-day1, 7-day2, 8.
    ws = [Workshop(1, 0, 1, topic=7), Workshop(2, 1, 1, topic=7), Workshop(3, 0, 1, topic=8)]
    pr = Problem([1, 2], ws, {1: [1, 2, 3], 2: [1, 2, 3]})
    by_session, by_topic = solve(pr, method="first_come"), solve(pr, method="first_come", topic_ranks=True)
    assert by_session.assignment == by_topic.assignment
    assert by_session.rank_counts[0] < by_topic.rank_counts[0]
