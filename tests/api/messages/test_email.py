"""E-mail from the outbox through a real SMTP server on loopback (aiosmtpd)."""

import logging
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import update
from sqlmodel import Session

from app.main import create_app
from app.messages.models import OutboxMessage
from app.settings import Settings
from tests.api.messages.helpers import link_token, make_due, rows
from tests.dbutil import reset
from tests.factories import bearer, make_event, person, register
from tests.mailbox import Box, deliver


def test_confirmation_is_queued_in_the_transaction_and_delivered(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    created = register(mail_client, event["id"], 1)
    [queued] = rows(mail_app)
    assert (queued.kind, queued.status) == ("registration.created", "pending")
    assert queued.recipient == "lucja.1@gmina-serock.pl"
    # The token is not in the stored body: only a mark, and the secret sealed beside it.
    assert created["token"] not in queued.body_text + queued.body_html
    assert queued.sealed_secret and created["token"] not in queued.sealed_secret

    assert deliver(mail_app) == 1
    [mail] = box.messages
    assert str(make_header(decode_header(mail["Subject"]))) == (
        "Potwierdzenie rejestracji: Seminarium sieciujące partnerstw – Serock"
    )
    assert mail["To"].addresses[0].display_name == "Łucja Żółkiewska-1"
    assert mail["From"].addresses[0].display_name == "Sekretariat Seminarium"
    assert mail["Message-ID"] == f"<{queued.uid}@seminarium.example>"
    text, html = box.text(mail), box.html(mail)
    assert "29–30 listopada 2022" in text and "Hotel Narvil, Serock" in text
    # The link in the e-mail is the person's own: it opens their registration.
    token = link_token(text)
    assert token == created["token"]
    assert f'href="https://seminar.example/me#token={token}"' in html
    assert mail_client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    [sent] = rows(mail_app)
    assert (sent.status, sent.attempts, sent.transport, sent.sealed_secret) == ("sent", 1, "smtp", None)
    assert deliver(mail_app) == 0  # nothing twice


def test_english_and_waiting_list_position(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=1, language="en")
    register(mail_client, event["id"], 1)
    second = register(mail_client, event["id"], 2, language="pl")
    third = register(mail_client, event["id"], 3)
    assert (second["status"], third["waitlist_position"]) == ("waitlisted", 2)
    deliver(mail_app)
    (first_mail,) = box.to("lucja.1@")
    assert str(first_mail["Subject"]).startswith("Registration confirmed")
    assert "Lista rezerwowa" in str(box.to("lucja.2@")[0]["Subject"])
    assert "Miejsce na liście rezerwowej: 1." in box.text(box.to("lucja.2@")[0])
    assert "Place on the waiting list: 2." in box.text(box.to("lucja.3@")[0])


def test_cancel_promotes_and_both_hear_of_it(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=1)
    first = register(mail_client, event["id"], 1)
    register(mail_client, event["id"], 2)
    deliver(mail_app)
    box.messages.clear()
    assert mail_client.delete("/api/v1/me", headers=bearer(first["token"])).status_code == 200
    deliver(mail_app)
    assert [str(m["Subject"]).split(":")[0] for m in box.to("lucja.1@")] == ["Rejestracja anulowana"]
    [promoted] = box.to("lucja.2@")
    assert str(promoted["Subject"]).startswith("Zwolniło się miejsce")
    assert {r.kind for r in rows(mail_app)} >= {"registration.cancelled", "registration.promoted"}


def test_a_refused_registration_queues_nothing(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    register(mail_client, event["id"], 1)
    again = mail_client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1))
    assert again.status_code == 409
    assert len(rows(mail_app)) == 1


def test_smtp_refusing_is_retried_then_failed_and_organizers_retry(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    event = make_event(mail_client, admin)
    box.refuse = 451
    register(mail_client, event["id"], 1)
    deliver(mail_app)
    [row] = rows(mail_app)
    assert (row.status, row.attempts) == ("pending", 1) and "451" in (row.last_error or "")
    assert row.sealed_secret is not None  # still needed for the next attempt
    for _ in range(2):
        make_due(mail_app)
        deliver(mail_app)
    [row] = rows(mail_app)
    assert (row.status, row.attempts) == ("failed", 3)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("app"))
    assert "attempt 3 failed" in ours and "gmina-serock" not in ours  # the server quoted it; our logs do not
    listed = mail_client.get(f"/api/v1/events/{event['id']}/messages?status=failed", headers=admin).json()
    assert [(m["id"], m["status"], m["attempts"]) for m in listed["items"]] == [(row.id, "failed", 3)]
    assert "451" in listed["items"][0]["last_error"]
    assert not box.messages

    box.refuse = None
    retried = mail_client.post(f"/api/v1/messages/{row.id}/retry", headers=admin)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    assert mail_client.post(f"/api/v1/messages/{row.id}/retry", headers=admin).status_code == 409
    deliver(mail_app)
    assert len(box.messages) == 1 and rows(mail_app)[0].status == "sent"
    # The retry is in the audit log.
    audit = mail_client.get("/api/v1/audit-log", headers=admin).json()["items"]
    assert any("retry" in entry["action"] for entry in audit)


