"""Prometheus metrics, summed over every worker process of one server.

prometheus_client's multiprocess mode: each process writes its samples to memory-mapped
files in one directory, and `GET /metrics` reads them all. The directory is `METRICS_DIR`
when set (production: an empty tmpfs directory per server start), else one per process group
in the temporary directory (uvicorn's workers share their supervisor's process group). The
variable prometheus_client reads is set here, before it is imported, and again in every
process (a server started by another one gets its own directory).

No label ever holds personal data: routes are templates (`/api/v1/events/{event_id}/...`),
never paths with values.
"""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

METRICS_DIR = Path(os.environ.get("METRICS_DIR") or Path(tempfile.gettempdir()) / f"seminar-metrics-{os.getpgrp()}")
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)

from prometheus_client import (  # noqa: E402 - after PROMETHEUS_MULTIPROC_DIR is set
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402
from prometheus_client.registry import Collector  # noqa: E402

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LOCK_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)

REQUESTS = Counter("http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
IN_PROGRESS = Gauge("http_requests_in_progress", "Requests being served now.", multiprocess_mode="livesum")
QUEUED = Gauge(
    "http_requests_queued", "Requests waiting for a free slot (MAX_CONCURRENT_REQUESTS).", multiprocess_mode="livesum"
)
UNAVAILABLE = Counter("http_unavailable_total", "503 answers, by problem type (busy, unavailable, ...).", ["type"])
DB_IN_USE = Gauge(
    "db_connections_in_use", "Database connections checked out of the pools.", multiprocess_mode="livesum"
)
LOCK_WAIT = Histogram(
    "db_lock_wait_seconds", "Time spent waiting for row locks or the SQLite write gate.", ["lock"], buckets=LOCK_BUCKETS
)

OUTBOX_DELIVERIES = Counter(
    "outbox_deliveries_total", "Delivery attempts of queued messages, by channel and outcome.", ["channel", "outcome"]
)
TRANSACTION_RETRIES = Counter(
    "transaction_retries_total", "Transactions run again after a transient collision (app/transactions.py)."
)
OUTBOX_YIELDED = Counter("outbox_yielded_seconds", "Seconds in-process delivery waited for a rush of requests to calm.")
OUTBOX_SECONDS = Histogram(
    "outbox_delivery_seconds", "Time one delivery attempt took.", ["channel"], buckets=LATENCY_BUCKETS
)


def observe_delivery(channel: str, outcome: str, seconds: float) -> None:
    OUTBOX_DELIVERIES.labels(channel, outcome).inc()
    OUTBOX_SECONDS.labels(channel).observe(seconds)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def observe_lock_wait(lock: str, seconds: float) -> None:
    LOCK_WAIT.labels(lock).observe(seconds)


def count_unavailable(problem_type: str) -> None:
    UNAVAILABLE.labels(problem_type.rsplit("/", 1)[-1]).inc()


def render(backlog: dict[str, int] | None = None) -> tuple[bytes, str]:
    """The text exposition of every process's samples, and the outbox's messages by status
    (read from the database at scrape time: one number for all processes)."""
    _forget_dead_processes()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(METRICS_DIR))  # type: ignore[no-untyped-call]
    body = generate_latest(registry)
    if backlog is not None:
        family = GaugeMetricFamily("outbox_messages", "Messages in the outbox, by status.", labels=["status"])
        for status, n in sorted(backlog.items()):
            family.add_metric([status], n)
        extra = CollectorRegistry()
        extra.register(_Fixed([family]))
        body += generate_latest(extra)
    return body, CONTENT_TYPE_LATEST


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def _forget_dead_processes() -> None:
    """Drop the live gauges (in progress, queued, connections) of worker processes that are gone,
    also those that died without cleaning up; their counters stay in the sums."""
    for path in METRICS_DIR.glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, path=str(METRICS_DIR))  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, another user's
