"""Restart PostgreSQL in the middle of a registration rush (issue 16: faults under load).

    .venv/bin/python bench/fault_pg_restart.py [--workers 2] [--threads 16] [--seconds 25] [--restart-at 6]

A real server (uvicorn, `--workers` processes) on a fresh PostgreSQL database; `--threads`
clients register new people without pause; after `--restart-at` seconds the PostgreSQL
cluster of this machine is restarted (`pg_ctlcluster ... restart`, so run it alone: every
other connection to the server is cut too). It prints what the clients saw second by second,
and checks: only 201 or 503 problem+json answers (never another 5xx), every 201 is stored,
the seat counter equals the confirmed rows, and the service answers 201 again within seconds
of the database being back. Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.concurrency.server import live_server


def restart_postgres() -> tuple[float, float]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, capture_output=True
    )
    return started, time.monotonic()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=25.0)
    ap.add_argument("--restart-at", type=float, default=6.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, live_server("postgresql", Path(tmp), workers=args.workers) as live:
        with live.client() as c:
            event = c.post(
                "/api/v1/events",
                headers=live.admin,
                json={
                    "slug": "rush",
                    "title": "Rush",
                    "venue": "Serock",
                    "timezone": "Europe/Warsaw",
                    "starts_on": "2030-05-01",
                    "ends_on": "2030-05-02",
                    "capacity": 1_000_000,
                },
            ).json()
        url = f"/api/v1/events/{event['id']}/registrations"
        numbers = itertools.count()
        lock = threading.Lock()
        seen: list[tuple[float, int, str]] = []  # (time, status, problem type or registration id)
        t0 = time.monotonic()
        stop = t0 + args.seconds

        def client() -> None:
            with live.client(timeout=30.0) as c:
                while time.monotonic() < stop:
                    with lock:
                        n = next(numbers)
                    body = {
                        "first_name": "Jan",
                        "last_name": f"Nowak-{n}",
                        "email": f"jan.{n}@rush.example.pl",
                        "organization": f"Gmina {n % 50}",
                        "consent": True,
                    }
                    try:
                        r = c.post(url, json=body)
                    except httpx.HTTPError as exc:
                        seen.append((time.monotonic() - t0, 0, type(exc).__name__))
                        continue
                    note = str(r.json().get("id")) if r.status_code == 201 else r.json().get("type", "")
                    seen.append((time.monotonic() - t0, r.status_code, note))

        threads = [threading.Thread(target=client) for _ in range(args.threads)]
        for t in threads:
            t.start()
        time.sleep(args.restart_at)
        began, ended = restart_postgres()
        for t in threads:
            t.join()
        down, up = began - t0, ended - t0
        per_second: dict[int, Counter[int]] = defaultdict(Counter)
        for at, status, _ in seen:
            per_second[int(at)][status] += 1
        print(f"PostgreSQL restart: {down:.1f} s to {up:.1f} s after the start ({ended - began:.1f} s)")
        print("second  " + "  ".join(f"{s:>5}" for s in (201, 503, 0)) + "   (0 = connection error)")
        for sec in sorted(per_second):
            row = per_second[sec]
            print(f"{sec:6d}  " + "  ".join(f"{row.get(s, 0):5d}" for s in (201, 503, 0)))
        statuses = Counter(s for _, s, _ in seen)
        created = [int(note) for _, s, note in seen if s == 201]
        after_up = [at for at, s, _ in seen if s == 201 and at > up]
        recovery = (min(after_up) - up) if after_up else float("inf")
        problems = Counter(note for _, s, note in seen if s == 503)
        with live.client() as c:
            stats = c.get(f"/api/v1/events/{event['id']}/registrations/stats", headers=live.admin).json()
            stored: set[int] = set()
            while True:
                page = c.get(url, headers=live.admin, params={"limit": 500, "offset": len(stored)}).json()
                stored |= {item["id"] for item in page["items"]}
                if not page["items"]:
                    break
            listed = len(stored)
        print(f"answers: {dict(statuses)}; 503 types: {dict(problems)}")
        print(f"201 answers: {len(created)}; registrations stored: {listed}; confirmed: {stats['confirmed']}")
        print(f"first 201 after the database was back: {recovery:.2f} s")
        checks = {
            "only 201 and 503": set(statuses) <= {201, 503},
            "every 201 stored": set(created) <= stored,
            "no seat counted twice": stats["confirmed"] == listed,
            "recovered within 10 s": recovery <= 10.0,
        }
        for name, ok in checks.items():
            print(f"  {'ok ' if ok else 'FAIL'} {name}")
        return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
