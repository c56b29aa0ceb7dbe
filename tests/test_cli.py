"""The command-line entry points work as `make demo` and `make retention` run them."""

import os
import subprocess
import sys

from tests.dbutil import ROOT, migrate


def _run(args, url):
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


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
