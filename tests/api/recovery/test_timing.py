"""The answer's time does not tell whether the address is registered.

Unpadded, a registered address costs 2-4 ms more (two INSERTs and a commit that writes, on
SQLite and PostgreSQL): too little to tell from this machine's noise in a quick test. So the
test makes the difference plain, 30 ms more for a registered address, and checks that the
answers still come at the same time.
"""

import statistics
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.messages import notices
from app.recovery import router
from tests.api.recovery.helpers import queued, recover
from tests.factories import make_event, person, register

ROUNDS = 10
FLOOR = 0.1
EXTRA = 0.03


def test_registered_and_unknown_addresses_answer_in_the_same_time(client, admin, app, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(router, "ANSWER_SECONDS", FLOOR)
    send = notices.recovery_code

    def slow_send(*args: Any, **kwargs: Any) -> None:
        time.sleep(EXTRA)
        send(*args, **kwargs)

    monkeypatch.setattr(notices, "recovery_code", slow_send)
    event = make_event(client, admin)
    register(client, event["id"], 1)
    # no hourly quota here: every request for the registered address does the whole work
    unlimited = create_app(app.state.settings.model_copy(update={"recovery_per_address_hour": 1000}))
    try:
        c = TestClient(unlimited, raise_server_exceptions=False)
        times: dict[str, list[float]] = {"registered": [], "unknown": []}
        for i in range(ROUNDS + 1):
            for kind, address in (("registered", person(1)["email"]), ("unknown", f"nikt{i}@gmina-serock.pl")):
                started = time.perf_counter()
                assert recover(c, event["id"], address).status_code == 202
                if i > 0:  # the first round warms up caches and connections
                    times[kind].append(time.perf_counter() - started)
    finally:
        unlimited.state.engine.dispose()
    assert len(queued(app)) == ROUNDS + 1  # the registered address did the (slow) work every time
    assert min(times["registered"] + times["unknown"]) >= FLOOR
    gap = statistics.median(times["registered"]) - statistics.median(times["unknown"])
    assert abs(gap) < EXTRA / 3, times
