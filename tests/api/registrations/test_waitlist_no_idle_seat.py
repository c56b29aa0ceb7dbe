"""A seat freed while a registration joins the waiting list is never left idle.

Seen before the fix (issue 29, PostgreSQL, the mixed-traffic invariant test about one run in
three): a registration read the event full, tried the conditional seat UPDATE (no seat, and
no lock either, since the row did not match), and drew its waiting-list number afterwards. A
cancellation committing in between freed a seat and promoted nobody, as the newcomer was not
committed yet; the newcomer then committed as waitlisted beside the free seat, for good.

Here the cancellation is sent at exactly that moment, from a second connection: right after
the newcomer's seat UPDATE found no seat. The newcomer must end up holding the freed seat,
either taken directly (the cancellation committed first) or by promotion (the cancellation
waited for the newcomer's lock and promoted them).
"""

import threading
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import text

from tests.factories import bearer, make_event, person

SEAT_UPDATE = "UPDATE events SET confirmed_count"


def _blocked_or_done(engine: Any, worker: threading.Thread) -> None:
    """Wait until the other request has finished or waits for a lock held by this one.

    On PostgreSQL a backend waiting for a row lock shows as such; on SQLite writers queue for
    the database's write lock inside the process, which no view shows: there the other request
    gets a moment to finish if it could.
    """
    if engine.dialect.name != "postgresql":
        worker.join(timeout=1.0)
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:  # a fresh view each time
        while worker.is_alive() and not conn.execute(waiting).scalar_one():
            worker.join(timeout=0.01)


def test_a_seat_freed_while_joining_the_waiting_list_goes_to_the_newcomer(client, admin, app):
    engine = app.state.engine
    event = make_event(client, admin, capacity=1)
    url = f"/api/v1/events/{event['id']}/registrations"
    first = client.post(url, json=person(1)).json()
    assert first["status"] == "confirmed"
    cancelled: list[Any] = []
    worker = threading.Thread(
        target=lambda: cancelled.append(client.delete("/api/v1/me", headers=bearer(first["token"])))
    )
    armed = [True]

    def after(conn, cursor, statement, parameters, context, executemany):
        if armed[0] and statement.startswith(SEAT_UPDATE):  # the newcomer's try for a seat: none free
            armed[0] = False
            worker.start()
            _blocked_or_done(engine, worker)

    sa_event.listen(engine, "after_cursor_execute", after)
    try:
        newcomer = client.post(url, json=person(2))
    finally:
        sa_event.remove(engine, "after_cursor_execute", after)
        if worker.is_alive() or not armed[0]:
            worker.join(timeout=30)

    assert not armed[0], "the newcomer never tried for a seat"
    assert cancelled and cancelled[0].status_code == 200, cancelled
    assert newcomer.status_code == 201, newcomer.text
    listed = client.get(url, headers=admin).json()["items"]
    assert sorted((r["email"], r["status"]) for r in listed) == [
        (person(1)["email"], "cancelled"),
        (person(2)["email"], "confirmed"),
    ]
    assert client.get(f"/api/v1/events/{event['id']}", headers=admin).json()["confirmed"] == 1
