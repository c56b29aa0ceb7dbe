"""A real server for concurrency tests and benchmarks: uvicorn with several worker processes.

`live_server(backend, tmp_dir)` makes a fresh database (tests.dbutil.fresh_database), builds
it with the Alembic migrations, starts

    uvicorn app.main:create_app --factory --workers N --host 127.0.0.1 --port <free port>

in its own process group with DATABASE_URL and ADMIN_TOKEN in the environment, waits until
every worker has started and /readyz answers, yields a `LiveServer`, and always stops the
whole process group afterwards (SIGTERM, then SIGKILL), also when the body raises. The
supervisor also gets SIGTERM if the process that started it dies (Linux PR_SET_PDEATHSIG).
"""

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.dbutil import ROOT, fresh_database, migrate

ADMIN_TOKEN = "live-admin-token-0123456789"
STARTED = "Application startup complete."


@dataclass(frozen=True)
class LiveServer:
    backend: str
    base_url: str
    database_url: str
    admin_token: str
    workers: int
    pid: int
    log_path: Path
    outbox_dir: Path | None = None

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=kwargs.pop("timeout", 60.0), **kwargs)

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)

    def log_digest(self, top: int = 12) -> str:
        """The server's warnings and errors, counted (digits folded), for a failure report."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        # JSON log lines (app/observability/logs.py); other lines (uvicorn's own start) as text
        wanted = ('"level": "warning"', '"level": "error"', '"level": "critical"', "WARNING", "ERROR")
        keyed = [
            re.sub(r"\d+", "N", re.sub(r'"ts": "[^"]*", ', "", line))
            for line in lines
            if any(w in line[:80] for w in wanted)
        ]
        return "\n".join(f"{n:5d} x {line[:240]}" for line, n in Counter(keyed).most_common(top)) or "(no warnings)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM it when the parent goes away (Linux only)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(proc: subprocess.Popen, *, grace: float = 15.0) -> None:
    """Stop the server and every worker: SIGTERM to the group, SIGKILL after `grace` seconds."""
    pgid = proc.pid  # start_new_session=True: the group id is the supervisor's pid
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(pgid):
                return
            time.sleep(0.05)
    proc.wait(timeout=5)
    if _group_alive(pgid):
        raise RuntimeError(f"server process group {pgid} survived SIGKILL")


def _wait_ready(proc: subprocess.Popen, base_url: str, log_path: Path, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=2.0) as client:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{_tail(log_path, 40)}")
            started = log_path.read_text(errors="replace").count(STARTED)
            if started >= workers:
                try:
                    if client.get("/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"server not ready after {timeout:.0f}s:\n{_tail(log_path, 40)}")
            time.sleep(0.1)


@contextmanager
def run_server(
    database_url: str,
    log_path: Path,
    *,
    workers: int = 4,
    admin_token: str = ADMIN_TOKEN,
    backend: str = "",
    extra_env: dict[str, str] | None = None,
    startup_timeout: float = 90.0,
) -> Iterator[LiveServer]:
    """Serve an already migrated database with `workers` uvicorn worker processes."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ADMIN_TOKEN": admin_token,
        # 4 workers x (5 + 5) connections stays well under PostgreSQL's default 100 (checked at start).
        "DB_POOL_SIZE": "5",
        "DB_MAX_OVERFLOW": "5",
        "WORKERS": str(workers),
        "LOG_LEVEL": "WARNING",
        # One client address sends everything here: per-address rate limits would only get in the way.
        "RATE_LIMIT_STORE": "off",
        # Messages are delivered in the workers, as with `make run`, into files off the source tree.
        "OUTBOX_DIR": str(Path(log_path).parent / "outbox"),
        **(extra_env or {}),
    }
    cmd = [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "info",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip
    try:
        _wait_ready(proc, base_url, log_path, workers, startup_timeout)
        yield LiveServer(
            backend, base_url, database_url, admin_token, workers, proc.pid, log_path, Path(env["OUTBOX_DIR"])
        )
    finally:
        stop_group(proc)


@contextmanager
def live_server(backend: str, tmp_dir: Path, *, workers: int = 4, **kwargs) -> Iterator[LiveServer]:
    """A fresh migrated database of `backend` ("sqlite" or "postgresql") served by uvicorn."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with fresh_database(backend, tmp_dir) as url:
        migrate(url)
        with run_server(url, tmp_dir / "server.log", workers=workers, backend=backend, **kwargs) as server:
            yield server
