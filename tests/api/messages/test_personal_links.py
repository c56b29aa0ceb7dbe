"""Personal links (issue 25, item 4): every e-mail to a participant opens their page, through the
real SMTP server; recovery, cancellation and erasure revoke them; expired and tampered ones fail."""

import re
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.messages.notices import LINK_MARK
from app.recovery import router as recovery_router
from app.registrations import links
from tests.api.messages.helpers import rows
from tests.api.recovery.helpers import code_from_mail, confirm, recover
from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.mailbox import Box, deliver

LINK = re.compile(r"https://seminar\.example/me#link=([0-9]+\.[0-9]+\.[0-9]+\.[A-Za-z0-9_-]{43})")
LINKED_KINDS = {
    "registration.created",
    "registration.approved",
    "registration.rejected",
    "registration.promoted",
    "enrollment.created",
    "enrollment.promoted",
    "assignment.committed",
    "poll.opened",
    "poll.published",
    "broadcast",
}


@pytest.fixture(autouse=True)
def quick_recovery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery_router, "ANSWER_SECONDS", 0.0)


def link_of(box: Box, mail: EmailMessage) -> str:
    """The personal link's credential (`link.<...>`) of an e-mail, the same in its text and HTML."""
    text = box.text(mail)
    found = LINK.findall(text)
    assert len(set(found)) == 1, text
    assert f'href="https://seminar.example/me#link={found[0]}"' in box.html(mail)
    return f"link.{found[0]}"


def kind_of(app: FastAPI, mail: EmailMessage) -> str:
    uid = str(mail["Message-ID"]).strip("<>").split("@")[0]
    return next(r.kind for r in rows(app) if r.uid == uid)


def newest_link(app: FastAPI, box: Box, address: str) -> str:
    deliver(app)
    return link_of(box, box.to(address)[-1])


