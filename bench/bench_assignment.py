"""Benchmark of app.assignment: `.venv/bin/python bench/bench_assignment.py [--small|--large]`.

Seeded, deterministic data with a popularity skew (Zipf-like: a few topics are much more wanted).
Prints solve times, peak memory, first-choice / top-3 shares (optimal vs first_come), gap to the
LP bound, the joint "choose topics and assign" mode and the joint schedule across slots
(app/assignment/solver/schedule.py) at seminar size and at scale. `--joint` runs only the last two.
`--networking` runs only the networking options (caps per organization / partnership and workshop,
keeping partnerships together) and leximin fairness: first-choice share with and without each,
largest group per workshop, partner pairs apart, max regret, solve time (app/assignment/solver/networking.py).
Timings on a shared machine are noisy: the joint rows print every run of `--repeat`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.assignment.solver.algorithm import Problem, Workshop, solve
from app.assignment.solver.joint import choose_topics_and_assign
from app.assignment.solver.networking import Networking, regrets, report
from app.assignment.solver.schedule import schedule_topics


def popularity(rng: np.random.Generator, n: int, skew: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** skew
    w = w[rng.permutation(n)]
    return w / w.sum()


def make_problem(
    seed: int,
    n_people: int,
    n_slots: int,
    per_slot: int,
    choices: tuple[int, int],
    repeat_topics: bool = False,
    slack: float = 1.1,
) -> Problem:
    """Workshops with room sizes that differ; with repeat_topics each topic runs in every slot."""
    rng = np.random.default_rng(seed)
    n_topics = per_slot if repeat_topics else per_slot * n_slots
    pop = popularity(rng, n_topics)
    ws, wid = [], 1
    for s in range(n_slots):
        sizes = rng.uniform(0.5, 1.5, per_slot)
        caps = np.maximum(1, np.round(sizes / sizes.sum() * n_people * slack)).astype(int)
        for j in range(per_slot):
            topic = j if repeat_topics else s * per_slot + j
            ws.append(Workshop(wid, s, int(caps[j]), topic if repeat_topics else None))
            wid += 1
    sessions: dict[int, list[int]] = {}
    for w, t in zip(ws, [w.topic if repeat_topics else k for k, w in enumerate(ws)], strict=False):
        sessions.setdefault(t, []).append(w.id)
    prefs = {}
    for p in range(n_people):
        k = int(rng.integers(choices[0], choices[1] + 1))
        lst: list[int] = []
        for t in rng.choice(n_topics, size=min(k, n_topics), replace=False, p=pop):
            lst.extend(rng.permutation(sessions[int(t)]).tolist())
        prefs[p] = lst[:k]
    return Problem(list(range(n_people)), ws, prefs)


def make_topic_problem(
    seed: int, n_people: int, n_slots: int, n_topics: int, choices: tuple[int, int], slack: float = 1.1
) -> Problem:
    """Each topic runs in every slot in one room size; people list whole topics (all sessions)."""
    rng = np.random.default_rng(seed)
    pop = popularity(rng, n_topics)
    sizes = rng.uniform(0.5, 1.5, n_topics)
    caps = np.maximum(1, np.round(sizes / sizes.sum() * n_people * slack)).astype(int)
    ws = [Workshop(1 + t * n_slots + s, s, int(caps[t]), t) for t in range(n_topics) for s in range(n_slots)]
    prefs = {}
    for p in range(n_people):
        k = int(rng.integers(choices[0], choices[1] + 1))
        prefs[p] = [
            1 + int(t) * n_slots + int(s)
            for t in rng.choice(n_topics, size=k, replace=False, p=pop)
            for s in rng.permutation(n_slots)
        ]
    return Problem(list(range(n_people)), ws, prefs)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label: str, pr: Problem, methods=("optimal", "first_come"), repeat: int = 1, **kw) -> None:
    """Best-of-`repeat` wall time (no tracing), then one traced run for the Python/NumPy peak."""
    for m in methods:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = solve(pr, method=m, **kw)
            times.append(time.perf_counter() - t0)
        mem = f"process peak RSS {rss_mib():5.0f} MiB"
        if repeat > 1:  # small instances: tracemalloc's slowdown does not matter
            tracemalloc.start()
            solve(pr, method=m, **kw)
            mem = f"py-peak {tracemalloc.get_traced_memory()[1] / 2**20:5.1f} MiB"
            tracemalloc.stop()
        first_bound = f"{res.objective[0]:.0f}/{res.bound[0]:.0f}" if res.bound else "-"
        print(
            f"  {label:<34} {m:<10} {1000 * min(times):9.1f} ms  first {res.first_choice_share:6.1%}"
            f"  top3 {res.top3_share:6.1%}  placed {res.placements:6d}  unassigned {len(res.unassigned):5d}"
            f"  stage1/bound {first_bound:>11}  gap {res.gap:.2%}"
            f"  {'optimal' if res.optimal else res.status}  {mem}  [{res.path}]"
        )


def approvals(seed: int, n_people: int, n_topics: int, lo: int, hi: int) -> dict[int, set[int]]:
    rng = np.random.default_rng(seed)
    pop = popularity(rng, n_topics)
    return {
        p: set(rng.choice(n_topics, size=int(rng.integers(lo, hi + 1)), replace=False, p=pop).tolist())
        for p in range(n_people)
    }


def run_joint(label: str, appr, n_topics: int, rooms: list[int], repeat: int = 1, **kw) -> None:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = choose_topics_and_assign(appr, list(range(n_topics)), rooms, **kw)
        times.append(time.perf_counter() - t0)
    runs = " / ".join(f"{1000 * t:.0f}" for t in times)
    print(
        f"  {label:<34} {runs:>17} ms  covered {res.covered}/{len(appr)}  bound {res.bound:.0f}"
        f"  gap {res.gap:.2%}  evals {res.evaluations}  {res.status}"
    )


def run_schedule(label: str, appr, n_topics: int, slots: list[list[int]], repeat: int = 1, **kw) -> None:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = schedule_topics(appr, list(range(n_topics)), slots, **kw)
        times.append(time.perf_counter() - t0)
    runs = " / ".join(f"{1000 * t:.0f}" for t in times)
    wanted = sum(min(len(a), len(slots)) for a in appr.values())
    print(
        f"  {label:<34} {runs:>17} ms  people {res.people_served}/{len(appr)} (bound {res.people_bound:.0f})"
        f"  pairs {res.pairs_served}/{wanted} (bound {res.pairs_bound:.0f})  sessions {len(res.sessions)}"
        f"  {res.status}"
    )


def joint_small(repeat: int) -> None:
    print("joint mode (choose topics + assign), 150 participants, 20 topics, approvals 2-5")
    appr = approvals(3, 150, 20, 2, 5)
    run_joint("k=5 rooms of 35 (MILP)", appr, 20, [35] * 5, repeat)
    run_joint("k=5 rooms 20..50 (MILP)", appr, 20, [20, 30, 35, 40, 50], repeat)
    run_joint("k=5 rooms of 35 (local search)", appr, 20, [35] * 5, repeat, method="local")
    print("joint schedule: 150 participants, 8 topics, approvals 1-4, 2 slots x 3 rooms (40, 30, 30)")
    appr = approvals(21, 150, 8, 1, 4)
    run_schedule("2 slots x 3 rooms", appr, 8, [[40, 30, 30]] * 2, repeat)
    run_schedule("2 slots x 3 rooms of 25 (tight)", appr, 8, [[25, 25, 25]] * 2, repeat)


def joint_large(repeat: int) -> None:
    print("joint mode at scale: 10,000 participants, 100 topics, 25 rooms, approvals 1-4, time limit 10 s")
    appr = approvals(13, 10_000, 100, 1, 4)
    run_joint("25 rooms of 360, from top-25", appr, 100, [360] * 25, repeat, time_limit=10.0)
    rooms = [int(c) for c in np.linspace(150, 570, 25)]
    run_joint("25 rooms 150..570, from top-25", appr, 100, rooms, repeat, time_limit=10.0)
    run_joint("same, initial = topics 0..24", appr, 100, rooms, repeat, initial=list(range(25)), time_limit=10.0)
    print("joint schedule at scale: 10,000 participants, approvals 1-4, time limit 10 s")
    appr = approvals(22, 10_000, 30, 1, 4)
    run_schedule(
        "30 topics, 3 slots x 10 rooms",
        appr,
        30,
        [[int(c) for c in np.linspace(200, 500, 10)]] * 3,
        repeat,
        time_limit=10.0,
    )
    appr = approvals(23, 10_000, 100, 1, 4)
    run_schedule(
        "100 topics, 3 slots x 25 rooms",
        appr,
        100,
        [[int(c) for c in np.linspace(150, 570, 25)]] * 3,
        repeat,
        time_limit=10.0,
    )


def small() -> None:
    print("seminar size: 150 participants, 5 workshops x 2 slots, 3-6 ranked choices")
    pr = make_problem(1, 150, 2, 5, (3, 6))
    run("150 x 10 x 2", pr, methods=("optimal", "weighted", "first_come"), repeat=5)
    run("150 x 10 x 2, fill_unranked", pr, methods=("optimal",), repeat=5, fill_unranked=True)
    pr = make_problem(2, 150, 2, 5, (3, 6), repeat_topics=True)
    run("150, 5 topics repeated in 2 slots", pr, methods=("optimal", "weighted", "first_come"), repeat=5)
    pr = make_topic_problem(4, 150, 2, 5, (2, 4))
    run("150, 5 topics x 2, topic ranks", pr, methods=("optimal",), repeat=5, topic_ranks=True)


def large(time_limit: float) -> None:
    print("large: 10,000 participants, 100 workshops, 3 slots, 5-10 ranked choices, room sizes differ")
    pr = make_problem(11, 10_000, 3, 33, (5, 10))
    run("100 distinct workshops", pr, methods=("optimal", "weighted", "first_come"), time_limit=time_limit)
    pr = make_problem(12, 10_000, 3, 33, (5, 10), repeat_topics=True)
    run("33 topics x 3 slots (repeats)", pr, methods=("optimal", "weighted", "first_come"), time_limit=time_limit)
    speakers = {p: [pr.workshops[p % len(pr.workshops)].id] for p in range(0, 10_000, 50)}
    pr = Problem(pr.participants, pr.workshops, pr.preferences, speakers)
    run("same + 200 fixed seats", pr, methods=("optimal",), time_limit=time_limit)
    print("topic ranks (topic_ranks=True): every topic in all 3 slots, one room size per topic, 3-6 topics listed")
    for n_topics in (33, 100):
        pr = make_topic_problem(14, 10_000, 3, n_topics, (3, 6))
        run(
            f"{n_topics} topics x 3 slots, equal rooms",
            pr,
            methods=("optimal",),
            time_limit=time_limit,
            topic_ranks=True,
        )


def groups(seed: int, n_people: int, n_orgs: int, n_partnerships: int) -> tuple[dict[int, str], dict[int, str]]:
    """Organizations of skewed sizes (a few large ones) and partnerships of about equal size."""
    rng = np.random.default_rng(seed)
    org = rng.choice(n_orgs, size=n_people, p=popularity(rng, n_orgs, skew=0.8))
    part = rng.integers(0, n_partnerships, size=n_people)
    return ({p: f"o{org[p]}" for p in range(n_people)}, {p: f"p{part[p]}" for p in range(n_people)})


def run_networking(
    label: str, pr: Problem, org: dict[int, str], part: dict[int, str], time_limit: float, repeat: int = 1
) -> None:
    probe = Networking(
        organization=org,
        partnership=part,
        max_per_organization=1,
        max_per_partnership=1,
        keep_partnerships_together=True,
    )
    rows = [
        ("none (rank-maximal, flow)", None, "none"),
        ("fairness=leximin", None, "leximin"),
        ("max 2 per organization", Networking(organization=org, max_per_organization=2), "none"),
        ("max 1 per organization", Networking(organization=org, max_per_organization=1), "none"),
        ("max 1 per partnership", Networking(partnership=part, max_per_partnership=1), "none"),
        ("keep partnerships together", Networking(partnership=part, keep_partnerships_together=True), "none"),
        (
            "org<=2 + together + leximin",
            Networking(organization=org, partnership=part, max_per_organization=2, keep_partnerships_together=True),
            "leximin",
        ),
    ]
    base = solve(pr, time_limit=time_limit)
    print(f"  {label}: unconstrained first choice {base.first_choice_share:.1%}, top3 {base.top3_share:.1%}")
    for name, net, fairness in rows:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = solve(pr, networking=net, fairness=fairness, time_limit=time_limit)
            times.append(time.perf_counter() - t0)
        g = report(pr, res.assignment, probe)
        over = sum(1 for o in g.over_cap if o.kind == "organization")
        print(
            f"    {name:<30} {1000 * min(times):9.1f} ms  first {res.first_choice_share:6.1%}"
            f" (without {base.first_choice_share:6.1%})  top3 {res.top3_share:6.1%}"
            f"  largest org {g.largest_organization_group:3d}  largest partnership {g.largest_partnership_group:3d}"
            f"  pairs together {g.pairs_together:5d} apart {g.pairs_apart:5d}"
            f"  max regret {max(regrets(pr, res.assignment), default=0):3d}  ({over} org-workshops over 1)"
            f"  {'optimal' if res.optimal else res.status}"
            f"{'  fairness ' + res.fairness_status if res.fairness_status else ''}  [{res.path}]"
        )


def networking(small_only: bool, large_only: bool, time_limit: float, repeat: int) -> None:
    if not large_only:
        print(
            "networking options, seminar size: 150 participants (110 organizations, 77 partnerships),"
            " 10 workshops in 2 slots, 3-6 ranked choices"
        )
        org, part = groups(31, 150, 110, 77)
        run_networking("150 x 10 x 2", make_problem(1, 150, 2, 5, (3, 6)), org, part, time_limit, repeat)
        print("  same, tight rooms (slack 1.0)")
        run_networking(
            "150 x 10 x 2, slack 1.0", make_problem(5, 150, 2, 5, (3, 6), slack=1.0), org, part, time_limit, repeat
        )
    if not small_only:
        print(
            f"networking options at scale: 10,000 participants (3,000 organizations, 5,000 partnerships),"
            f" 100 workshops in 3 slots, 5-10 ranked choices, time limit {time_limit:.0f} s"
        )
        org, part = groups(32, 10_000, 3_000, 5_000)
        run_networking("10,000 x 100 x 3", make_problem(11, 10_000, 3, 33, (5, 10)), org, part, time_limit)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true", help="seminar size only")
    ap.add_argument("--large", action="store_true", help="large instances only")
    ap.add_argument("--joint", action="store_true", help="joint mode and joint schedule only")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each joint row (timings are noisy)")
    ap.add_argument("--networking", action="store_true", help="networking options and fairness only")
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args()
    if args.networking:
        networking(args.small, args.large, args.time_limit, max(args.repeat, 1))
        return
    if not args.large:
        if not args.joint:
            small()
        joint_small(args.repeat)
    if not args.small:
        if not args.joint:
            large(args.time_limit)
        joint_large(args.repeat)
    networking(args.small, args.large, args.time_limit, max(args.repeat, 1))
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
