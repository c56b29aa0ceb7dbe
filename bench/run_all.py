"""Run every benchmark in turn and print their figures: `make bench`.

Each benchmark is also runnable alone (see bench/README.md). PostgreSQL figures use
TEST_DATABASE_URL (default postgres@127.0.0.1:5432/test).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("voting rules (10,000 ballots, 100 topics, 10 seats)", ["bench_voting.py"]),
    ("workshop assignment (150 and 10,000 participants)", ["bench_assignment.py"]),
    ("exports (100,000 registrations, CSV and XLSX)", ["bench_exports.py"]),
    (
        "exports on PostgreSQL",
        [
            "bench_exports.py",
            "--postgres",
            os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ],
    ),
    ("HTTP registrations vs /healthz (4 workers, SQLite and PostgreSQL)", ["bench_http.py", "--backend", "both"]),
    ("wrk: the registration rush (healthz, registrations, enrollments, ballots; sqlite1, pg2, pg4)", ["bench_wrk.py"]),
]


def main() -> int:
    failed = 0
    for title, argv in BENCHES:
        print(f"\n=== {title} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / argv[0]), *argv[1:]], cwd=HERE.parent)
        print(f"--- {argv[0]}: exit {code}, {time.monotonic() - start:.1f} s", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
