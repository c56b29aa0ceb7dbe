"""A long run of the model-based state-machine test: many more random scenarios than CI runs.

    .venv/bin/python bench/stateful_soak.py [--examples 500] [--steps 50] [--backend sqlite|postgresql|both]
                                             [--all-bugs]

Runs pytest on tests/test_state_machine.py (the same machine and invariants as in CI) with
STATEFUL_EXAMPLES / STATEFUL_STEPS raised (the test's timeout grows with them), streams its
output, and prints per database how many examples and steps ran and how long they took, then
every failure with the shrunk steps that reproduce it; the application's log lines go to
bench/results/stateful_soak.log. `--all-bugs` (STATEFUL_ALL_BUGS=1) shrinks and reports each
broken invariant separately instead of only the simplest one; shrinking then takes up to
Hypothesis's five-minute limit. PostgreSQL uses TEST_DATABASE_URL (default
postgres@127.0.0.1:5432/test). Exit status 1 when anything failed.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOG = ROOT / "bench" / "results" / "stateful_soak.log"  # the application's log lines (stderr)
SUMMARY = re.compile(r"state machine \((\w+)\): (\d+) examples, (\d+) steps, ([\d.]+) s")
FAILURE = re.compile(r"^(?:E|\s*\|)\s+(\S*(?:Broken|Error)\S*: .*)")
STEP = re.compile(r"^(?:E|\s*\|)\s+(state\.\S.*)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="Hypothesis examples per database")
    parser.add_argument("--steps", type=int, default=50, help="most steps per example")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--all-bugs", action="store_true", help="shrink and report every broken invariant")
    args = parser.parse_args()

    env = {
        **os.environ,
        "STATEFUL_EXAMPLES": str(args.examples),
        "STATEFUL_STEPS": str(args.steps),
        "STATEFUL_ALL_BUGS": "1" if args.all_bugs else "",
    }
    command = [sys.executable, "-m", "pytest", "tests/test_state_machine.py", "-s", "-q", "-p", "no:cacheprovider"]
    if args.backend == "sqlite":
        env.pop("TEST_DATABASE_URL", None)
    else:
        env.setdefault("TEST_DATABASE_URL", DEFAULT_PG)
        if args.backend == "postgresql":
            command += ["-k", "postgresql"]
    shown = " ".join([Path(sys.executable).name, *command[1:]])
    print(f"$ STATEFUL_EXAMPLES={args.examples} STATEFUL_STEPS={args.steps} {shown}", flush=True)

    started = time.monotonic()
    lines: list[str] = []
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with (
        LOG.open("w") as log,
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True) as proc,
    ):
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            print(line, end="", flush=True)
    elapsed = time.monotonic() - started

    print("\n=== stateful soak ===")
    print(f"{'backend':<12}{'examples':>10}{'steps':>10}{'seconds':>10}")
    for backend, examples, steps, seconds in (m.groups() for m in map(SUMMARY.search, lines) if m):
        print(f"{backend:<12}{examples:>10}{steps:>10}{float(seconds):>10.1f}")
    failures = [(i, m.group(1)) for i, m in enumerate(map(FAILURE.match, lines)) if m]
    for n, (i, message) in enumerate(failures, start=1):
        following = lines[i + 1 : failures[n][0] if n < len(failures) else len(lines)]
        steps = [m.group(1) for m in map(STEP.match, following) if m and m.group(1) != "state.consistent()"]
        print(f"\nfailure {n}: {message}")
        print("\n".join(f"    {step}" for step in steps))
    print(
        f"\n{'FAILED' if proc.returncode else 'passed'} (pytest exit {proc.returncode}) in {elapsed:.0f} s; "
        f"log lines in {LOG.relative_to(ROOT)}"
    )
    return 1 if proc.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
