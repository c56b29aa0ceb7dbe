"""Re-optimising without making anyone worse off (``solve(..., keep_ranks=True)``), against brute force.

On small random instances (current seats from an earlier run, rankings that changed since,
fixed seats, blocked workshops, repeated topics, so both the flow and the LP path run):
(a) in every slot, nobody ends up worse than with their current seat (rank 1 < rank 2 < ... <
an unranked seat < no seat), and (b) the result is rank-maximal (or placements first, then
rank-maximal) among all assignments satisfying (a), found by enumerating every assignment.
"""

import itertools
import random

import pytest

from app.assignment.solver.algorithm import Problem, Workshop, solve
from app.assignment.solver.changes import evaluate, moves
from tests.unit.test_assignment import check_feasible


def standing(prefs, w):
    if w is None:
        return 10**6
    return prefs.index(w) + 1 if w in prefs else len(prefs) + 1


def random_keep_problem(rng: random.Random, topics: bool) -> Problem:
    n_p, n_w, n_slots = rng.randint(1, 4), rng.randint(2, 5), 2 if topics else rng.randint(1, 2)
    ws = [
        Workshop(
            10 + j,
            j % n_slots if topics else rng.randrange(n_slots),
            rng.randint(0, 2),
            rng.choice("AB") if topics and rng.random() < 0.8 else None,
        )
        for j in range(n_w)
    ]
    by_id = {w.id: w for w in ws}
    people = list(range(n_p))
    prefs = {p: rng.sample(list(by_id), rng.randint(1, n_w)) for p in people if rng.random() < 0.85}
    load = {w: 0 for w in by_id}
    fixed: dict[int, list[int]] = {}
    if rng.random() < 0.3:
        w = rng.choice(ws)
        if w.capacity > 0:
            fixed[rng.choice(people)] = [w.id]
            load[w.id] += 1
    blocked = {p: [rng.choice(ws).id] for p in people if rng.random() < 0.2}
    current: dict[int, list[int]] = {}
    for p in rng.sample(people, n_p):  # an earlier run's seats, any workshop, feasible
        held = list(fixed.get(p, []))
        for w in rng.sample(ws, n_w):
            if (
                rng.random() < 0.6
                and load[w.id] < w.capacity
                and w.id not in blocked.get(p, [])
                and all(by_id[h].slot != w.slot and (w.topic is None or by_id[h].topic != w.topic) for h in held)
            ):
                held.append(w.id)
                current.setdefault(p, []).append(w.id)
                load[w.id] += 1
    return Problem(people, ws, prefs, fixed, blocked, current)


def brute_force_keep(pr: Problem):
    """Best rank signature and best (placements, signature) over assignments leaving nobody worse off."""
    ws = {w.id: w for w in pr.workshops}
    topic = {w.id: w.topic if w.topic is not None else ("own", w.id) for w in ws.values()}
    kmax = max((len(v) for v in pr.preferences.values()), default=0)
    options = []
    for p in pr.participants:
        prefs = list(pr.preferences.get(p, []))
        held = list(pr.fixed.get(p, []))
        cur = {ws[w].slot: w for w in pr.current.get(p, [])}
        cands = [
            w
            for w in set(prefs) | set(cur.values())
            if w not in pr.blocked.get(p, [])
            and w not in held
            and not any(ws[w].slot == ws[h].slot or topic[w] == topic[h] for h in held)
        ]
        opts = []
        for r in range(len(cands) + 1):
            for sub in itertools.combinations(sorted(cands), r):
                if len({ws[w].slot for w in sub}) != r or len({topic[w] for w in sub}) != r:
                    continue
                if any(w not in prefs and w not in cur.values() for w in sub):
                    continue  # only the fill may place someone in an unranked workshop, and it is off here
                got = {ws[w].slot: w for w in sub}
                if all(standing(prefs, got.get(s)) <= standing(prefs, w) for s, w in cur.items()):
                    opts.append(sub)
        options.append(opts)
    best_sig = best_card = None
    for combo in itertools.product(*options):
        load = {w: 0 for w in ws}
        for p, sub in zip(pr.participants, combo, strict=True):
            for w in [*sub, *pr.fixed.get(p, [])]:
                load[w] += 1
        if any(load[w] > ws[w].capacity for w in ws):
            continue
        sig = [0] * kmax
        for p, sub in zip(pr.participants, combo, strict=True):
            prefs = list(pr.preferences.get(p, []))
            for w in [*sub, *pr.fixed.get(p, [])]:
                if w in prefs:
                    sig[prefs.index(w)] += 1
        card = (sum(load.values()), sig)
        best_sig = sig if best_sig is None or sig > best_sig else best_sig
        best_card = card if best_card is None or card > best_card else best_card
    return best_sig, best_card


def assert_nobody_worse_off(pr: Problem, assignment):
    ws = {w.id: w for w in pr.workshops}
    for p, seats in pr.current.items():
        prefs = list(pr.preferences.get(p, []))
        got = {ws[w].slot: w for w in assignment.get(p, [])}
        for w in seats:
            assert standing(prefs, got.get(ws[w].slot)) <= standing(prefs, w), (p, w, got)
    for p, seats in pr.fixed.items():
        assert set(seats) <= set(assignment.get(p, []))


