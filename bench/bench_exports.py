"""Benchmark of the streaming exports: `.venv/bin/python bench/bench_exports.py [--rows N] [--postgres URL]`.

Builds a database with the Alembic migrations (a temporary SQLite file, or a fresh
PostgreSQL database with --postgres), bulk-inserts N registrations with Polish names (10% checked in), then runs the
export generators exactly as the HTTP routes do (keyset pages from SQL in Polish order ->
CSV / XLSX writer) and prints, per format: seconds, output size, Python peak memory
(tracemalloc, a separate run) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from app.checkin.models import Attendance
from app.common.collation import sort_key
from app.db import make_engine
from app.exports.columns import parse_columns, values
from app.exports.query import ExportSpec, stream_rows
from app.exports.writers import write_csv, write_xlsx
from app.registrations.models import Registration
from app.settings import Settings
from tests.dbutil import fresh_database, migrate

LAST = [
    "Nowak",
    "Kowalski",
    "Wiśniewska",
    "Wójcik",
    "Kowalczyk",
    "Kamińska",
    "Lewandowski",
    "Zieliński",
    "Szymańska",
    "Woźniak",
    "Dąbrowski",
    "Kozłowska",
    "Jankowski",
    "Mazur",
    "Kwiatkowska",
    "Krawczyk",
    "Piotrowski",
    "Grabowska",
    "Nowakowski",
    "Pawłowska",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Majewska",
    "Olszewski",
    "Stępień",
    "Malinowska",
    "Jaworski",
    "Adamczyk",
    "Dudek",
    "Nowicka",
    "Pawlak",
    "Górski",
    "Witkowska",
    "Walczak",
    "Sikora",
    "Baran",
    "Rutkowski",
    "Michalak",
    "Szewczyk",
    "Ostrowska",
    "Tomaszewski",
    "Pietrzak",
    "Zalewska",
    "Wróblewski",
    "Jasińska",
    "Łukasik",
    "Śliwa",
    "Żak",
    "Źrebiec",
    "Ćwik",
    "Łęcka",
    "Świątek",
    "Żurawski",
]
FIRST = [
    "Anna",
    "Łucja",
    "Małgorzata",
    "Żaneta",
    "Ewa",
    "Zofia",
    "Jan",
    "Piotr",
    "Paweł",
    "Łukasz",
    "Michał",
    "Krzysztof",
    "Agnieszka",
    "Katarzyna",
    "Ścibor",
    "Bożena",
    "Grzegorz",
    "Jędrzej",
    "Wojciech",
    "Źdźbło",
]
ORGS = [f"Gmina {n}" for n in ("Serock", "Łódź", "Śrem", "Żary", "Pułtusk", "Nasielsk", "Wyszków", "Zegrze")]


def seed(engine, n: int) -> int:
    rng = random.Random(2022)
    now = datetime(2022, 11, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        event_id = conn.execute(
            text(
                "INSERT INTO events (slug, title, venue, timezone, starts_on, ends_on, capacity, published, "
                "confirmed_count, waitlist_seq, created_at, updated_at) VALUES ('bench', 'Bench', 'Serock', "
                "'Europe/Warsaw', '2022-11-29', '2022-11-30', :n, true, :n, 0, :t, :t) RETURNING id"
            ),
            {"n": n, "t": now},
        ).scalar_one()
    batch = 10_000
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(start + batch, n)):
            last, first, org = rng.choice(LAST), rng.choice(FIRST), rng.choice(ORGS)
            at = now + timedelta(seconds=i)
            rows.append(
                dict(
                    event_id=event_id,
                    first_name=first,
                    last_name=last,
                    email=f"p{i}@example.pl",
                    email_normalized=f"p{i}@example.pl",
                    organization=org,
                    organization_normalized=org.lower(),
                    partnership="Partnerstwo Doliny Bugu",
                    position="Sekretarz",
                    category="local_government",
                    status="confirmed",
                    consent_at=at,
                    consent_version="2022-11-v1",
                    token_digest=f"{i:064x}",
                    created_at=at,
                    updated_at=at,
                    confirmed_at=at,
                    sort_key=sort_key(last, first),
                    checkin_version=1,
                )
            )
        with engine.begin() as conn:
            conn.execute(insert(Registration.__table__), rows)
            ids = [
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM registrations WHERE event_id = :e AND id % 10 = 0 AND id > :lo AND id <= :hi"),
                    {"e": event_id, "lo": start, "hi": start + batch},
                )
            ]
            if ids:
                conn.execute(
                    insert(Attendance.__table__),
                    [
                        dict(
                            event_id=event_id,
                            registration_id=r,
                            session_id=None,
                            checked_in_at=now + timedelta(days=28),
                            checked_in_by="bench",
                        )
                        for r in ids
                    ],
                )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # planner statistics, as autovacuum would gather them in production
    return event_id


def export(engine, event_id: int, fmt: str) -> Iterator[bytes]:
    cols = parse_columns(None, session=False)
    rows = values(stream_rows(engine, ExportSpec(event_id=event_id)), cols, ZoneInfo("Europe/Warsaw"))
    return write_xlsx(cols, rows) if fmt == "xlsx" else write_csv(cols, rows, delimiter=";")


def drain(make: Callable[[], Iterator[bytes]]) -> tuple[float, int]:
    t0, size = time.perf_counter(), 0
    for chunk in make():
        size += len(chunk)
    return time.perf_counter() - t0, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=None,
        help="run on a fresh database made on this PostgreSQL server (dropped afterwards), e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test; default: a temporary SQLite file",
    )
    args = parser.parse_args()
    if args.postgres:
        os.environ["TEST_DATABASE_URL"] = args.postgres
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database("postgresql" if args.postgres else "sqlite", Path(tmp)) as url,
    ):
        migrate(url)
        engine = make_engine(Settings(database_url=url))
        t0 = time.perf_counter()
        event_id = seed(engine, args.rows)
        backend = engine.dialect.name
        rss_seeded = _rss()
        print(
            f"exports of {args.rows:,} registrations ({backend}; seeded in {time.perf_counter() - t0:.1f} s), "
            "default columns, Polish order from the sort_key index"
        )
        for fmt in ("csv", "xlsx"):
            seconds, size = drain(lambda: export(engine, event_id, fmt))  # noqa: B023
            tracemalloc.start()
            drain(lambda: export(engine, event_id, fmt))  # noqa: B023
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(
                f"  {fmt:<5} {seconds:6.2f} s  {size / 2**20:6.1f} MiB out  {args.rows / seconds:9,.0f} rows/s"
                f"  py-peak {peak:5.1f} MiB"
            )
        print(f"  process peak RSS: {rss_seeded:.0f} MiB after seeding, {_rss():.0f} MiB after the exports")
        engine.dispose()


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
