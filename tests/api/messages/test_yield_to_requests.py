"""In-process delivery yields to a rush of requests, but never for longer than
`outbox_yield_seconds` between two rounds; once the process is quiet it delivers at once.

The e-mails go to the real SMTP server on loopback. What decides "busy" in a web process is
the number of requests at work (app.middleware.Load, counted by ConcurrencyLimit); here the
test sets it, so that the rush lasts exactly as long as the test needs.
"""

import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event

from app.main import create_app
from app.messages.dispatch import Dispatcher
from tests.api.messages.helpers import rows
from tests.factories import make_event, register
from tests.mailbox import Box


def _sent_within(app: FastAPI, n: int, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if sum(r.status == "sent" for r in rows(app)) >= n:
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def test_delivery_waits_while_requests_are_at_work_then_catches_up(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    settings = mail_app.state.settings.model_copy(
        update={"outbox_yield_seconds": 1.5, "outbox_poll_seconds": 0.05, "outbox_gather_seconds": 0.01}
    )
    rush = threading.Event()
    rush.set()
    event = make_event(mail_client, admin)
    register(mail_client, event["id"], 1)
    dispatcher = Dispatcher(mail_app.state.engine, settings, write_gate=mail_app.state.write_gate, busy=rush.is_set)
    dispatcher.start()
    try:
        dispatcher.wake()
        assert _sent_within(mail_app, 1, 0.8) is None  # the rush goes first
        waited = _sent_within(mail_app, 1, 3.0)
        assert waited is not None  # but not for longer than outbox_yield_seconds
        rush.clear()
        register(mail_client, event["id"], 2)
        dispatcher.wake()
        quiet = _sent_within(mail_app, 2, 2.0)
        assert quiet is not None and quiet < 0.6, quiet  # quiet again: at once
    finally:
        dispatcher.stop()
    assert len(box.messages) == 2


def test_the_app_counts_requests_at_work(mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]) -> None:
    load = mail_app.state.load
    event = make_event(mail_client, admin)
    seen: list[int] = []

    def during(*_: object) -> None:  # every statement of a request runs while it is counted
        seen.append(load.active)

    sa_event.listen(mail_app.state.engine, "before_cursor_execute", during)
    try:
        register(mail_client, event["id"], 1)
    finally:
        sa_event.remove(mail_app.state.engine, "before_cursor_execute", during)
    assert seen and min(seen) == 1 and load.busy(1) is False and load.active == 0


def test_the_in_process_deliverer_asks_the_same_count(mail_app: FastAPI) -> None:
    app = create_app(mail_app.state.settings.model_copy(update={"outbox_dispatch": "inprocess"}))
    try:
        with TestClient(app):
            busy = app.state.dispatcher.busy
            assert busy() is False
            app.state.load.active = app.state.settings.outbox_yield_requests
            assert busy() is True
            app.state.load.active = 0
    finally:
        app.state.engine.dispose()
