"""The race checks can fail: a naive read-then-write registration overbooks, and they say so.

`naive_register` is the classic mistake, written straight against the real schema: count
the confirmed registrations, think a little (a sleep widens the window), then insert.
Nothing locks anything in between:

- SQLite: Python's sqlite3 runs the SELECT outside any transaction and opens a deferred
  one only for the INSERT, so every thread may act on the same stale count;
- PostgreSQL: READ COMMITTED, no FOR UPDATE, no conditional UPDATE.

It is raced exactly like the real endpoint (`race`: threads released by a barrier), on the
same live server's database, and judged by the same `check_registration_race`.
"""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, insert, select, update

from app.common.security import digest
from app.common.time import utcnow
from app.events.models import Event
from app.registrations.models import Registration
from tests.concurrency.server import LiveServer
from tests.concurrency.test_registration_race import (
    check_capacity,
    check_registration_race,
    get_event,
    make_event,
    organizer_list,
    person,
    race,
)

pytestmark = pytest.mark.slow

CAPACITY, ATTEMPTS, THREADS, THINK_SECONDS = 10, 60, 30, 0.3
registrations, events = Registration.__table__, Event.__table__


def naive_register(conn: Connection, *, event_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Read the counts, think, then write: no lock between the read and the write."""

    def count(status: str) -> int:
        query = (
            select(func.count())
            .select_from(registrations)
            .where(registrations.c.event_id == event_id, registrations.c.status == status)
        )
        return conn.execute(query).scalar_one()

    confirmed, waiting = count("confirmed"), count("waitlisted")
    capacity = conn.execute(select(events.c.capacity).where(events.c.id == event_id)).scalar_one()
    time.sleep(THINK_SECONDS)
    status = "confirmed" if confirmed < capacity else "waitlisted"
    now = utcnow()
    row = {
        "event_id": event_id, "first_name": body["first_name"], "last_name": body["last_name"],
        "email": body["email"], "email_normalized": body["email"].lower(),
        "organization": body["organization"], "organization_normalized": body["organization"].casefold(),
        "category": "other", "status": status, "waitlist_seq": None if status == "confirmed" else waiting + 1,
        "consent_at": now, "consent_version": "naive", "token_digest": digest(secrets.token_hex(16)),
        "created_at": now, "updated_at": now, "confirmed_at": now if status == "confirmed" else None,
    }  # fmt: skip
    new_id = conn.execute(insert(registrations).values(row).returning(registrations.c.id)).scalar_one()
    if status == "confirmed":  # a lost update: the counter stays plausible while the rows overbook
        conn.execute(update(events).where(events.c.id == event_id).values(confirmed_count=confirmed + 1))
    conn.commit()
    return {"id": new_id, "status": status, "waitlist_position": None if status == "confirmed" else waiting + 1}


@contextmanager
def naive_engine(database_url: str) -> Iterator[Engine]:
    """A plain engine: none of the app's BEGIN IMMEDIATE, row locks or conditional updates."""
    engine = create_engine(database_url, pool_size=THREADS, max_overflow=0, connect_args=(
        {"timeout": 30} if database_url.startswith("sqlite") else {}
    ))  # fmt: skip
    try:
        yield engine
    finally:
        engine.dispose()


def test_naive_read_then_write_overbooks_and_the_checks_catch_it(live: LiveServer) -> None:
    event = make_event(live, capacity=CAPACITY)
    with naive_engine(live.database_url) as engine:
        created = race(
            lambda conn, i: naive_register(conn, event_id=event["id"], body=person("naive", i)),
            ATTEMPTS, connect=engine.connect, threads=THREADS,
        )  # fmt: skip
    listed_confirmed = organizer_list(live, event["id"], "confirmed")
    event_confirmed = get_event(live, event["id"])["confirmed"]

    # The stored data really is overbooked, and the counter did not notice ...
    assert len(listed_confirmed) > CAPACITY, f"the naive path did not overbook ({len(listed_confirmed)})"
    assert event_confirmed <= CAPACITY
    # ... and the very checks that the real endpoint passes reject it.
    with pytest.raises(AssertionError, match="overbooked"):
        check_registration_race(
            created, capacity=CAPACITY, listed_confirmed=listed_confirmed, event_confirmed=event_confirmed
        )
    with pytest.raises(AssertionError, match=rf"overbooked: {len(listed_confirmed)} confirmed > capacity"):
        check_capacity(len(listed_confirmed), CAPACITY, "organizer list")
