"""The connection budget (issue 23): a worker's pool is sized from the requests it serves at
once, never grows past it, and the start warns when the workers could exhaust PostgreSQL."""

import logging
import time
from contextlib import ExitStack

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from app.db import RESERVED_CONNECTIONS, check_connection_budget, concurrency_limit, make_engine, pool_size
from app.settings import Settings

POSTGRES_DEFAULT_MAX_CONNECTIONS = 100


def test_the_defaults_fit_postgresql_with_the_images_four_workers() -> None:
    settings = Settings(_env_file=None, workers=4)  # type: ignore[call-arg]
    per_worker = pool_size(settings) + settings.db_max_overflow
    assert settings.db_max_overflow == 0
    assert pool_size(settings) >= concurrency_limit(settings)  # every request it lets in finds a connection
    assert settings.workers * per_worker + RESERVED_CONNECTIONS <= POSTGRES_DEFAULT_MAX_CONNECTIONS


def test_a_request_waits_for_a_connection_instead_of_opening_one_more(database_url: str) -> None:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        max_concurrent_requests=3,  # type: ignore[call-arg]
        db_lock_timeout_ms=300,
    )
    engine = make_engine(settings)
    try:
        with ExitStack() as held:
            for _ in range(pool_size(settings)):
                held.enter_context(engine.connect()).execute(text("SELECT 1"))
            started = time.monotonic()
            with pytest.raises(sqlalchemy.exc.TimeoutError):
                engine.connect()
            assert time.monotonic() - started >= 0.25  # it waited DB_LOCK_TIMEOUT_MS for one to come back
        with engine.connect() as conn:  # given back: the next one gets it at once
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_the_start_warns_when_the_workers_could_exhaust_the_server(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="app.db")
    fits = Settings(_env_file=None, database_url=database_url, workers=1)  # type: ignore[call-arg]
    too_many = fits.model_copy(update={"workers": 50})
    for settings in (fits, too_many):
        engine = make_engine(settings)
        try:
            limit = check_connection_budget(engine, settings)
        finally:
            engine.dispose()
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.db"]
    if database_url.startswith("sqlite"):
        assert limit is None and not warnings  # SQLite has no connection limit
    else:
        assert limit is not None and limit >= RESERVED_CONNECTIONS
        [warning] = warnings  # the server of 50 workers, not the one of 1
        assert "max_connections" in warning and "50 workers" in warning