@pytest.mark.parametrize("seed", range(300))
def test_keep_ranks_is_rank_maximal_among_nobody_worse_off(seed):
    rng = random.Random(5000 + seed)
    pr = random_keep_problem(rng, topics=seed % 2 == 1)
    best_sig, best_card = brute_force_keep(pr)
    res = solve(pr, keep_ranks=True)
    check_feasible(pr, res)
    assert_nobody_worse_off(pr, res.assignment)
    assert res.rank_counts == best_sig and res.optimal
    card = solve(pr, keep_ranks=True, max_placements_first=True)
    check_feasible(pr, card)
    assert_nobody_worse_off(pr, card.assignment)
    assert (card.placements, card.rank_counts) == best_card
    filled = solve(pr, keep_ranks=True, fill_unranked=True)
    check_feasible(pr, filled)
    assert_nobody_worse_off(pr, filled.assignment)


def test_both_paths_are_exercised():
    paths = {
        solve(random_keep_problem(random.Random(5000 + s), topics=s % 2 == 1), keep_ranks=True).path for s in range(40)
    }
    assert paths == {"flow", "lp"}


def test_keep_can_cost_first_choices_that_a_fresh_run_would_give():
    # Person 1 holds w1 (their only choice); 2 ranks w1 first and w2 second. A fresh run gives
    # 2 the first choice w1 only if 1 is moved out, which keep mode refuses.
    ws = [Workshop(1, 0, 1), Workshop(2, 0, 1)]
    pr = Problem([1, 2], ws, {1: [1], 2: [1, 2]}, current={1: [1]})
    kept = solve(pr, keep_ranks=True)
    assert kept.assignment == {1: [1], 2: [2]}
    assert [
        (m.participant, m.from_workshop, m.to_workshop, m.from_rank, m.to_rank) for m in moves(pr, kept.assignment)
    ] == [(2, None, 2, None, 2)]


def test_moves_up_after_a_cancellation_and_late_preferences():
    # w1 (1 seat) was freed by a cancellation; 1 holds w2 at rank 2 and ranks w1 first; 3 held
    # the unranked w3 from the fill and has since ranked w2 first; 2 has no seat and wants w3.
    ws = [Workshop(1, 0, 1), Workshop(2, 0, 1), Workshop(3, 0, 1)]
    pr = Problem([1, 2, 3], ws, {1: [1, 2], 2: [3], 3: [2]}, current={1: [2], 3: [3]})
    res = solve(pr, keep_ranks=True)
    assert res.assignment == {1: [1], 2: [3], 3: [2]}
    got = {(m.participant, m.from_workshop, m.to_workshop, m.from_rank, m.to_rank) for m in moves(pr, res.assignment)}
    assert got == {(1, 2, 1, 2, 1), (3, 3, 2, None, 1), (2, None, 3, None, 1)}
    before = evaluate(pr)
    assert before.rank_counts == [0, 1] and before.unranked_placements == 1 and before.unplaced_slots == 1
    assert res.rank_counts == [3, 0] and res.unranked_placements == 0 and res.unplaced_slots == 0


def test_unranked_current_seat_is_never_lost_even_without_any_ranking():
    ws = [Workshop(1, 0, 1), Workshop(2, 1, 1)]
    pr = Problem([1, 2], ws, {2: [1]}, current={1: [1, 2]})
    res = solve(pr, keep_ranks=True)
    assert res.assignment == {1: [1, 2]} and res.unassigned == [2]


@pytest.mark.parametrize(
    "bad",
    [
        Problem([1, 2], [Workshop(1, 0, 1)], {}, current={1: [1], 2: [1]}),  # over capacity
        Problem([1], [Workshop(1, 0, 1), Workshop(2, 0, 1)], {}, current={1: [1, 2]}),  # slot clash
        Problem([1], [Workshop(1, 0, 2), Workshop(2, 1, 1)], {}, fixed={1: [1]}, current={1: [1]}),  # fixed twice
        Problem([1], [Workshop(1, 0, 1)], {}, blocked={1: [1]}, current={1: [1]}),  # blocked
        Problem([1], [Workshop(1, 0, 1)], {}, current={2: [1]}),  # unknown participant
    ],
)
def test_invalid_current_seats_raise(bad):
    with pytest.raises(ValueError):
        solve(bad, keep_ranks=True)


def test_keep_only_for_optimal():
    pr = Problem([1], [Workshop(1, 0, 1)], {1: [1]})
    for kwargs in ({"method": "first_come"}, {"method": "weighted"}, {"topic_ranks": True}):
        with pytest.raises(ValueError):
            solve(pr, keep_ranks=True, **kwargs)


@pytest.mark.parametrize("seed", range(6))
def test_medium_instances_keep_everyone_and_improve(seed):
    rng = random.Random(9000 + seed)
    ws = [Workshop(100 + j, j % 3, rng.randint(3, 8), rng.choice("ABCD") if seed % 2 else None) for j in range(12)]
    people = list(range(60))
    prefs = {p: rng.sample([w.id for w in ws], 6) for p in people}
    first = solve(Problem(people, ws, prefs))
    cancelled = set(rng.sample(people, 10))
    late = {p: rng.sample([w.id for w in ws], 6) for p in rng.sample(people, 10)}
    pr = Problem(
        [p for p in people if p not in cancelled],
        ws,
        {p: late.get(p, v) for p, v in prefs.items() if p not in cancelled},
        current={p: v for p, v in first.assignment.items() if p not in cancelled},
    )
    res = solve(pr, keep_ranks=True)
    check_feasible(pr, res)
    assert_nobody_worse_off(pr, res.assignment)
    assert res.optimal and res.rank_counts >= evaluate(pr).rank_counts
