"""HTTP throughput of registration against the real server (uvicorn, several worker processes).

    .venv/bin/python bench/bench_http.py [--backend sqlite|postgresql|both] [--workers 4]
                                          [--requests 2000] [--concurrency 32]

For each backend: a fresh database built by the Alembic migrations, served exactly as in
the concurrency tests (tests/concurrency/server.py), loopback only. It sends `--requests`
POST registrations (distinct e-mails, into an event with room for all of them) and as many
GET /healthz, each from `--concurrency` threads with one httpx.Client each, and prints
requests/s, p50 and p99 latency and the registration/healthz throughput ratio.
PostgreSQL uses TEST_DATABASE_URL (default: postgres@127.0.0.1:5432/test) and drops its
database afterwards. The load generator runs on the same machine and takes CPU too.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.concurrency.server import LiveServer, live_server

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WARMUP = 50


@dataclass
class Result:
    backend: str
    name: str
    ok: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000 if ordered else float("nan")


Send = Callable[[httpx.Client, int], httpx.Response]


def load(server: LiveServer, send: Send, requests: int, concurrency: int) -> tuple[int, int, float, list[float]]:
    """Send `requests` requests from `concurrency` threads; (ok, errors, seconds, latencies)."""
    counter, lock = itertools.count(), threading.Lock()

    def worker() -> tuple[int, int, list[float]]:
        ok = errors = 0
        latencies: list[float] = []
        with server.client(timeout=60.0) as client:
            while True:
                with lock:
                    i = next(counter)
                if i >= requests:
                    return ok, errors, latencies
                start = time.perf_counter()
                try:
                    good = send(client, i).is_success
                except httpx.TransportError:
                    good = False
                latencies.append(time.perf_counter() - start)
                ok, errors = ok + good, errors + (not good)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        parts = [f.result() for f in [pool.submit(worker) for _ in range(concurrency)]]
    seconds = time.perf_counter() - started
    return sum(p[0] for p in parts), sum(p[1] for p in parts), seconds, [x for p in parts for x in p[2]]


def make_event(server: LiveServer, capacity: int) -> int:
    body = {
        "slug": f"bench-{uuid.uuid4().hex[:10]}", "title": "Benchmark", "venue": "Serock",
        "timezone": "Europe/Warsaw", "starts_on": "2022-11-29", "ends_on": "2022-11-30", "capacity": capacity,
    }  # fmt: skip
    with server.client() as client:
        response = client.post("/api/v1/events", json=body, headers=server.admin)
    response.raise_for_status()
    return response.json()["id"]


def bench_backend(backend: str, *, workers: int, requests: int, concurrency: int) -> list[Result]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-http-") as tmp,
        live_server(backend, Path(tmp), workers=workers) as server,
    ):
        url = f"/api/v1/events/{make_event(server, requests + WARMUP)}/registrations"

        def register(client: httpx.Client, i: int) -> httpx.Response:
            body = {
                "first_name": "Jan", "last_name": f"Kowalski-{i}", "email": f"bench-{i}@gmina-serock.pl",
                "organization": f"Gmina {i % 50}", "consent": True,
            }  # fmt: skip
            return client.post(url, json=body)

        def healthz(client: httpx.Client, _: int) -> httpx.Response:
            return client.get("/healthz")

        results = []
        for name, send in (("POST registrations", register), ("GET /healthz", healthz)):
            # Warm-up (not measured): e-mails numbered after the measured ones.
            load(server, lambda c, i, s=send: s(c, requests + i), WARMUP, min(concurrency, WARMUP))
            ok, errors, seconds, latencies = load(server, send, requests, concurrency)
            results.append(Result(backend, name, ok, errors, seconds, latencies))
        return results


def print_table(results: list[Result], workers: int, concurrency: int) -> None:
    print(f"\nHTTP benchmark: uvicorn --workers {workers}, {concurrency} client threads, loopback")
    head = f"{'backend':<11} {'endpoint':<19} {'ok':>6} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    print(head + "\n" + "-" * len(head))
    for r in results:
        figures = f"{r.ok:>6} {r.errors:>6} {r.rate:>8.1f} {r.pct(0.5):>8.1f} {r.pct(0.99):>8.1f}"
        print(f"{r.backend:<11} {r.name:<19} {figures}")
    for backend in dict.fromkeys(r.backend for r in results):
        reg, health = (r for r in results if r.backend == backend)
        ratio = reg.rate / health.rate if health.rate else float("nan")
        print(f"{backend}: registration/healthz throughput = {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 256 or not 1 <= args.workers <= 16:
        parser.error("bounds: 1 <= requests <= 100000, 1 <= concurrency <= 256, 1 <= workers <= 16")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends:
        os.environ.setdefault("TEST_DATABASE_URL", DEFAULT_PG)
    results: list[Result] = []
    for backend in backends:
        print(f"{backend}: {args.requests} registrations, then {args.requests} healthz ...", flush=True)
        results += bench_backend(backend, workers=args.workers, requests=args.requests, concurrency=args.concurrency)
    print_table(results, args.workers, args.concurrency)
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
