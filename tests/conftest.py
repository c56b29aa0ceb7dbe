"""Fixtures: every API test runs against SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

The schema comes from the Alembic migrations, never from create_all.
"""

import os
import tempfile
from collections.abc import Iterator

# pytest-xdist's worker processes share one process group, hence one metrics directory
# (app/observability/metrics.py): each worker gets its own, before the app is imported, so a
# test's /metrics counts only its own process (and the servers it starts).
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("METRICS_DIR"):
    os.environ["METRICS_DIR"] = tempfile.mkdtemp(prefix=f"seminar-metrics-{os.environ['PYTEST_XDIST_WORKER']}-")

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.dbutil import backends, fresh_database, migrate, reset

ADMIN_TOKEN = "test-admin-token-0123456789"


@pytest.fixture(scope="session", params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Messages stay in the outbox until a test delivers them (tests/mailbox.py: deliver).
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        db_pool_size=5,
        rate_limit_store="off",
        outbox_dispatch="off",
        outbox_dir=str(tmp_path_factory.mktemp("outbox")),
        public_base_url="https://seminar.example",
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    reset(app.state.engine)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
