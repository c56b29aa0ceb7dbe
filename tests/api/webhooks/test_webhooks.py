"""Webhook endpoints through the API: register (secret shown once), list, remove, refuse bad
targets, the delivery log, and which endpoints a notice goes to."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.common.time import utcnow
from app.keyring.service import unseal
from app.main import create_app
from app.messages.models import Channel, MessageStatus, OutboxMessage
from app.webhooks import security, service
from app.webhooks.schemas import WEBHOOK_EVENT_TYPES
from app.webhooks.signing import sign
from tests.api.webhooks.receiver import receiver
from tests.factories import assert_problem, make_event

URL = "https://hooks.example.org/seminar"
PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """hooks.example.org is public; other names resolve for real (localhost: loopback)."""
    real = security.resolve
    answers = {"hooks.example.org": [PUBLIC], "inside.example.org": ["10.20.30.40"]}
    monkeypatch.setattr(security, "resolve", lambda host, port: answers.get(host) or real(host, port))
    return answers


@pytest.fixture
def private_ok(settings, client):
    """An app on the same (emptied) database that allows private targets (tests, development)."""
    app = create_app(settings.model_copy(update={"webhook_allow_private": True, "outbox_dispatch": "off"}))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()


def create(client, admin, **body):
    r = client.post("/api/v1/webhooks", json={"url": URL, "events": ["registration.created"], **body}, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_list_delete_and_the_secret_is_shown_once(client, admin, app):
    made = create(client, admin, events=["registration.created", "checkin.created", "registration.created"])
    assert made["url"] == URL and made["events"] == ["registration.created", "checkin.created"]
    assert made["event_id"] is None and made["active"] is True and made["created_by"] == "bootstrap"
    assert made["created_at"].endswith("Z")
    secret = made["secret"]
    assert secret.startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=admin).json()
    assert listed["total"] == 1
    assert listed["items"] == [{k: v for k, v in made.items() if k != "secret"}]
    with app.state.engine.connect() as conn:
        stored = " ".join(str(row) for row in conn.execute(text("SELECT * FROM webhooks")))
        sealed = conn.execute(text("SELECT sealed_secret FROM webhooks")).scalar_one()
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    with Session(app.state.engine) as db:
        assert unseal(db, app.state.settings, sealed) == secret
        endpoint = service.get_endpoint(db, webhook_id=made["id"])
        assert service.signing_secret(db, endpoint=endpoint, settings=app.state.settings) == secret

    assert client.delete(f"/api/v1/webhooks/{made['id']}", headers=admin).status_code == 204
    assert client.get("/api/v1/webhooks", headers=admin).json()["total"] == 0
    assert_problem(client.delete(f"/api/v1/webhooks/{made['id']}", headers=admin), 404)
    actions = [e["action"] for e in client.get("/api/v1/audit-log", headers=admin).json()["items"]]
    assert "POST /api/v1/webhooks" in actions and "DELETE /api/v1/webhooks/{webhook_id}" in actions


def test_organizers_only(client, admin):
    assert_problem(client.get("/api/v1/webhooks"), 401)
    assert_problem(client.post("/api/v1/webhooks", json={"url": URL, "events": ["checkin.created"]}), 401)
    assert_problem(client.get("/api/v1/webhooks", headers={"Authorization": "Bearer nope"}), 401)


def test_event_filter_and_bad_bodies(client, admin):
    event = make_event(client, admin)
    made = create(client, admin, event_id=event["id"], events=list(WEBHOOK_EVENT_TYPES))
    assert made["event_id"] == event["id"] and made["events"] == list(WEBHOOK_EVENT_TYPES)
    assert_problem(
        client.post(
            "/api/v1/webhooks", json={"url": URL, "events": ["checkin.created"], "event_id": 999_999}, headers=admin
        ),
        404,
    )
    for body in (
        {"url": URL, "events": ["registration.exploded"]},
        {"url": URL, "events": []},
        {"url": URL},
        {"url": URL, "events": ["checkin.created"], "secret": "mine"},
        {"url": URL + "\x00", "events": ["checkin.created"]},
        {"url": "", "events": ["checkin.created"]},
    ):
        assert_problem(client.post("/api/v1/webhooks", json=body, headers=admin), 422)
    assert client.get("/api/v1/webhooks", headers=admin).json()["total"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/seminar",  # plain http
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
        "https://inside.example.org/hook",  # a name that resolves to a private address
        "https://user:secret@hooks.example.org/seminar",  # credentials
        "ftp://hooks.example.org/",
        "not a url",
    ],
)
def test_bad_targets_refused(client, admin, url):
    body = assert_problem(
        client.post("/api/v1/webhooks", json={"url": url, "events": ["checkin.created"]}, headers=admin), 422
    )
    assert body["errors"][0]["loc"] == ["body", "url"]
    assert "secret" not in body["detail"]
    assert client.get("/api/v1/webhooks", headers=admin).json()["total"] == 0


def test_private_targets_allowed_by_the_setting(private_ok, admin):
    with receiver() as hook:
        for url in (hook.url, hook.url.replace("127.0.0.1", "localhost")):
            r = private_ok.post("/api/v1/webhooks", json={"url": url, "events": ["checkin.created"]}, headers=admin)
            assert r.status_code == 201, r.text
    r = private_ok.post(
        "/api/v1/webhooks", json={"url": "http://a:b@127.0.0.1/", "events": ["checkin.created"]}, headers=admin
    )
    assert_problem(r, 422)


def _delivery(db: Session, webhook_id: int, n: int, status: MessageStatus, **extra: object) -> OutboxMessage:
    row = OutboxMessage(
        uid=f"msg_test{webhook_id}_{n}",
        channel=Channel.webhook,
        kind="checkin.created",
        webhook_id=webhook_id,
        recipient=URL,
        payload='{"type":"checkin.created"}',
        status=status,
        # never due: an in-process deliverer leaves these rows alone
        next_attempt_at=utcnow() + timedelta(days=30),
        **extra,
    )
    db.add(row)
    return row


def test_delivery_log_newest_first_and_gone_with_the_endpoint(client, admin, app):
    first, other = create(client, admin), create(client, admin)
    now = utcnow()
    with Session(app.state.engine) as db:
        _delivery(db, first["id"], 1, MessageStatus.sent, attempts=1, response_status=200, sent_at=now)
        _delivery(db, first["id"], 2, MessageStatus.failed, attempts=8, response_status=500, last_error="HTTP 500")
        _delivery(db, first["id"], 3, MessageStatus.pending)
        _delivery(db, other["id"], 1, MessageStatus.sent, attempts=1, response_status=204, sent_at=now)
        db.commit()
    r = client.get(f"/api/v1/webhooks/{first['id']}/deliveries", headers=admin)
    assert r.status_code == 200, r.text
    log = r.json()
    assert log["total"] == 3
    assert [d["msg_id"] for d in log["items"]] == [f"msg_test{first['id']}_{n}" for n in (3, 2, 1)]
    pending, failed, sent = log["items"]
    assert pending["status"] == "pending" and pending["attempts"] == 0 and pending["sent_at"] is None
    assert (failed["status"], failed["attempts"], failed["response_status"], failed["last_error"]) == (
        "failed",
        8,
        500,
        "HTTP 500",
    )
    assert sent["type"] == "checkin.created" and sent["sent_at"].endswith("Z") and sent["response_status"] == 200
    assert set(sent) == {
        "id",
        "msg_id",
        "type",
        "status",
        "attempts",
        "response_status",
        "last_error",
        "created_at",
        "sent_at",
    }
    page = client.get(
        f"/api/v1/webhooks/{first['id']}/deliveries", params={"limit": 1, "offset": 1}, headers=admin
    ).json()
    assert [d["status"] for d in page["items"]] == ["failed"] and page["total"] == 3

    assert client.delete(f"/api/v1/webhooks/{first['id']}", headers=admin).status_code == 204
    assert_problem(client.get(f"/api/v1/webhooks/{first['id']}/deliveries", headers=admin), 404)
    with app.state.engine.connect() as conn:
        left = conn.execute(text("SELECT webhook_id FROM outbox")).scalars().all()
    assert left == [other["id"]]


def test_subscribed_picks_active_endpoints_of_the_kind_and_event(client, admin, app):
    one, two = make_event(client, admin), make_event(client, admin, slug="drugie-seminarium")
    every = create(client, admin, events=["registration.created", "checkin.created"])
    only_one = create(client, admin, events=["registration.created"], event_id=one["id"])
    create(client, admin, events=["registration.created"], event_id=two["id"])
    create(client, admin, events=["registration.cancelled"])
    off = create(client, admin, events=["registration.created"])
    with Session(app.state.engine) as db:
        service.get_endpoint(db, webhook_id=off["id"]).active = False
        db.commit()
        ids = lambda kind, event_id: [w.id for w in service.subscribed(db, kind=kind, event_id=event_id)]  # noqa: E731
        assert ids("registration.created", one["id"]) == [every["id"], only_one["id"]]
        assert ids("registration.created", None) == [every["id"]]
        assert ids("checkin.created", two["id"]) == [every["id"]]
        assert ids("registration", one["id"]) == []  # whole types only, no prefixes
        assert ids("poll.opened", one["id"]) == []


def test_a_created_endpoint_can_be_delivered_to_and_verified(private_ok, admin, app):
    """End to end without the outbox: the secret shown once signs what the receiver gets."""
    from app.webhooks.delivery import send
    from app.webhooks.signing import verify

    settings = app.state.settings.model_copy(update={"webhook_allow_private": True, "webhook_timeout_seconds": 2})
    with receiver() as hook:
        made = private_ok.post(
            "/api/v1/webhooks", json={"url": hook.url, "events": ["checkin.created"]}, headers=admin
        ).json()
        with Session(app.state.engine) as db:
            endpoint = service.get_endpoint(db, webhook_id=made["id"])
            secret = service.signing_secret(db, endpoint=endpoint, settings=settings)
        msg = OutboxMessage(
            uid="msg_e2e",
            channel=Channel.webhook,
            kind="checkin.created",
            webhook_id=made["id"],
            recipient=endpoint.url,
            payload='{"type":"checkin.created","data":{}}',
        )
        assert send(msg, secret=secret, settings=settings) == 200
        headers, body = hook.requests[0]
    assert secret == made["secret"]
    assert verify(
        made["secret"], headers["webhook-id"], headers["webhook-timestamp"], body, headers["webhook-signature"]
    )
    assert headers["webhook-signature"] == sign(made["secret"], "msg_e2e", int(headers["webhook-timestamp"]), body)
