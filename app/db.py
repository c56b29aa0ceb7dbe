"""Database engine and the per-request transaction.

SQLite (embedded default): WAL journal, a busy timeout, foreign keys on, and write
requests open their transaction with ``BEGIN IMMEDIATE`` so that concurrent writers from
several worker processes queue on the database lock instead of failing half-way.

PostgreSQL (production): a connection pool per worker process; capacity is guarded by
row locks / conditional updates inside the request's transaction, with a lock timeout.

One request = one transaction: `get_db` commits when the route returns and rolls back on
any error. Services only ``flush()``.
"""

import functools
import inspect
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.observability import metrics
from app.settings import Settings
from app.transactions import retrying

log = logging.getLogger("app.db")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
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
            **_pool(settings),
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
    pool = {} if in_memory else _pool(settings)
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
        # Straight to the driver: SQLAlchemy's statement machinery cost as much as the BEGIN.
        conn.connection.driver_connection.execute(_BEGIN[mode])  # type: ignore[union-attr]

    return engine


_BEGIN = {"DEFERRED": "BEGIN DEFERRED", "IMMEDIATE": "BEGIN IMMEDIATE"}


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


THREADS_PER_WORKER = 40  # AnyIO's default thread limiter, which runs sync endpoints
# Connections of a worker beyond its requests': the in-process deliverer's (its threads hold
# one for a statement or two, and wait for one otherwise) and /metrics (not queued).
POOL_HEADROOM = 2
# Connections of a PostgreSQL server kept out of the workers' budget: the superuser's reserve
# (3), migrations, a separate deliverer (`make worker`), an operator's psql.
RESERVED_CONNECTIONS = 10


def pool_size(settings: Settings) -> int:
    """Connections one worker keeps: DB_POOL_SIZE, else its requests at once plus the headroom."""
    if settings.db_pool_size is not None:
        return settings.db_pool_size
    return max(1, min(settings.max_concurrent_requests, THREADS_PER_WORKER - 2)) + POOL_HEADROOM


def _pool(settings: Settings) -> dict[str, Any]:
    """A fixed pool: past it a request waits (DB_LOCK_TIMEOUT_MS, then 503) for a connection to
    come back instead of opening one more, so the workers never exceed their budget."""
    return {
        "pool_size": pool_size(settings),
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_lock_timeout_ms / 1000,
    }


def concurrency_limit(settings: Settings) -> int:
    """Requests that may work at once in one worker: below the threads and the connections."""
    return max(
        1, min(settings.max_concurrent_requests, pool_size(settings) + settings.db_max_overflow, THREADS_PER_WORKER - 2)
    )


def check_connection_budget(engine: Engine, settings: Settings) -> int | None:
    """PostgreSQL: warn when `workers x pool + reserve` exceeds the server's max_connections (under
    load it would refuse connections: 503 "database unavailable"). Its max_connections, or None
    (SQLite, or the database not answering yet)."""
    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.connect() as conn:
            limit = int(conn.execute(text("SHOW max_connections")).scalar_one())
    except (DBAPIError, ValueError):
        log.warning("could not read max_connections to check the connection budget")
        return None
    per_worker = pool_size(settings) + settings.db_max_overflow
    needed = settings.workers * per_worker + RESERVED_CONNECTIONS
    if needed > limit:
        log.warning(
            "connection budget: %d workers x %d connections + %d reserved = %d > max_connections %d; "
            "lower WORKERS, MAX_CONCURRENT_REQUESTS or DB_POOL_SIZE, or raise max_connections",
            settings.workers,
            per_worker,
            RESERVED_CONNECTIONS,
            needed,
            limit,
        )
    return limit


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

    def acquire(self, *, observed: bool = True) -> None:
        started = time.perf_counter()
        if not self._lock.acquire(timeout=self.timeout):
            raise OperationalError("write gate", {}, Exception("database is locked (write gate)"))
        if observed:
            metrics.observe_lock_wait("sqlite_write_gate", time.perf_counter() - started)

    def release(self) -> None:
        self._lock.release()

    @contextmanager
    def held(self, *, observed: bool = True) -> Iterator[None]:
        self.acquire(observed=observed)
        try:
            yield
        finally:
            self.release()


class Gate(Protocol):
    """What a unit of work needs of a write gate (WriteGate, or a test's own)."""

    def held(self, *, observed: bool = True) -> AbstractContextManager[None]: ...


def make_write_gate(engine: Engine, settings: Settings) -> WriteGate | None:
    return WriteGate(settings.db_lock_timeout_ms / 1000) if engine.dialect.name == "sqlite" else None


# --- the request's transaction ------------------------------------------------------------------
#
# Opening the request's session costs no I/O: the connection, the write gate and (on SQLite)
# BEGIN IMMEDIATE come with its first statement, in the thread that runs the route. A sync
# route (`TransactionRoute`) commits in that same thread the moment it returns, so the locks it
# took (the event's row, SQLite's write gate) are not held while the request waits for the
# event loop to hand it back to the thread pool for the commit; only a route that fails, an
# async route, or one whose dependencies still write after it (the audit entry) commits in
# `get_db`'s teardown. Either way the commit precedes the answer, and a failed commit is
# reported to the client instead of a success that was never stored.

