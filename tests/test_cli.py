"""The command-line entry points work as `make demo` and `make retention` run them."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.dbutil import ROOT, migrate


def _in(cwd, args, url, **env):
    full = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), **env}
    if "SERVER_URL" not in env:
        full.pop("SERVER_URL", None)
    done = subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_demo_and_retention_commands(tmp_path):
    """Two `make run`s on two databases (as the Makefile records them), then `make demo` on one of
    them, twice: the hint names that database and its server, never the other one's; then
    `make retention`."""
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    migrate(a)
    _in(tmp_path, ["app.servers", "http://127.0.0.1:8765"], a)  # make run PORT=8765 on a.db
    _in(tmp_path, ["app.servers", "http://127.0.0.1:8766"], b)  # then make run PORT=8766 on b.db: the last one
    record = tmp_path / "data" / "server-url"
    assert record.read_text().startswith("http://127.0.0.1:8766\tsqlite:///")  # the newest first
    first = _in(tmp_path, ["app.demo"], a)
    for out in (first, _in(tmp_path, ["app.demo"], a)):  # loaded, then already loaded
        assert f"Database: sqlite:///{tmp_path / 'a.db'}" in out
        assert (
            "Server: http://127.0.0.1:8765" in out and "curl -s http://127.0.0.1:8765/api/v1/events/1/sessions" in out
        )
        assert "http://127.0.0.1:8765/events/1" in out and ":8766" not in out and ":8000" not in out
    assert "150 participants" in first and "already loaded" in out and "demo event 1 " in out
    # HOST/PORT given (SERVER_URL) are used as given, with a word when that server had another database
    given = _in(tmp_path, ["app.demo"], a, SERVER_URL="http://127.0.0.1:8766")
    assert "Server: http://127.0.0.1:8766" in given
    assert f"Note: the last `make run` at http://127.0.0.1:8766 served sqlite:///{tmp_path / 'b.db'}" in given
    # no `make run` on this database: it says so, with no address
    record.write_text("http://127.0.0.1:8766\n")  # an older make run's file
    alone = _in(tmp_path, ["app.demo"], a)
    assert "No `make run` has served this database yet" in alone and "http://" not in alone
    # and a database URL's password is never printed nor recorded
    _in(tmp_path, ["app.servers", "http://127.0.0.1:9000"], "postgresql+psycopg://app:hunter2@db.example/seminar")
    assert record.read_text().startswith("http://127.0.0.1:9000\tpostgresql+psycopg://app:***@db.example/seminar\n")
    assert "hunter2" not in record.read_text()
    dry = _in(tmp_path, ["app.retention", "--days", "30", "--dry-run"], a)
    assert "150 registrations anonymised (dry run)" in dry  # the 2022 seminar ended long ago


# --- the Makefile, run for real with a stand-in interpreter -------------------------------

FAKE_PYTHON = """#!/bin/sh
# A stand-in for python3 and .venv/bin/python: `-m venv DIR` makes DIR/bin/python (this script),
# every call is logged, and two calls at once are an error (like two pip runs in one venv).
mkdir "{log}.busy" 2>/dev/null || {{ echo "two installs at once" >&2; exit 1; }}
sleep 0.5
echo "$*" >> "{log}"
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi
rmdir "{log}.busy"
"""


def _make(args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.Popen(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _two_installs_at_once(tmp_path, *extra):
    for name in ("pyproject.toml", "requirements.lock", "requirements-dev.lock", "requirements-reference.txt"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    log = tmp_path / "calls.log"
    fake = tmp_path / "python3"
    fake.write_text(FAKE_PYTHON.format(log=log))
    fake.chmod(0o755)
    args = ["install", f"VENV={tmp_path / '.venv'}", f"PYTHON={fake}", *extra]
    runs = [_make(args, tmp_path), _make(args, tmp_path)]
    outcomes = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in runs]
    return outcomes, (log.read_text().splitlines() if log.exists() else [])


@pytest.mark.skipif(shutil.which("flock") is None or shutil.which("make") is None, reason="needs make and flock")
def test_two_installs_at_once_build_the_venv_once(tmp_path):
    outcomes, calls = _two_installs_at_once(tmp_path)
    assert [rc for rc, _ in outcomes] == [0, 0], outcomes
    assert len(calls) == 5 and calls[0].startswith("-m venv"), calls  # venv + 4 pip runs, by one of the two
    assert (tmp_path / ".venv" / ".installed-stamp").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_without_the_lock_two_installs_collide(tmp_path):
    """The stand-in above does detect what the lock prevents (INSTALL_LOCKED=1 skips the lock)."""
    outcomes, _ = _two_installs_at_once(tmp_path, "INSTALL_LOCKED=1")
    assert any(rc != 0 and "two installs at once" in err for rc, err in outcomes), outcomes


def _server_url(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "HOST", "PORT")}
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(ROOT / "Makefile"),
            "--eval",
            "print-server-url: ; @echo $(SERVER_URL)",
            "print-server-url",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_is_told_the_address_of_the_server(tmp_path):
    """Only HOST/PORT given are passed on; else app.demo asks data/server-url for its own database."""
    assert _server_url(tmp_path) == ""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "server-url").write_text("http://127.0.0.1:8765\tsqlite:////elsewhere/other.db\n")
    assert _server_url(tmp_path) == ""  # never another database's server
    assert _server_url(tmp_path, "PORT=9000") == "http://127.0.0.1:9000"  # given: used as given
    assert _server_url(tmp_path, "HOST=0.0.0.0") == "http://0.0.0.0:8000"
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert '$(BIN)/python -m app.servers "http://$(HOST):$(PORT)"' in recipe  # make run records itself
