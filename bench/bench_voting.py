"""Benchmark the voting rules: 10,000 ballots over 100 topics, 10 seats (issue 7's target: < 1 s).

    .venv/bin/python bench/bench_voting.py [--voters N] [--topics M] [--seats K]

Seeded and deterministic: three factions (60/30/10 %) with their own skewed topic
popularity; each ballot picks 1-15 topics by its faction's popularity (ranked: in draw order).
Prints seconds per rule (best of 3) and the winners, so runs can be compared; then, per rule,
the explained run (`explain=true`) and the EJR/PJR check of its winners (issue 17), at this
size and at seminar size (150 ballots, 20 topics, 10 seats).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.voting.rules import RULES, compute, explain
from app.voting.rules.proportionality import check


def make_ballots(voters: int, topics: int, seed: int = 7) -> tuple[list[list[int]], list[list[int]]]:
    """Approval and ranked ballots from three factions (60/30/10 %) with their own
    Zipf-like topic popularity, so that proportional and majoritarian rules differ."""
    rng = np.random.default_rng(seed)
    zipf = 1.0 / np.arange(1, topics + 1) ** 1.1
    tastes = [zipf[rng.permutation(topics)] for _ in range(3)]
    tastes = [t / t.sum() for t in tastes]
    faction = rng.choice(3, size=voters, p=[0.6, 0.3, 0.1])
    approval, ranked = [], []
    for f in faction:
        size = int(rng.integers(1, min(15, topics) + 1))
        chosen = rng.choice(topics, size=size, replace=False, p=tastes[f])
        approval.append(sorted(int(c) for c in chosen))
        ranked.append([int(c) for c in chosen])  # drawn by popularity: a plausible order
    return approval, ranked


def best_of(runs: int, fn) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=100)
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    approval, ranked = make_ballots(args.voters, args.topics)
    print(f"{args.voters} ballots, {args.topics} topics, {args.seats} seats, best of {args.runs}")
    print(f"{'rule':<14} {'ballots':<8} {'seconds':>8}  winners / note")
    for name, spec in RULES.items():
        for kind, ballots in (("approval", approval), ("ranked", ranked)):
            if kind not in spec.ballot_types or (
                kind == "ranked" and "approval" in spec.ballot_types and name != "equal_shares"
            ):
                continue  # approval rules on ranked ballots: only the default rule is shown

            def run(n: str = name, b: list = ballots, k: str = kind) -> object:
                return compute(n, b, args.topics, args.seats, k)

            seconds, res = best_of(args.runs, run)
            note = res.winners if res.rule == name else f"{res.rule} used: {res.tie_break[:60]}"
            print(f"{name:<14} {kind:<8} {seconds:8.3f}  {note}")
    small, _ = make_ballots(1_000, 30)
    seconds, res = best_of(args.runs, lambda: compute("pav", small, 30, 5))
    print(
        f"{'pav':<14} {'approval':<8} {seconds:8.3f}  {res.winners} "
        f"(exact MILP, 1,000 ballots / 30 topics / 5 seats; rule={res.rule})"
    )
    for voters, topics, seats in ((args.voters, args.topics, args.seats), (150, 20, 10)):
        explained(args.runs, voters, topics, seats)


def explained(runs: int, voters: int, topics: int, seats: int) -> None:
    """Seconds of the explained run and of the EJR/PJR check of its winners, per rule."""
    approval, ranked = make_ballots(voters, topics)
    print(f"\nexplain=true and EJR/PJR: {voters} ballots, {topics} topics, {seats} seats, best of {runs}")
    print(f"{'rule':<14} {'plain':>8} {'explain':>8} {'ejr/pjr':>8}  ejr pjr rounds")
    for name, spec in RULES.items():
        kind, ballots = ("approval", approval) if "approval" in spec.ballot_types else ("ranked", ranked)
        plain, _ = best_of(runs, lambda n=name, b=ballots, k=kind: compute(n, b, topics, seats, k))
        seconds, _ = best_of(runs, lambda n=name, b=ballots, k=kind: explain(n, b, topics, seats, k))
        res, trace = explain(name, ballots, topics, seats, kind)
        checking, _ = best_of(runs, lambda b=ballots, w=res.winners: check(b, topics, w))
        props = check(ballots, topics, res.winners)
        print(
            f"{name:<14} {plain:8.3f} {seconds:8.3f} {checking:8.3f}  {props.ejr!s:<5} {props.pjr!s:<5} "
            f"{len(trace.steps)}"
        )


if __name__ == "__main__":
    main()
