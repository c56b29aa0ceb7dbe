"""A bounded soak: minutes of mixed reads and writes against the real server, memory sampled.

    .venv/bin/python bench/soak.py [--backend sqlite|postgresql] [--workers 2] [--minutes 3] [--threads 12]

Clients register, enroll, leave, vote, cancel and read (programme, own page, organizer list
and stats, exports, /metrics) without pause; every 15 s the resident memory of each worker
process is read from /proc. It prints the memory per sample and the answers by status, and
fails (exit 1) on any 5xx or when the workers' memory grew more than 20% between the first
sample after warm-up and the last.
"""

from __future__ import annotations

import argparse
import itertools
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.concurrency.server import LiveServer, live_server

SAMPLE_EVERY = 15.0


def rss_mib(pgid: int) -> float:
    pids = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def setup(live: LiveServer) -> tuple[int, list[int], int, list[int]]:
    with live.client() as c:
        event = c.post(
            "/api/v1/events",
            headers=live.admin,
            json={
                "slug": "soak",
                "title": "Soak",
                "venue": "Serock",
                "timezone": "Europe/Warsaw",
                "starts_on": "2030-05-01",
                "ends_on": "2030-05-02",
                "capacity": 300,
            },
        ).json()["id"]
        sessions = [
            c.post(
                f"/api/v1/events/{event}/sessions",
                headers=live.admin,
                json={
                    "title": f"Warsztat {i}",
                    "kind": "workshop",
                    "capacity": 20,
                    "starts_at": f"2030-05-01T{9 + i:02d}:00:00+02:00",
                    "ends_at": f"2030-05-01T{9 + i:02d}:50:00+02:00",
                },
            ).json()["id"]
            for i in range(6)
        ]
        poll = c.post(
            f"/api/v1/events/{event}/polls",
            headers=live.admin,
            json={"title": "Tematy", "seats": 2, "ballot": "approval"},
        ).json()["id"]
        topics = [
            c.post(f"/api/v1/polls/{poll}/topics", headers=live.admin, json={"title": t}).json()["id"]
            for t in ("Energia", "Transport", "Kultura", "Edukacja")
        ]
    return event, sessions, poll, topics


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, live_server(args.backend, Path(tmp), workers=args.workers) as live:
        event, sessions, poll, topics = setup(live)
        numbers = itertools.count()
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        stop = time.monotonic() + args.minutes * 60

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            with live.client(timeout=30.0) as c:
                while time.monotonic() < stop:
                    with lock:
                        n = next(numbers)
                    r = c.post(
                        f"/api/v1/events/{event}/registrations",
                        json={
                            "first_name": "Anna",
                            "last_name": f"Zając-{n}",
                            "email": f"anna.{n}@soak.example.pl",
                            "organization": f"Gmina {n % 30}",
                            "consent": True,
                        },
                    )
                    answers = [r.status_code]
                    if r.status_code == 201:
                        me = {"Authorization": f"Bearer {r.json()['token']}"}
                        for s in rnd.sample(sessions, 2):
                            answers.append(
                                c.post("/api/v1/me/enrollments", json={"session_id": s}, headers=me).status_code
                            )
                        answers.append(
                            c.put(
                                f"/api/v1/polls/{poll}/ballot", headers=me, json={"topic_ids": rnd.sample(topics, 2)}
                            ).status_code
                        )
                        answers.append(c.get("/api/v1/me", headers=me).status_code)
                        answers.append(c.delete(f"/api/v1/me/enrollments/{sessions[0]}", headers=me).status_code)
                        if rnd.random() < 0.6:  # most leave again, so the event never fills up for good
                            answers.append(c.delete("/api/v1/me", headers=me).status_code)
                    answers.append(c.get(f"/api/v1/events/{event}/sessions").status_code)
                    if rnd.random() < 0.1:
                        answers.append(
                            c.get(f"/api/v1/events/{event}/registrations/stats", headers=live.admin).status_code
                        )
                        answers.append(
                            c.get(f"/api/v1/events/{event}/registrations/export", headers=live.admin).status_code
                        )
                        answers.append(c.get("/metrics", headers=live.admin).status_code)
                    with lock:
                        statuses.update(answers)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.threads)]
        for t in threads:
            t.start()
        samples: list[tuple[float, float]] = []
        t0 = time.monotonic()
        while time.monotonic() < stop:
            samples.append((time.monotonic() - t0, rss_mib(live.pid)))
            time.sleep(min(SAMPLE_EVERY, max(stop - time.monotonic(), 0.1)))
        for t in threads:
            t.join()
        samples.append((time.monotonic() - t0, rss_mib(live.pid)))
        print(f"{args.backend}, {args.workers} workers, {args.threads} clients, {args.minutes:g} min")
        print("   s   workers' RSS MiB")
        for at, mib in samples:
            print(f"{at:5.0f}   {mib:8.1f}")
        print(f"answers: {dict(sorted(statuses.items()))} ({sum(statuses.values())} in all)")
        warm = [m for at, m in samples if at >= 30] or [m for _, m in samples]
        growth = (warm[-1] - warm[0]) / warm[0] if warm and warm[0] else 0.0
        errors = sum(n for s, n in statuses.items() if s >= 500)
        print(f"memory from {warm[0]:.1f} to {warm[-1]:.1f} MiB after warm-up ({growth:+.1%}); 5xx: {errors}")
        return 0 if errors == 0 and growth <= 0.20 else 1


if __name__ == "__main__":
    sys.exit(main())
