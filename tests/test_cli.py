"""The command-line entry points work as `make demo` and `make retention` run them."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.dbutil import ROOT, migrate


def _run(args, url):
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_demo_and_retention_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(url)
    first = _run(["app.demo"], url)
    assert first.returncode == 0, first.stderr
    assert "150 participants" in first.stdout
    again = _run(["app.demo"], url)
    assert again.returncode == 0 and "already loaded" in again.stdout
    dry = _run(["app.retention", "--days", "30", "--dry-run"], url)
    assert dry.returncode == 0, dry.stderr
    assert "150 registrations anonymised (dry run)" in dry.stdout  # the 2022 seminar ended long ago


def test_demo_hint_names_the_servers_address(tmp_path):
    url = f"sqlite:///{tmp_path / 'hint.db'}"
    migrate(url)
    done = subprocess.run(
        [sys.executable, "-m", "app.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "SERVER_URL": "http://127.0.0.1:8765"},
    )
    assert done.returncode == 0, done.stderr
    assert "curl -s http://127.0.0.1:8765/api/v1/events/" in done.stdout
    assert "http://127.0.0.1:8765/events/" in done.stdout and ":8000" not in done.stdout


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
    assert _server_url(tmp_path) == "http://127.0.0.1:8000"  # no `make run` yet: the default
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "server-url").write_text("http://127.0.0.1:8765\n")  # what `make run PORT=8765` wrote
    assert _server_url(tmp_path) == "http://127.0.0.1:8765"
    assert _server_url(tmp_path, "PORT=9000") == "http://127.0.0.1:9000"  # given: used as given
    assert _server_url(tmp_path, "HOST=0.0.0.0") == "http://0.0.0.0:8000"
