"""A real multi-process server per database backend, shared by the concurrency tests."""

from collections.abc import Iterator

import pytest

from tests.concurrency.server import LiveServer, live_server
from tests.dbutil import backends

WORKERS = 4


@pytest.fixture(scope="session", params=backends())
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn with 4 worker processes on a fresh, migrated database; stopped at the end."""
    with live_server(request.param, tmp_path_factory.mktemp(f"live-{request.param}"), workers=WORKERS) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """When a test on the live server fails, show what the server logged."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append((f"server warnings and errors ({server.backend})", server.log_digest()))
    return report