def test_smtp_down_registration_answers_at_once_and_nothing_is_lost(settings: Settings, admin: dict[str, str]) -> None:
    from tests.mailbox import free_port, mailbox

    port = free_port()  # nobody listens here
    app = create_app(
        settings.model_copy(
            update={
                "smtp_url": SecretStr(f"smtp://127.0.0.1:{port}"),
                "smtp_timeout_seconds": 1.0,
                "outbox_backoff_seconds": 60.0,
            }
        )
    )
    reset(app.state.engine)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin)
            assert client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1)).status_code == 201
            deliver(app)
            [row] = rows(app)
            assert row.status == "pending" and row.attempts == 1 and "SMTP" in (row.last_error or "")
        with mailbox() as box:  # the server comes up (on another port: the setting changes)
            app.state.settings = settings.model_copy(update={"smtp_url": box.url})
            make_due(app)
            deliver(app)
            assert len(box.messages) == 1
    finally:
        app.state.engine.dispose()


def test_without_smtp_messages_are_written_as_eml_files(
    settings: Settings, admin: dict[str, str], tmp_path: Path
) -> None:
    app = create_app(settings.model_copy(update={"smtp_url": None, "outbox_dir": str(tmp_path)}))
    reset(app.state.engine)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin)
            created = register(client, event["id"], 1)
            deliver(app)
            [path] = list(tmp_path.glob("*.eml"))
            import email
            import email.policy

            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert "Potwierdzenie rejestracji" in str(mail["Subject"])
            body = mail.get_body(("plain",))
            assert body is not None and created["token"] in body.get_content()  # type: ignore[attr-defined]
            [row] = rows(app)
            assert (row.status, row.transport) == ("sent", "file")
            # Organizers read what was sent, without the personal link.
            detail = client.get(f"/api/v1/messages/{row.id}", headers=admin).json()
            assert "[hidden]" in detail["text"] and created["token"] not in detail["text"]
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("existing", [False, True])
def test_eml_files_are_readable_by_the_service_user_only(
    settings: Settings, admin: dict[str, str], tmp_path: Path, existing: bool
) -> None:
    folder = tmp_path / "outbox"
    if existing:  # made earlier with a looser mode, or by a deployment script
        folder.mkdir(mode=0o755)
        folder.chmod(0o755)
    app = create_app(settings.model_copy(update={"smtp_url": None, "outbox_dir": str(folder)}))
    reset(app.state.engine)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            register(client, make_event(client, admin)["id"], 1)
            deliver(app)
        [path] = list(folder.glob("*.eml"))
        assert (folder.stat().st_mode & 0o777, path.stat().st_mode & 0o777) == (0o700, 0o600)
    finally:
        app.state.engine.dispose()


def test_a_message_whose_deliverer_died_is_sent_after_its_lease(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    from app.db import open_session
    from app.messages import outbox

    event = make_event(mail_client, admin)
    register(mail_client, event["id"], 1)
    with open_session(mail_app.state.engine, write=True) as db:  # a deliverer claims, then dies
        [claimed] = outbox.claim(db, limit=10, lease_seconds=60)
        db.commit()
    assert deliver(mail_app) == 0  # leased: nobody else takes it meanwhile
    with Session(mail_app.state.engine) as db:  # the lease runs out
        db.execute(update(OutboxMessage).values(next_attempt_at=claimed.created_at))
        db.commit()
    assert deliver(mail_app) == 1
    assert len(box.messages) == 1 and rows(mail_app)[0].status == "sent"
    # The dead deliverer's late report changes nothing: its lease is gone.
    with open_session(mail_app.state.engine, write=True) as db:
        outbox.delivered(db, message_id=claimed.id or 0, lease=claimed.lease or "", transport="smtp")
        db.commit()
    assert rows(mail_app)[0].attempts == 2  # the dead deliverer's claim was an attempt too


def test_the_persons_export_lists_their_messages(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    person = register(mail_client, event["id"], 1)
    register(mail_client, event["id"], 2)
    deliver(mail_app)
    exported = mail_client.get("/api/v1/me/export", headers=bearer(person["token"])).json()
    assert [(m["kind"], m["status"], m["to"]) for m in exported["messages"]] == [
        ("registration.created", "sent", "lucja.1@gmina-serock.pl")
    ]
    assert exported["calendar_feed"] is False