GATE_KEY, GATE_HELD_KEY = "write_gate", "write_gate_held"  # Session.info
WAKE_KEY = "wake_deliverer"  # Session.info: called after a commit that queued messages
ENDPOINT_KEY = "endpoint"  # Session.info: the endpoint of the route the session was opened for
# Session.info: a dependency writes after the route has returned (audited_organizer), so the
# route's thread must leave the commit to get_db's teardown.
WRITES_AFTER_ROUTE = "writes_after_route"
_CURRENT: ContextVar["RequestSession | None"] = ContextVar("request_session", default=None)


class RequestSession(Session):
    """The session of one request (one transaction)."""

    finished = False


@event.listens_for(RequestSession, "after_transaction_create")
def _enter_write_gate(session: Session, transaction: SessionTransaction) -> None:
    """A writer's first statement waits at its process's write gate (SQLite), before BEGIN."""
    gate: WriteGate | None = session.info.get(GATE_KEY)
    if gate is not None and transaction.parent is None and not session.info.get(GATE_HELD_KEY):
        gate.acquire()
        session.info[GATE_HELD_KEY] = True


def write_engine(engine: Engine) -> Engine:
    """The engine whose transactions start as writes (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if engine.dialect.name == "sqlite" else engine


def _request_session(request: Request) -> RequestSession:
    state = request.app.state
    write = _route_writes(request)
    session = RequestSession(state.write_engine if write else state.engine, expire_on_commit=False)
    session.info["settings"] = state.settings
    if write and state.write_gate is not None:
        session.info[GATE_KEY] = state.write_gate
    dispatcher = getattr(state, "dispatcher", None)
    if dispatcher is not None:
        session.info[WAKE_KEY] = dispatcher.wake
    return session


def _finish(session: RequestSession, ok: bool) -> None:
    """Commit (or roll back) and close the request's session; its write gate opens after."""
    if session.finished:
        return
    session.finished = True
    try:
        if ok:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if session.info.pop(GATE_HELD_KEY, False):
            session.info[GATE_KEY].release()
    if ok and session.info.get("outbox_queued") and WAKE_KEY in session.info:
        session.info[WAKE_KEY]()


def commit_after_route(session: Session) -> None:
    """Called by a dependency that writes after the route has returned: commit after it."""
    session.info[WRITES_AFTER_ROUTE] = True


def _commits_on_return(endpoint: F) -> F:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        session = _CURRENT.get()
        # Only the session get_db opened for this very route (a context copied into a nested
        # call, as in tests, may still name another request's session).
        if session is None or session.info.get(ENDPOINT_KEY) is not run:
            return endpoint(*args, **kwargs)
        owned = session

        def attempt() -> Any:
            try:
                return endpoint(*args, **kwargs)
            except Exception:
                owned.rollback()  # the objects the route was given are read again on their next use
                raise

        result = retrying(attempt)
        if not owned.info.get(WRITES_AFTER_ROUTE):
            _finish(owned, True)
        return result

    return run  # type: ignore[return-value]


class TransactionRoute(APIRoute):
    """A route whose sync endpoint is the request's unit of work: run again after a transient
    collision (app/transactions.py), and committed in its own thread."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _commits_on_return(endpoint)
        super().__init__(path, endpoint, **kwargs)


def unit_of_work(
    engine: Engine, work: Callable[[Session], T], *, write: bool = True, gate: Gate | None = None, observed: bool = True
) -> T:
    """`work` in a transaction of its own, committed when it returns, rolled back when it fails,
    and run again after a transient collision (app/transactions.py): the command line, the demo
    and the outbox deliverer, as TransactionRoute does for the routes. On SQLite a writer waits
    at the process's write gate first, when there is one."""

    def attempt() -> T:
        with (
            gate.held(observed=observed) if gate is not None and write else nullcontext(),
            open_session(engine, write=write) as db,
        ):
            result = work(db)
            db.commit()
            return result

    return retrying(attempt)


@contextmanager
def request_transaction(request: Request) -> Iterator[Session]:
    """The request's transaction for work run in a thread of its own (see get_db)."""
    session = _request_session(request)
    try:
        yield session
    except BaseException:
        _finish(session, False)
        raise
    _finish(session, True)


async def get_db(request: Request) -> AsyncIterator[Session]:
    session = _request_session(request)
    session.info[ENDPOINT_KEY] = getattr(request.scope.get("route"), "endpoint", None)
    _CURRENT.set(session)  # the request's task context, copied into the route's thread
    try:
        yield session
    except BaseException:
        if not session.finished:
            with anyio.CancelScope(shield=True):  # a client gone mid-request still frees its gate
                await run_in_threadpool(_finish, session, False)
        raise
    if not session.finished:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(_finish, session, True)


# scope="function": the transaction ends before the response is sent, so a failed commit is
# reported to the client instead of a success that was never stored.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
