"""The outbox's delivery rate to a real SMTP server on loopback (issue 13).

    .venv/bin/python bench/bench_outbox.py [--messages 2000] [--concurrency 8]

For each case a fresh database gets `--messages` queued e-mails (rendered confirmation
messages, each with a sealed personal link, as a registration queues them). Then 1 or 2
deliverer processes (`python -m app.worker`, each with `--concurrency` deliveries in flight)
are started against an aiosmtpd server on 127.0.0.1, and the time until the last message is
recorded as sent is measured. Checks: every message arrived, none twice (Message-IDs), all
rows `sent`. Cases: SQLite with 1 and 2 deliverers, PostgreSQL (TEST_DATABASE_URL, default
postgres@127.0.0.1:5432/test) with 1 and 2. Exit status 1 when a check fails.

aiosmtpd is a single asyncio process written in Python: it is part of what is measured; a
production MTA accepts faster.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func
from sqlmodel import Session, select

from app.db import make_engine, open_session
from app.events.models import Event
from app.keyring import service as keyring
from app.messages import outbox, render
from app.messages.models import MessageStatus, OutboxMessage
from app.messages.notices import SECRET_MARK, base_context
from app.settings import Settings
from tests.dbutil import fresh_database, migrate
from tests.mailbox import mailbox

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def queue(settings: Settings, n: int) -> None:
    engine = make_engine(settings)
    try:
        with open_session(engine, write=True) as db:
            event = Event(
                slug="bench-outbox",
                title="Seminarium sieciujące partnerstw – Serock",
                venue="Hotel Narvil, Serock",
                timezone="Europe/Warsaw",
                starts_on=date(2022, 11, 29),
                ends_on=date(2022, 11, 30),
                capacity=n,
            )
            db.add(event)
            db.flush()
            for i in range(n):
                context = base_context(settings, event, "pl") | {
                    "first_name": "Łucja",
                    "last_name": f"Żółkiewska-{i}",
                    "status": "confirmed",
                    "position": None,
                    "self_service_url": f"{settings.public_base_url}/me#token={SECRET_MARK}",
                }
                message = render.render("registration.created", "pl", context)
                outbox.enqueue_email(
                    db,
                    kind="registration.created",
                    event_id=event.id,
                    registration_id=None,
                    to=f"lucja.{i}@gmina-serock.pl",
                    to_name=f"Łucja Żółkiewska-{i}",
                    language="pl",
                    subject=message.subject,
                    text=message.text,
                    html=message.html,
                    sealed_secret=keyring.seal(db, settings, f"reg_{i:043d}"),
                )
            db.commit()
    finally:
        engine.dispose()


def sent_count(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        with Session(engine) as db:
            return int(
                db.exec(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.sent)
                ).one()
            )
    finally:
        engine.dispose()


def run_case(backend: str, deliverers: int, args: argparse.Namespace) -> tuple[float, list[str]]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp, fresh_database(backend, Path(tmp)) as url:
        migrate(url)
        settings = Settings(database_url=url, secret_key="bench-outbox-key")
        queue(settings, args.messages)
        with mailbox() as box:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SMTP_URL": box.url.get_secret_value(),
                "SECRET_KEY": "bench-outbox-key",
                "OUTBOX_DISPATCH": "off",
                "OUTBOX_CONCURRENCY": str(args.concurrency),
                "OUTBOX_POLL_SECONDS": "0.05",
                "LOG_LEVEL": "WARNING",
            }
            started = time.monotonic()
            procs = [
                subprocess.Popen([sys.executable, "-m", "app.worker"], cwd=ROOT, env=env) for _ in range(deliverers)
            ]
            try:
                while sent_count(settings) < args.messages:
                    if time.monotonic() - started > 600:
                        problems.append("not all messages were sent within 10 minutes")
                        break
                    time.sleep(0.05)
                seconds = time.monotonic() - started
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.wait(30)
            ids = [str(m["Message-ID"]) for m in box.messages]
        if len(set(ids)) != args.messages:
            problems.append(f"{len(set(ids))} distinct messages arrived, expected {args.messages}")
        if len(ids) != len(set(ids)):
            problems.append(f"{len(ids) - len(set(ids))} messages arrived twice")
    return seconds, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("TEST_DATABASE_URL", DEFAULT_PG)
    failed = False
    for backend in ("sqlite", "postgresql"):
        for deliverers in (1, 2):
            seconds, problems = run_case(backend, deliverers, args)
            verdict = f"  PROBLEMS: {problems}" if problems else "  (all arrived once)"
            print(
                f"{backend:<10} {deliverers} deliverer(s): {args.messages} e-mails in {seconds:.2f} s = "
                f"{args.messages / seconds:.0f}/s{verdict}",
                flush=True,
            )
            failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
