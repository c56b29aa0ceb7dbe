"""The seat is taken last: an event that fills between reading it and taking the seat.

A registration reads the event, stores the person as confirmed with their notices and only then
runs the conditional seat UPDATE, so the event's row lock is held for the commit alone. Here a
second registration is made (through the API, committed) at the exact moment the first one is
about to take its seat: the first one's UPDATE then finds no seat, its whole transaction is rolled
back and run again, and the person is waitlisted. Nothing of the first attempt remains.

SQLite reads the event under the database's write lock, so the event cannot fill meanwhile
there: the interleaving exists on PostgreSQL only.
"""

from typing import Any

import pytest
from sqlalchemy import event as sa_event

from tests.factories import make_event, person


def test_the_event_filling_meanwhile_sends_the_request_round_again(client, admin, app):
    engine = app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads the event under its write lock: it cannot fill before the seat is taken")
    event = make_event(client, admin, capacity=1)
    url = f"/api/v1/events/{event['id']}/registrations"
    seat_updates: list[str] = []
    armed = [True]
    other: list[Any] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE events SET confirmed_count"):
            seat_updates.append(statement)
            if armed[0]:  # the first request is about to take its seat: another takes it first
                armed[0] = False
                other.append(client.post(url, json=person(2)))

    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        first = client.post(url, json=person(1))
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)

    assert other[0].status_code == 201 and other[0].json()["status"] == "confirmed"
    assert first.status_code == 201, first.text
    assert (first.json()["status"], first.json()["waitlist_position"]) == ("waitlisted", 1)
    # 1: the first attempt's seat UPDATE (no seat), 2: the other request's, 3: the retry's try
    assert len(seat_updates) == 3
    got = client.get(f"/api/v1/events/{event['id']}", headers=admin).json()
    assert got["confirmed"] == 1
    listed = client.get(url, headers=admin).json()
    assert sorted((r["email"], r["status"]) for r in listed["items"]) == [
        (person(1)["email"], "waitlisted"),
        (person(2)["email"], "confirmed"),
    ]
    messages = client.get(f"/api/v1/events/{event['id']}/messages", headers=admin).json()["items"]
    subjects = {m["to"]: m["subject"] for m in messages}
    assert len(messages) == 2 and len(subjects) == 2  # one notice each: the rolled-back one is gone
    assert subjects[person(1)["email"]].startswith("Lista rezerwowa")  # the waiting list's notice, not a seat's
    assert subjects[person(2)["email"]].startswith("Potwierdzenie rejestracji")
