"""Webhooks from the same outbox: signed, retried with back-off, a slow receiver holds nobody up."""

import json
import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.messages.dispatch import Dispatcher
from app.settings import Settings
from app.webhooks import signing
from tests.api.messages.helpers import make_due, rows
from tests.api.webhooks.receiver import receiver
from tests.dbutil import reset
from tests.factories import bearer, make_event, register


def _app(settings: Settings, **extra: object) -> FastAPI:
    app = create_app(
        settings.model_copy(
            update={
                "webhook_allow_private": True,
                "outbox_backoff_seconds": 60.0,
                "outbox_max_attempts": 3,
                "webhook_timeout_seconds": 2.0,
                **extra,
            }
        )
    )
    reset(app.state.engine)
    return app


def _deliver(app: FastAPI) -> int:
    dispatcher = Dispatcher(app.state.engine, app.state.settings)
    try:
        return dispatcher.run_once()
    finally:
        dispatcher.stop()


def test_registration_and_checkin_webhooks_signed_and_retried(settings: Settings, admin: dict[str, str]) -> None:
    app = _app(settings)
    try:
        with receiver() as hook, TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin)
            made = client.post(
                "/api/v1/webhooks",
                json={
                    "url": hook.url,
                    "events": ["registration.created", "registration.cancelled"],
                    "event_id": event["id"],
                },
                headers=admin,
            )
            assert made.status_code == 201, made.text
            secret = made.json()["secret"]
            other = make_event(client, admin, slug="inne-wydarzenie")
            person = register(client, event["id"], 1)
            register(client, other["id"], 2)  # another event: not this endpoint's
            hook.statuses = [500]
            _deliver(app)
            [first] = rows(app, channel="webhook")
            assert (first.status, first.attempts, first.response_status) == ("pending", 1, 500)
            make_due(app)
            _deliver(app)
            assert len(hook.requests) == 2
            (h1, b1), (h2, b2) = hook.requests
            assert h1["webhook-id"] == h2["webhook-id"] == first.uid and b1 == b2  # the same message, twice
            assert signing.verify(secret, h2["webhook-id"], int(h2["webhook-timestamp"]), b2, h2["webhook-signature"])
            payload = json.loads(b2)
            assert payload["type"] == "registration.created"
            assert payload["data"] == {
                "event_id": event["id"],
                "registration_id": person["id"],
                "status": "confirmed",
                "waitlist_position": None,
            }
            assert "lucja" not in b2.decode()  # no personal data in webhooks
            log = client.get(f"/api/v1/webhooks/{made.json()['id']}/deliveries", headers=admin).json()
            assert [(d["status"], d["attempts"]) for d in log["items"]] == [("sent", 2)]
            client.delete("/api/v1/me", headers=bearer(person["token"]))
            _deliver(app)
            assert json.loads(hook.requests[-1][1])["type"] == "registration.cancelled"
    finally:
        app.state.engine.dispose()


def test_a_hanging_receiver_does_not_hold_up_others(settings: Settings, admin: dict[str, str]) -> None:
    app = _app(settings, webhook_timeout_seconds=3.0, outbox_concurrency=4, outbox_poll_seconds=0.05)
    try:
        with receiver() as slow, receiver() as fast, TestClient(app, raise_server_exceptions=False) as client:
            slow.delay = 2.5
            event = make_event(client, admin)
            for hook in (slow, fast):
                assert (
                    client.post(
                        "/api/v1/webhooks", json={"url": hook.url, "events": ["registration.created"]}, headers=admin
                    ).status_code
                    == 201
                )
            dispatcher = Dispatcher(app.state.engine, app.state.settings)
            dispatcher.start()
            try:
                started = time.monotonic()
                for i in range(1, 7):
                    register(client, event["id"], i)
                    dispatcher.wake()
                assert fast.wait_for(6, timeout=10)
                fast_done = time.monotonic() - started
                assert slow.wait_for(6, timeout=30)
            finally:
                dispatcher.stop()
            assert fast_done < 2.0, fast_done  # not behind the slow receiver's 2.5 s answers
    finally:
        app.state.engine.dispose()


def test_concurrent_deliverers_never_send_one_message_twice(settings: Settings, admin: dict[str, str]) -> None:
    app = _app(settings, outbox_concurrency=4)
    try:
        with receiver() as hook, TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin, capacity=500)
            assert (
                client.post(
                    "/api/v1/webhooks", json={"url": hook.url, "events": ["registration.created"]}, headers=admin
                ).status_code
                == 201
            )
            for i in range(1, 81):
                register(client, event["id"], i)
            deliverers = [
                Dispatcher(app.state.engine, app.state.settings, write_gate=app.state.write_gate) for _ in range(3)
            ]
            threads = [threading.Thread(target=d.run_once) for d in deliverers]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            for d in deliverers:
                d.stop()
            ids = [h["webhook-id"] for h, _ in hook.requests]
            assert len(ids) == 80 and len(set(ids)) == 80
            assert {r.status for r in rows(app, channel="webhook")} == {"sent"}
    finally:
        app.state.engine.dispose()


def test_metrics_show_the_backlog_and_deliveries(settings: Settings, admin: dict[str, str]) -> None:
    app = _app(settings)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin)
            register(client, event["id"], 1)
            text = client.get("/metrics", headers=admin).text
            assert 'outbox_messages{status="pending"} 1.0' in text
            _deliver(app)
            text = client.get("/metrics", headers=admin).text
            assert 'outbox_messages{status="sent"} 1.0' in text
            assert 'outbox_deliveries_total{channel="email",outcome="sent"}' in text
    finally:
        app.state.engine.dispose()
