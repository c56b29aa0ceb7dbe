"""Faults: the database connection dies in the middle of a registration's transaction.

The client gets 503 problem+json, nothing of the half-done transaction stays (the seat
counter taken just before is rolled back), and the next request works again.
"""

import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from tests.factories import assert_problem, make_event, person


@pytest.fixture
def kill_on_insert(app, database_url):
    """Kill the request's own connection when it inserts the registration row (once)."""
    engine = app.state.engine
    fired = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if fired or not statement.lstrip().upper().startswith("INSERT INTO REGISTRATIONS"):
            return
        fired.append(statement)
        if engine.dialect.name == "postgresql":
            pid = conn.connection.dbapi_connection.info.backend_pid
            killer = create_engine(database_url, isolation_level="AUTOCOMMIT")
            with killer.connect() as k:
                k.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.dispose()
        else:
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", before)
    yield fired
    event.remove(engine, "before_cursor_execute", before)


def test_db_dies_mid_transaction(client, admin, kill_on_insert):
    ev = make_event(client, admin, capacity=5)
    url = f"/api/v1/events/{ev['id']}/registrations"
    r = client.post(url, json=person(1))
    body = assert_problem(r, 503)
    assert "nothing was saved" in body["detail"] and r.headers.get("Retry-After")
    assert kill_on_insert, "the fault was not injected"
    # nothing half-written: no row, and the seat counter taken before the INSERT was rolled back
    assert client.get(url, headers=admin).json()["total"] == 0
    assert client.get(f"/api/v1/events/{ev['id']}").json()["confirmed"] == 0
    # the service recovers: the same registration now succeeds
    again = client.post(url, json=person(1))
    assert again.status_code == 201 and again.json()["status"] == "confirmed"
    assert client.get(f"/api/v1/events/{ev['id']}").json()["confirmed"] == 1
