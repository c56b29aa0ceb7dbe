"""Accounts: the first owner, sign-in, sessions, invitations, passwords (Argon2id), resets."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlmodel import Session, col, select

from app.common.time import utcnow
from app.team.models import Member, TeamToken
from tests.api.team.helpers import PASSWORD, csrf, first_owner, join, link_token, login, setup_token
from tests.factories import assert_problem


def test_first_owner_setup_sign_in_me_and_sign_out(client, app):
    token = setup_token(app)
    assert token and setup_token(app) != token  # a new setup token replaces the old one
    token = setup_token(app)
    body = {"token": token, "email": "Anna.Owner@Gmina-Serock.pl", "name": "Anna Nowak", "password": "krotkie"}
    assert assert_problem(client.post("/api/v1/auth/setup", json=body), 422)["errors"][0]["loc"] == [
        "body",
        "password",
    ]
    r = client.post("/api/v1/auth/setup", json={**body, "password": PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json()["user"]["roles"] == [{"role": "owner", "event_ids": None}]
    assert_problem(client.post("/api/v1/auth/setup", json={**body, "password": PASSWORD}), 409)
    assert setup_token(app) is None  # refused once an account exists
    with Session(app.state.engine) as db:
        stored = db.exec(select(Member)).one().password_hash
    assert stored and stored.startswith("$argon2id$") and PASSWORD not in stored

    wrong = assert_problem(client.post("/api/v1/auth/login", json={"email": body["email"], "password": "x" * 12}), 401)
    unknown = assert_problem(
        client.post("/api/v1/auth/login", json={"email": "nikt@example.pl", "password": PASSWORD}), 401
    )
    assert wrong == unknown
    r = client.post("/api/v1/auth/login", json={"email": "anna.owner@gmina-serock.pl", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "seminar_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    signed = r.json()
    assert signed["user"]["name"] == "Anna Nowak" and signed["csrf_token"]
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json() == signed
    assert_problem(client.post("/api/v1/auth/logout"), 403)  # no X-CSRF-Token
    assert client.post("/api/v1/auth/logout", headers=csrf(signed)).status_code == 204
    assert_problem(client.get("/api/v1/auth/me"), 401)
    with Session(app.state.engine) as db:
        assert db.exec(text("SELECT count(*) FROM team_sessions WHERE revoked_at IS NOT NULL")).one()[0] == 1


def test_setup_token_is_single_use(client, app):
    token = setup_token(app)
    body = {"token": token, "email": "a@example.pl", "name": "A", "password": PASSWORD}
    with Session(app.state.engine) as db:  # as if used by a request that lost the race
        db.execute(update(TeamToken).values(used_at=utcnow()))
        db.commit()
    assert assert_problem(client.post("/api/v1/auth/setup", json=body), 400)["type"].endswith("team-token-invalid")


def test_invitation_email_link_and_password_rules(client, app, box):
    signed = first_owner(client, app)
    body = {"email": "jan.kowalski@gmina-serock.pl", "name": "Jan Kowalski", "role": "organizer"}
    r = client.post("/api/v1/team/invitations", json=body, headers=csrf(signed))
    assert r.status_code == 201, r.text
    assert r.json() | {"id": 0} == {**body, "id": 0, "event_ids": None, "status": "invited", "last_login_at": None}
    dup = client.post(
        "/api/v1/team/invitations", json={**body, "email": "JAN.Kowalski@gmina-serock.pl"}, headers=csrf(signed)
    )
    assert_problem(dup, 409)
    token = link_token(app, box, body["email"])
    mail = box.to(body["email"])[-1]
    assert "Anna Nowak" in box.text(mail) and token not in str(
        Session(app.state.engine).exec(text("SELECT body_text FROM outbox")).all()
    )
    assert_problem(client.post("/api/v1/auth/password", json={"token": token, "password": "za-krotkie"}), 422)
    assert_problem(client.post("/api/v1/auth/password", json={"token": token, "password": "Password1234"}), 422)
    assert_problem(client.post("/api/v1/auth/login", json={"email": body["email"], "password": PASSWORD}), 401)
    done = client.post("/api/v1/auth/password", json={"token": token, "password": PASSWORD})
    assert done.status_code == 200 and done.json()["user"]["roles"] == [{"role": "organizer", "event_ids": None}]
    assert_problem(client.post("/api/v1/auth/password", json={"token": token, "password": PASSWORD}), 400)
    other = TestClient(app, raise_server_exceptions=False)
    assert login(other, body["email"])["user"]["email"] == body["email"]
    members = client.get("/api/v1/team/members").json()
    assert members["total"] == 2 and [m["status"] for m in members["items"]] == ["active", "active"]
    assert members["items"][1]["last_login_at"] is not None


def test_expired_invitation_link_and_resend(client, app, box):
    signed = first_owner(client, app)
    body = {"email": "ewa@gmina-serock.pl", "name": "Ewa Lis", "role": "viewer"}
    member = client.post("/api/v1/team/invitations", json=body, headers=csrf(signed)).json()
    token = link_token(app, box, body["email"])
    with Session(app.state.engine) as db:
        db.execute(update(TeamToken).where(col(TeamToken.member_id) == member["id"]).values(expires_at=utcnow()))
        db.commit()
    assert_problem(client.post("/api/v1/auth/password", json={"token": token, "password": PASSWORD}), 400)
    again = client.post(f"/api/v1/team/members/{member['id']}/invitation", headers=csrf(signed))
    assert again.status_code == 202, again.text
    fresh = link_token(app, box, body["email"])
    assert fresh != token
    assert client.post("/api/v1/auth/password", json={"token": fresh, "password": PASSWORD}).status_code == 200
    assert_problem(client.post(f"/api/v1/team/members/{member['id']}/invitation", headers=csrf(signed)), 409)


def test_forgot_password_same_answer_reset_ends_sessions(client, app, box):
    signed = first_owner(client, app)
    address = "anna.owner@gmina-serock.pl"
    known = client.post("/api/v1/auth/password/forgot", json={"email": address.upper()})
    unknown = client.post("/api/v1/auth/password/forgot", json={"email": "nikt@example.pl"})
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    token = link_token(app, box, address)
    assert not box.to("nikt@example.pl")
    assert client.get("/api/v1/auth/me").status_code == 200
    new = "Inne-haslo-do-konta-2023"
    assert client.post("/api/v1/auth/password", json={"token": token, "password": new}).status_code == 200
    assert_problem(client.get("/api/v1/auth/me"), 401)  # the reset ended every session
    assert_problem(client.post("/api/v1/auth/login", json={"email": address, "password": PASSWORD}), 401)
    assert login(client, address, new)["user"]["email"] == address
    assert signed["csrf_token"] != client.get("/api/v1/auth/me").json()["csrf_token"]


def test_session_expiry_is_enforced(client, app):
    first_owner(client, app)
    with Session(app.state.engine) as db:
        db.execute(text("UPDATE team_sessions SET expires_at = :t"), {"t": utcnow() - timedelta(seconds=1)})
        db.commit()
    assert_problem(client.get("/api/v1/auth/me"), 401)
    assert_problem(client.get("/api/v1/events/1/registrations"), 401)


def test_disabling_a_member_ends_their_session_and_the_last_owner_stays(client, app, box):
    signed = first_owner(client, app)
    member, _, info = join(app, box, client, signed, email="jan@gmina-serock.pl", role="organizer")
    assert member.get("/api/v1/events").status_code == 200
    r = client.delete(f"/api/v1/team/members/{info['id']}", headers=csrf(signed))
    assert r.status_code == 200 and r.json()["status"] == "disabled"
    assert_problem(member.get("/api/v1/auth/me"), 401)
    assert_problem(member.post("/api/v1/auth/login", json={"email": "jan@gmina-serock.pl", "password": PASSWORD}), 401)
    owner_id = signed["user"]["id"]
    assert_problem(client.delete(f"/api/v1/team/members/{owner_id}", headers=csrf(signed)), 409)
    assert_problem(client.patch(f"/api/v1/team/members/{owner_id}", json={"role": "viewer"}, headers=csrf(signed)), 409)
    _, _, second = join(app, box, client, signed, email="ola@gmina-serock.pl", role="owner", name="Ola Wiśniewska")
    r = client.patch(f"/api/v1/team/members/{owner_id}", json={"role": "organizer"}, headers=csrf(signed))
    assert r.status_code == 200 and r.json()["role"] == "organizer"
    assert_problem(client.get("/api/v1/team/members"), 403)  # no longer an owner
