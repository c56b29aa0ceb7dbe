"""Registrations while an organizer solves a large assignment (issue 24).

    .venv/bin/python bench/bench_solve_rush.py [--people 10000] [--fairness leximin]
                                               [--time-limit 120] [--clients 8] [--commit]

SQLite, one uvicorn worker (the embedded default, where the database has one writer at a
time). `--people` confirmed participants rank 10 workshops in 2 slots (a few popular ones, so
the run has work to do); then one thread posts the assignment (`--fairness`, a dry run unless
`--commit`) while `--clients` threads keep registering new people until it answers. Prints how
long the solve took, how many registrations were answered during it, their status codes and
latency (p50, p99, max): when the solve holds the database's write lock, every registration
waits for it and gives up with 503 after the lock timeout (15 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_wrk import make_event, person, post, register_people

from tests.concurrency.server import LiveServer, live_server

SLOTS = (
    ("2026-01-15T10:00:00+01:00", "2026-01-15T12:00:00+01:00"),
    ("2026-01-15T13:00:00+01:00", "2026-01-15T15:00:00+01:00"),
)


def workshops(client: httpx.Client, server: LiveServer, event_id: int, people: int) -> list[list[int]]:
    """5 workshops per slot, rooms for everyone with a little slack."""
    event = client.get(f"/api/v1/events/{event_id}", headers=server.admin).json()
    day = event["starts_on"]
    made: list[list[int]] = []
    for k, (start, end) in enumerate(SLOTS):
        ids = []
        for j in range(5):
            body = {
                "title": f"Warsztat {k + 1}.{j + 1}",
                "kind": "workshop",
                "room": f"Sala {'ABCDE'[j]}",
                "starts_at": start.replace("2026-01-15", day),
                "ends_at": end.replace("2026-01-15", day),
                "capacity": people // 5 + people // 50 + 1,
            }
            ids.append(int(post(client, f"/api/v1/events/{event_id}/sessions", body, server.admin)["id"]))
        made.append(ids)
    return made


def rank_all(server: LiveServer, tokens: list[str], slots: list[list[int]], threads: int = 8) -> None:
    """Everyone ranks every workshop; most prefer the first two of each slot (the popular ones)."""

    def chunk(part: int) -> None:
        with server.client() as client:
            for i in range(part, len(tokens), threads):
                order = [ws[(i * 7 + j) % 5] if i % 3 else ws[j] for ws in slots for j in range(5)]
                r = client.put(
                    "/api/v1/me/preferences",
                    json={"session_ids": order},
                    headers={"Authorization": f"Bearer {tokens[i]}"},
                )
                r.raise_for_status()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(chunk, range(threads)))


def rush_during_solve(server: LiveServer, event_id: int, args: argparse.Namespace) -> None:
    done = threading.Event()
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()

    def register(k: int) -> None:
        i = 0
        with server.client(timeout=120) as client:
            while not done.is_set():
                started = time.perf_counter()
                r = client.post(f"/api/v1/events/{event_id}/registrations", json=person(f"rush{k}-{i}"))
                with lock:
                    answers.append((r.status_code, time.perf_counter() - started))
                i += 1

    body = {"method": "optimal", "dry_run": not args.commit, "fairness": args.fairness, "time_limit": args.time_limit}
    result: list[httpx.Response] = []
    with (
        ThreadPoolExecutor(max_workers=args.clients) as pool,
        server.client(timeout=args.time_limit * 4 + 600) as client,
    ):
        started = time.perf_counter()
        solving = threading.Thread(
            target=lambda: result.append(
                client.post(f"/api/v1/events/{event_id}/assignments", json=body, headers=server.admin)
            )
        )
        solving.start()
        time.sleep(0.5)  # the run is reading its snapshot and solving
        rushers = [pool.submit(register, k) for k in range(args.clients)]
        solving.join()
        solved = time.perf_counter() - started
        done.set()
        for f in rushers:
            f.result()
    run = result[0]
    codes = Counter(code for code, _ in answers)
    latencies = sorted(seconds for _, seconds in answers)
    p = (
        (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000)
        if latencies
        else (lambda q: float("nan"))
    )
    figures = run.json() if run.status_code == 200 else {}
    mode = "commit" if args.commit else "dry run"
    print(
        f"assignment: {run.status_code} in {solved:.1f} s ({args.fairness}, {mode}, "
        f"{figures.get('participants')} people, first choices {figures.get('first_choice_share')}, "
        f"solver {figures.get('seconds')} s)"
    )
    print(f"registrations during it: {len(answers)} ({len(answers) / solved:.1f}/s), codes {dict(codes)}")
    if latencies:
        print(
            f"latency ms: p50 {p(0.5):.0f}, p99 {p(0.99):.0f}, max {latencies[-1] * 1000:.0f}, "
            f"mean {statistics.mean(latencies) * 1000:.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--fairness", default="leximin", choices=["none", "leximin"])
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--commit", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, live_server("sqlite", Path(tmp), workers=1) as server:
        with server.client(timeout=60) as client:
            event_id = make_event(client, server, capacity=args.people * 2, days=1, emails=False)
            slots = workshops(client, server, event_id, args.people)
        t0 = time.perf_counter()
        tokens = register_people(server, event_id, args.people)
        rank_all(server, tokens, slots)
        print(f"{args.people} people registered and ranked in {time.perf_counter() - t0:.0f} s")
        rush_during_solve(server, event_id, args)


if __name__ == "__main__":
    main()
