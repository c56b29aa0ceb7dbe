"""Database engine and the per-request transaction.

SQLite (embedded default): WAL journal, a busy timeout, foreign keys on, and write
requests open their transaction with ``BEGIN IMMEDIATE`` so that concurrent writers from
several worker processes queue on the database lock instead of failing half-way.

PostgreSQL (production): a connection pool per worker process; capacity is guarded by
row locks / conditional updates inside the request's transaction, with a lock timeout.

One request = one transaction: `get_db` commits when the route returns and rolls back on
any error. Services only ``flush()``.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from app.observability import metrics
from app.settings import Settings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])
# Connection execution option read by the SQLite "begin" hook.
SQLITE_BEGIN = "sqlite_begin"


def make_engine(settings: Settings) -> Engine:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(settings)
    else:
        # No pool_pre_ping (a round trip before every request): a connection that died with a
        # database restart fails its request with 503, and SQLAlchemy then discards every
        # pooled connection made before the failure, so the next requests connect afresh.
        engine = create_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_pre_ping=settings.db_pool_pre_ping,
            connect_args={"options": f"-c lock_timeout={settings.db_lock_timeout_ms} -c timezone=UTC"},
        )
    event.listen(engine, "checkout", _checked_out)
    event.listen(engine, "checkin", _checked_in)
    return engine


def _checked_out(*_: object) -> None:
    metrics.DB_IN_USE.inc()


def _checked_in(*_: object) -> None:
    metrics.DB_IN_USE.dec()


def _sqlite_engine(settings: Settings) -> Engine:
    url = make_url(settings.database_url)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    in_memory = not url.database or url.database == ":memory:"
    pool = {} if in_memory else {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": settings.db_lock_timeout_ms / 1000}, **pool
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are off).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(settings.db_lock_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # SQLite's built-in lower() only knows ASCII; use Python's so 'Ż' matches 'ż' as on PostgreSQL.
        dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


THREADS_PER_WORKER = 40  # AnyIO's default thread limiter, which runs sync endpoints


def concurrency_limit(settings: Settings) -> int:
    """Requests that may work at once in one worker: below the threads and the connections."""
    return max(1, min(settings.max_concurrent_requests, settings.db_pool_size + settings.db_max_overflow,
                      THREADS_PER_WORKER - 2))


def open_session(engine: Engine, *, write: bool = False) -> Session:
    """A session whose first statement starts a transaction (IMMEDIATE on SQLite for writes)."""
    session = Session(engine, expire_on_commit=False)
    if write and engine.dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
    return session


def writes(endpoint: F) -> F:
    """Declare a GET route that writes (an audit entry): its transaction starts as a write.

    On SQLite a read transaction cannot become a write one while another writer is active
    (SQLITE_BUSY at once, whatever the busy timeout), so such a route must say so up front.
    """
    endpoint.writes_db = True  # type: ignore[attr-defined]
    return endpoint


def _route_writes(request: Request) -> bool:
    if request.method in WRITE_METHODS:
        return True
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    return bool(getattr(endpoint, "writes_db", False))


class WriteGate:
    """SQLite: the writers of one process queue here, in order, instead of in SQLite's busy handler.

    SQLite lets one writer in at a time; the others poll the file lock with growing sleeps (up
    to 100 ms each), which is what made the p99 of a registration rush. Writers of one worker
    process wait on this lock instead and are woken the moment the previous one commits.
    Writers of other processes still meet at the database lock (BEGIN IMMEDIATE, busy timeout),
    which is also what guarantees correctness: this gate only orders them (a plain Lock, so
    the thread that finishes a request may release what another thread took).
    """

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self.timeout = timeout

    @contextmanager
    def held(self) -> Iterator[None]:
        started = time.perf_counter()
        if not self._lock.acquire(timeout=self.timeout):
            raise OperationalError("write gate", {}, Exception("database is locked (write gate)"))
        metrics.observe_lock_wait("sqlite_write_gate", time.perf_counter() - started)
        try:
            yield
        finally:
            self._lock.release()


def make_write_gate(engine: Engine, settings: Settings) -> WriteGate | None:
    return WriteGate(settings.db_lock_timeout_ms / 1000) if engine.dialect.name == "sqlite" else None


def get_db(request: Request) -> Iterator[Session]:
    write = _route_writes(request)
    gate: WriteGate | None = request.app.state.write_gate if write else None
    with gate.held() if gate is not None else nullcontext():
        session = open_session(request.app.state.engine, write=write)
        session.info["settings"] = request.app.state.settings
        try:
            yield session
            session.commit()
            if session.info.get("outbox_queued"):
                _wake_deliverer(request)
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _wake_deliverer(request: Request) -> None:
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wake()


# scope="function": commit runs before the response is sent, so a failed commit is
# reported to the client instead of a success that was never stored.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
