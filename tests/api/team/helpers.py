import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.db import unit_of_work
from app.team import service
from tests.mailbox import Box, deliver

PASSWORD = "Serock-seminarium-2022!"
LINK = re.compile(r"/admin/password#token=(\S+)")


def setup_token(app: FastAPI) -> str | None:
    return unit_of_work(app.state.engine, service.new_setup_token)


def first_owner(client: TestClient, app: FastAPI, email: str = "anna.owner@gmina-serock.pl") -> dict[str, Any]:
    """The first owner, signed in on `client`; returns the login answer (user, csrf_token)."""
    token = setup_token(app)
    body = {"token": token, "email": email, "name": "Anna Nowak", "password": PASSWORD}
    r = client.post("/api/v1/auth/setup", json=body)
    assert r.status_code == 201, r.text
    return login(client, email)


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    r = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def csrf(signed: dict[str, Any]) -> dict[str, str]:
    return {"X-CSRF-Token": signed["csrf_token"]}


def link_token(app: FastAPI, box: Box, address: str) -> str:
    """Deliver the outbox to the loopback SMTP server; the token of the newest link to `address`."""
    deliver(app)
    mails = box.to(address)
    assert mails, f"no e-mail to {address}"
    found = LINK.findall(box.text(mails[-1]))
    assert len(found) == 1, box.text(mails[-1])
    return found[0]


def join(
    app: FastAPI,
    box: Box,
    owner: TestClient,
    owner_signed: dict[str, Any],
    *,
    email: str,
    role: str,
    event_ids: list[int] | None = None,
    name: str = "Jan Kowalski",
) -> tuple[TestClient, dict[str, Any], dict[str, Any]]:
    """Invite a member, set their password from the e-mailed link, sign them in on a client of their own."""
    body = {"email": email, "name": name, "role": role, "event_ids": event_ids}
    r = owner.post("/api/v1/team/invitations", json=body, headers=csrf(owner_signed))
    assert r.status_code == 201, r.text
    token = link_token(app, box, email)
    done = owner.post("/api/v1/auth/password", json={"token": token, "password": PASSWORD})
    assert done.status_code == 200, done.text
    member = TestClient(app, raise_server_exceptions=False)
    return member, login(member, email), r.json()
