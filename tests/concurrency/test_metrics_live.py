"""/metrics of a server with 4 worker processes sums every worker's samples."""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.concurrency.server import LiveServer

pytestmark = pytest.mark.slow


def _healthz_count(live: LiveServer) -> float:
    with live.client() as c:
        text = c.get("/metrics", headers=live.admin).text
    return sum(
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "http_requests_total" and s.labels.get("route") == "/healthz"
    )


def test_metrics_aggregate_all_workers(live: LiveServer) -> None:
    before = _healthz_count(live)

    def hit(_: int) -> list[int]:
        with live.client() as c:  # a new connection each: the kernel spreads them over the workers
            return [c.get("/healthz").status_code for _ in range(10)]

    with ThreadPoolExecutor(16) as pool:
        statuses = [s for batch in pool.map(hit, range(40)) for s in batch]
    assert statuses.count(200) == 400
    assert _healthz_count(live) - before == 400
    # several processes wrote samples (the supervisor's process group names the directory)
    files = list((Path(tempfile.gettempdir()) / f"seminar-metrics-{live.pid}").glob("counter_*.db"))
    assert len(files) >= 2, files
