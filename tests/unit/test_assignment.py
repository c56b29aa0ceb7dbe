"""Workshop assignment (app.assignment.solver.algorithm): optimality by brute force, invariants, errors."""

import itertools
import random

import pytest

from app.assignment.solver.algorithm import Problem, Workshop, solve


def random_problem(rng: random.Random, n_p=3, n_w=4, n_slots=2, topics=True, fixed=True) -> Problem:
    ws = [
        Workshop(
            10 + j,
            rng.randrange(n_slots),
            rng.randint(0, 2),
            rng.choice("ABC") if topics and rng.random() < 0.6 else None,
        )
        for j in range(n_w)
    ]
    ids = [w.id for w in ws]
    prefs = {}
    for p in range(n_p):
        if rng.random() < 0.9:
            prefs[p] = rng.sample(ids, rng.randint(1, n_w))
    fx = {}
    if fixed and rng.random() < 0.5:
        w = rng.choice(ws)
        if w.capacity > 0:
            fx[rng.randrange(n_p)] = [w.id]
    return Problem(list(range(n_p)), ws, prefs, fx)


def brute_force(pr: Problem):
    """All feasible assignments: (best rank signature, best weighted value, best (placements, signature))."""
    ws = {w.id: w for w in pr.workshops}
    topic = {w.id: w.topic if w.topic is not None else ("own", w.id) for w in ws.values()}
    kmax = max((len(v) for v in pr.preferences.values()), default=0)
    held = {p: list(pr.fixed.get(p, [])) for p in pr.participants}
    options = []
    for p in pr.participants:
        lst = [
            w
            for w in pr.preferences.get(p, [])
            if not any(ws[w].slot == ws[h].slot or topic[w] == topic[h] for h in held[p])
        ]
        opts = []
        for r in range(len(lst) + 1):
            for sub in itertools.combinations(lst, r):
                if len({ws[w].slot for w in sub}) == r and len({topic[w] for w in sub}) == r:
                    opts.append(sub)
        options.append(opts)
    best_sig = best_w = best_card = None
    for combo in itertools.product(*options):
        load = {w: 0 for w in ws}
        for p in pr.participants:
            for w in list(combo[p]) + held[p]:
                load[w] += 1
        if any(load[w] > ws[w].capacity for w in ws):
            continue
        sig = [0] * kmax
        weight = 0
        for p, sub in zip(pr.participants, combo, strict=False):
            lst = list(pr.preferences.get(p, []))
            for w in list(sub) + held[p]:
                if w in lst:
                    sig[lst.index(w)] += 1
            weight += sum(kmax - lst.index(w) for w in sub)
        card = (sum(load.values()), sig)
        best_sig = sig if best_sig is None or sig > best_sig else best_sig
        best_w = weight if best_w is None or weight > best_w else best_w
        best_card = card if best_card is None or card > best_card else best_card
    return best_sig, best_w, best_card


def check_feasible(pr: Problem, res):
    ws = {w.id: w for w in pr.workshops}
    load = {w: 0 for w in ws}
    for lst in res.assignment.values():
        assert len({ws[w].slot for w in lst}) == len(lst), "two workshops in one slot"
        topics = [ws[w].topic for w in lst if ws[w].topic is not None]
        assert len(set(topics)) == len(topics), "topic repeated"
        for w in lst:
            load[w] += 1
    assert all(load[w] <= ws[w].capacity for w in ws), "over capacity"
    assert load == res.per_workshop
    for p, lst in pr.fixed.items():
        assert set(lst) <= set(res.assignment[p])
    assert res.assigned + len(res.unassigned) == len(pr.participants)
    assert res.placements == sum(load.values())


@pytest.mark.parametrize("seed", range(120))
def test_optimal_is_rank_maximal_by_brute_force(seed):
    rng = random.Random(seed)
    pr = random_problem(rng, n_p=rng.randint(1, 4), n_w=rng.randint(1, 4), n_slots=rng.randint(1, 3))
    best_sig, best_w, best_card = brute_force(pr)
    res = solve(pr)
    check_feasible(pr, res)
    assert res.rank_counts == best_sig and res.optimal and res.gap == 0
    w = solve(pr, method="weighted")
    check_feasible(pr, w)
    assert w.objective[0] == best_w and w.optimal
    c = solve(pr, max_placements_first=True)
    check_feasible(pr, c)
    assert (c.placements, c.rank_counts) == best_card
    check_feasible(pr, solve(pr, method="first_come", fill_unranked=True))


@pytest.mark.parametrize("seed", range(15))
def test_medium_instances_feasible_and_better_than_first_come(seed):
    rng = random.Random(1000 + seed)
    pr = random_problem(rng, n_p=40, n_w=9, n_slots=3, topics=seed % 2 == 0)
    opt, fc = solve(pr), solve(pr, method="first_come")
    card = solve(pr, max_placements_first=True)
    for res in (opt, fc, card, solve(pr, method="weighted"), solve(pr, fill_unranked=True)):
        check_feasible(pr, res)
    assert opt.optimal and card.optimal
    assert opt.first_choice_share >= fc.first_choice_share
    assert opt.rank_counts >= fc.rank_counts >= [0]  # lexicographic signature
    assert card.placements >= fc.placements and card.placements >= opt.placements