def _workshops_and_polls(
    client: TestClient, admin: dict[str, str], event_id: int, people: list[dict[str, Any]]
) -> None:
    """enrollment.created/.promoted, poll.opened/.published, assignment.committed, broadcast."""
    session = make_session(client, admin, event_id, capacity=1)
    for p in people[:2]:
        client.post("/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(p["token"]))
    assert (
        client.delete(f"/api/v1/me/enrollments/{session['id']}", headers=bearer(people[0]["token"])).status_code == 204
    )
    poll = make_poll(client, admin, event_id, seats=1)
    assert client.post(f"/api/v1/polls/{poll['id']}/announce", headers=admin).status_code == 200
    ballot = {"topic_ids": poll["topic_ids"][:1]}
    assert client.put(f"/api/v1/polls/{poll['id']}/ballot", json=ballot, headers=bearer(people[1]["token"])).is_success
    body = {"starts_at": "2022-11-30T10:00:00+01:00", "ends_at": "2022-11-30T12:00:00+01:00"}
    published = client.post(
        f"/api/v1/polls/{poll['id']}/publish", json=body | {"rooms": [{"room": "Aula", "capacity": 9}]}, headers=admin
    )
    assert published.status_code == 201, published.text
    workshop = published.json()["items"][0]["id"]
    put = client.put("/api/v1/me/preferences", json={"session_ids": [workshop]}, headers=bearer(people[1]["token"]))
    assert put.status_code == 200, put.text
    run = {"method": "optimal", "dry_run": False}
    assert client.post(f"/api/v1/events/{event_id}/assignments", json=run, headers=admin).status_code == 200
    sent = {"subject": "Parking", "text": "Parking przy hotelu jest bezpłatny.", "dry_run": False}
    assert client.post(f"/api/v1/events/{event_id}/broadcasts", json=sent, headers=admin).status_code == 200


def test_every_participant_email_carries_a_link_that_opens_their_page(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=2)
    people = [register(mail_client, event["id"], i) for i in (1, 2, 3)]  # the third waits
    _workshops_and_polls(mail_client, admin, event["id"], people)
    assert mail_client.delete("/api/v1/me", headers=bearer(people[0]["token"])).status_code == 200  # 3 promoted
    approval = make_event(mail_client, admin, slug="z-zatwierdzaniem", requires_approval=True)
    for i, decision in ((4, "approve"), (5, "reject")):
        pending = register(mail_client, approval["id"], i)
        assert mail_client.post(f"/api/v1/registrations/{pending['id']}/{decision}", headers=admin).status_code == 200
    # Nothing usable is stored: the body holds a mark, the row the link's claims only.
    linked = [r for r in rows(mail_app) if r.link_claims is not None]
    assert linked and all(f"/me#link={LINK_MARK}" in r.body_text and LINK_MARK in r.body_html for r in linked)

    deliver(mail_app)
    seen: set[str] = set()
    for mail in box.messages:
        kind, address = kind_of(mail_app, mail), mail["To"].addresses[0].addr_spec
        if kind not in LINKED_KINDS:
            assert kind == "registration.cancelled" and "#link=" not in box.text(mail)
            continue
        if address.startswith("lucja.1@"):  # cancelled since: their links are revoked
            continue
        me = mail_client.get("/api/v1/me", headers=bearer(link_of(box, mail)))
        assert me.status_code == 200, (kind, me.text)
        assert me.json()["email"] == address
        seen.add(kind)
    assert seen == LINKED_KINDS
    assert all(r.link_claims is not None for r in rows(mail_app) if r.kind in LINKED_KINDS)


def _refused(response: Any, reason: str) -> None:
    problem = assert_problem(response, 401)
    assert problem["type"] == "/problems/personal-link" and problem["reason"] == reason
    assert "/recover" in problem["detail"]


def test_recovery_cancellation_and_erasure_revoke_the_links(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    first, second = register(mail_client, event["id"], 1), register(mail_client, event["id"], 2)
    link = newest_link(mail_app, box, "lucja.1@")
    assert mail_client.get("/api/v1/me", headers=bearer(link)).status_code == 200
    # The participants list takes the link as it takes the token.
    assert mail_client.patch("/api/v1/me", json={"listing": "participants"}, headers=bearer(link)).status_code == 200
    listed = f"/api/v1/events/{event['id']}/participants"
    assert mail_client.get(listed).json()["total"] == 0
    assert mail_client.get(listed, headers=bearer(link)).json()["total"] == 1

    assert recover(mail_client, event["id"], "lucja.1@gmina-serock.pl").status_code == 202
    assert confirm(mail_client, code_from_mail(mail_app, box, "lucja.1@gmina-serock.pl")).status_code == 200
    revoked = mail_client.get("/api/v1/me", headers=bearer(link))
    _refused(revoked, "revoked")
    assert f"/recover?event={event['id']}" in revoked.json()["detail"]
    assert revoked.json()["recover_url"] == f"/recover?event={event['id']}"

    sent = {"subject": "Program", "text": "Program jest gotowy.", "dry_run": False}
    assert mail_client.post(f"/api/v1/events/{event['id']}/broadcasts", json=sent, headers=admin).status_code == 200
    fresh = newest_link(mail_app, box, "lucja.1@")
    assert mail_client.get("/api/v1/me", headers=bearer(fresh)).status_code == 200
    assert mail_client.delete("/api/v1/me", headers=bearer(fresh)).status_code == 200  # cancelled with the link
    _refused(mail_client.get("/api/v1/me", headers=bearer(fresh)), "revoked")

    other = newest_link(mail_app, box, "lucja.2@")
    assert mail_client.delete("/api/v1/me?erase=true", headers=bearer(other)).status_code == 200
    _refused(mail_client.get("/api/v1/me", headers=bearer(other)), "revoked")
    assert mail_client.get("/api/v1/me", headers=bearer(second["token"])).status_code == 401
    assert first["token"] != fresh


def test_expired_and_tampered_links_are_refused(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    reg = register(mail_client, event["id"], 1)
    settings = mail_app.state.settings
    with Session(mail_app.state.engine) as db:
        good = "link." + links.sign(
            db, settings, links.claims(registration_id=reg["id"], expires=4102444800, version=1)
        )
        past = "link." + links.sign(
            db, settings, links.claims(registration_id=reg["id"], expires=1600000000, version=1)
        )
    assert mail_client.get("/api/v1/me", headers=bearer(good)).status_code == 200
    _refused(mail_client.get("/api/v1/me", headers=bearer(past)), "expired")
    rid, exp, ver, mac = good.removeprefix("link.").split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for tampered in (
        f"link.{rid}.{exp}.{ver}.{flipped}",  # another signature
        f"link.{rid}.{int(exp) + 1}.{ver}.{mac}",  # a later expiry
        f"link.{int(rid) + 1}.{exp}.{ver}.{mac}",  # someone else
        f"link.{rid}.{exp}.{ver}.{mac[:20]}",  # cut short
    ):
        _refused(mail_client.get("/api/v1/me", headers=bearer(tampered)), "invalid")