def test_rank_maximal_may_place_fewer_than_first_come():
    # 1 wants w1; 2 wants w2, w1, w3; 3 wants w4 (no seat), then w2. One seat each.
    ws = [Workshop(1, 0, 1), Workshop(2, 0, 1), Workshop(3, 0, 1), Workshop(4, 0, 0)]
    pr = Problem([3, 1, 2], ws, {1: [1], 2: [2, 1, 3], 3: [4, 2]}, {})
    fc, opt = solve(pr, method="first_come"), solve(pr)
    card = solve(pr, max_placements_first=True)
    assert fc.placements == 3 and opt.placements == 2 and card.placements == 3
    assert opt.first_choice_share > card.first_choice_share


def test_shares_and_rank_counts():
    ws = [Workshop(1, 0, 1), Workshop(2, 0, 1), Workshop(3, 1, 5), Workshop(4, 1, 5)]
    pr = Problem([1, 2, 3, 4], ws, {1: [1, 3], 2: [1, 2, 4], 3: [1, 2, 4, 3]})
    res = solve(pr)
    # rank-1: one of 1/2/3 gets w1; slot 1 is free for all: w3 and w4 as ranked.
    assert res.rank_counts[0] == 1 + 0  # only one w1 seat; slot-1 choices are never first
    assert res.first_choice_share == pytest.approx(1 / 3)
    assert res.top3_share == pytest.approx(1.0)
    assert res.unassigned == [4] and res.assigned == 3
    assert res.per_workshop[1] == 1


def test_oversubscribed_and_zero_capacity():
    ws = [Workshop(1, 0, 3), Workshop(2, 0, 0)]
    pr = Problem(list(range(10)), ws, {p: [2, 1] for p in range(10)})
    for method in ("optimal", "weighted", "first_come"):
        res = solve(pr, method=method)
        assert res.per_workshop == {1: 3, 2: 0} and res.assigned == 3 and len(res.unassigned) == 7
    assert solve(pr, method="first_come").assignment == {0: [1], 1: [1], 2: [1]}


def test_fixed_seats_use_capacity_and_block_slot_and_topic():
    ws = [Workshop(1, 0, 2, "A"), Workshop(2, 1, 2, "A"), Workshop(3, 1, 2, "B"), Workshop(4, 0, 2, "C")]
    pr = Problem([1, 2, 3], ws, {1: [2, 4, 1], 2: [1, 2], 3: [1, 3]}, fixed={1: [1]})
    res = solve(pr)
    assert res.assignment[1] == [1, 3] or res.assignment[1] == [1]  # w2 is topic A, w4 slot 0
    assert 2 not in res.assignment[1] and 4 not in res.assignment[1]
    assert res.per_workshop[1] == 2  # fixed + one more
    assert res.rank_counts[0] >= 1
    check_feasible(pr, res)


def test_fill_unranked():
    ws = [Workshop(1, 0, 1, "A"), Workshop(2, 0, 2, "B"), Workshop(3, 1, 2, "A"), Workshop(4, 1, 1, "C")]
    pr = Problem([1, 2, 3], ws, {1: [1, 3], 2: [1]})
    plain, res = solve(pr), solve(pr, fill_unranked=True)
    assert 3 in plain.unassigned and res.unassigned == []
    check_feasible(pr, res)
    assert set(res.filled) >= {2, 3} and len(res.assignment[3]) == 2
    assert all(len(v) == 2 for v in res.assignment.values()) or res.per_workshop[4] == 1
    assert res.first_choice_share == plain.first_choice_share  # filled seats carry no rank
    assert res.filled == solve(pr, fill_unranked=True).filled


def test_deterministic_and_independent_of_dict_order():
    rng = random.Random(7)
    pr = random_problem(rng, n_p=60, n_w=10, n_slots=3)
    rev = Problem(
        pr.participants,
        list(reversed(pr.workshops)),
        dict(reversed(list(pr.preferences.items()))),
        dict(reversed(list(pr.fixed.items()))),
    )
    for method in ("optimal", "weighted", "first_come"):
        a, b, c = solve(pr, method=method), solve(pr, method=method), solve(rev, method=method)
        assert a.assignment == b.assignment == c.assignment


@pytest.mark.parametrize(
    "bad",
    [
        Problem([1], [Workshop(1, 0, 1)], {1: [2]}),  # unknown workshop
        Problem([1], [Workshop(1, 0, 1)], {2: [1]}),  # unknown participant
        Problem([1], [Workshop(1, 0, 1)], {1: [1, 1]}),  # ranked twice
        Problem([1, 1], [Workshop(1, 0, 1)], {}),  # duplicate participant
        Problem([1], [Workshop(1, 0, 1), Workshop(1, 1, 1)], {}),  # duplicate workshop
        Problem([1], [Workshop(1, 0, -1)], {}),  # negative capacity
        Problem([1, 2], [Workshop(1, 0, 1)], {}, {1: [1], 2: [1]}),  # fixed over capacity
        Problem([1], [Workshop(1, 0, 1), Workshop(2, 0, 1)], {}, {1: [1, 2]}),  # fixed slot clash
        Problem([1], [Workshop(1, 0, 1, "A"), Workshop(2, 1, 1, "A")], {}, {1: [1, 2]}),  # topic clash
    ],
)
def test_invalid_input_raises(bad):
    with pytest.raises(ValueError):
        solve(bad)


def test_unknown_method_and_empty():
    with pytest.raises(ValueError):
        solve(Problem([], [], {}), method="magic")
    res = solve(Problem([1, 2], [Workshop(1, 0, 1)], {}))
    assert res.assigned == 0 and res.unassigned == [1, 2] and res.first_choice_share == 0.0
