"""Invitation codes: held seats the public cannot take, uses, addresses, the window, revoking."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from app.invitations.models import Invitation
from tests.factories import assert_problem, make_event, person


def _invite(client: TestClient, admin: dict[str, str], event_id: int, **body: object) -> dict:
    r = client.post(f"/api/v1/events/{event_id}/invitations", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


def _reg(client: TestClient, event_id: int, i: int, **extra: object):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=person(i, **extra))


def test_held_seats_are_not_for_the_public(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, capacity=3)
    code = _invite(client, admin, event["id"], uses=2, reserved_seats=2, label="Ministerstwo")
    assert len(code["code"]) == 14 and code["reserved_seats"] == 2
    assert client.get(f"/api/v1/events/{event['id']}").json()["seats_left"] == 1
    assert _reg(client, event["id"], 1).json()["status"] == "confirmed"
    assert _reg(client, event["id"], 2).json()["status"] == "waitlisted"  # the last two seats are held
    for i in (3, 4):
        r = _reg(client, event["id"], i, invitation_code=code["code"].lower().replace("-", " "))
        assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    used_up = assert_problem(_reg(client, event["id"], 5, invitation_code=code["code"]), 409)
    assert used_up["type"].endswith("invitation-used-up")
    listed = client.get(f"/api/v1/events/{event['id']}/invitations", headers=admin).json()
    assert [(i["used"], i["reserved_used"]) for i in listed] == [(2, 2)] and "code" not in listed[0]
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/invitations", json={"uses": 5, "reserved_seats": 1}, headers=admin),
        409,
    )  # no free seat left to hold
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 2}, headers=admin), 409)


def test_code_for_one_address_and_for_an_organization(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin)
    personal = _invite(client, admin, event["id"], email="Lucja.1@Gmina-Serock.pl")
    assert_problem(_reg(client, event["id"], 2, invitation_code=personal["code"]), 422)
    assert _reg(client, event["id"], 1, invitation_code=personal["code"]).status_code == 201
    org = _invite(client, admin, event["id"], uses=10, organization="Urząd  Gminy Serock")
    wrong = assert_problem(_reg(client, event["id"], 3, invitation_code=org["code"]), 422)
    assert wrong["errors"][0]["loc"] == ["body", "invitation_code"]
    assert (
        _reg(client, event["id"], 4, organization="urząd gminy serock", invitation_code=org["code"]).status_code == 201
    )
    assert_problem(_reg(client, event["id"], 5, invitation_code="XXXX-XXXX-XXXX"), 422)
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/invitations", json={"uses": 2, "email": "a@b.pl"}, headers=admin),
        422,
    )
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/invitations", json={"uses": 1, "reserved_seats": 2}, headers=admin),
        422,
    )


def test_a_code_admits_outside_the_window(client: TestClient, admin: dict[str, str]) -> None:
    now = datetime.now(UTC)
    event = make_event(
        client,
        admin,
        registration_opens_at=(now + timedelta(days=1)).isoformat(),
        registration_closes_at=(now + timedelta(days=2)).isoformat(),
    )
    assert_problem(_reg(client, event["id"], 1), 409)
    early = _invite(client, admin, event["id"], uses=3)
    assert _reg(client, event["id"], 1, invitation_code=early["code"]).status_code == 201
    strict = _invite(client, admin, event["id"], uses=3, outside_window=False)
    assert_problem(_reg(client, event["id"], 2, invitation_code=strict["code"]), 409)


def test_revoking_and_expiry_give_held_seats_to_the_waiting_list(
    app, client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(client, admin, capacity=2)
    revoked = _invite(client, admin, event["id"], uses=1, reserved_seats=1)
    expiring = _invite(client, admin, event["id"], uses=1, reserved_seats=1)
    waiting = [_reg(client, event["id"], i).json() for i in (1, 2)]
    assert [w["status"] for w in waiting] == ["waitlisted", "waitlisted"]
    r = client.post(f"/api/v1/invitations/{revoked['id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] and r.json()["reserved_seats"] == 0
    assert client.get(f"/api/v1/registrations/{waiting[0]['id']}", headers=admin).json()["status"] == "confirmed"
    assert_problem(_reg(client, event["id"], 3, invitation_code=revoked["code"]), 422)
    with Session(app.state.engine) as db:  # the second code's time runs out
        db.execute(
            update(Invitation)
            .where(Invitation.id == expiring["id"])
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.commit()
    assert_problem(_reg(client, event["id"], 4, invitation_code=expiring["code"]), 422)
    # the next time seats are handed out, the expired block goes back: the new person takes it
    assert _reg(client, event["id"], 5).json()["status"] == "waitlisted"  # person 2 waits first
    client.delete(f"/api/v1/registrations/{waiting[0]['id']}", headers=admin)
    statuses = client.get(
        f"/api/v1/events/{event['id']}/registrations", headers=admin, params={"status": ["confirmed"]}
    ).json()
    assert statuses["total"] == 2
    assert client.get(f"/api/v1/events/{event['id']}").json()["reserved_seats"] == 0


def _expire(app, invitation_id: int) -> None:
    with Session(app.state.engine) as db:
        db.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.commit()


def test_expired_held_seats_never_block_a_smaller_capacity(app, client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, capacity=3)
    code = _invite(client, admin, event["id"], uses=2, reserved_seats=2)
    assert _reg(client, event["id"], 1).json()["status"] == "confirmed"
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}, headers=admin), 409)
    _expire(app, code["id"])  # noticed by the capacity change itself, not only by the next registration
    r = client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}, headers=admin)
    assert r.status_code == 200, r.text
    assert (r.json()["capacity"], r.json()["reserved_seats"], r.json()["confirmed"]) == (1, 0, 1)


def test_expired_held_seats_go_to_whoever_an_organizer_confirms_or_approves(
    app, client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(client, admin, capacity=3)
    code = _invite(client, admin, event["id"], uses=2, reserved_seats=2)
    assert _reg(client, event["id"], 1).json()["status"] == "confirmed"
    waiting = _reg(client, event["id"], 2).json()
    assert waiting["status"] == "waitlisted"
    client.patch(f"/api/v1/events/{event['id']}", json={"requires_approval": True}, headers=admin)
    pending = _reg(client, event["id"], 3).json()
    assert pending["status"] == "pending"
    _expire(app, code["id"])
    r = client.patch(f"/api/v1/registrations/{waiting['id']}", json={"status": "confirmed"}, headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    r = client.post(f"/api/v1/registrations/{pending['id']}/approve", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    got = client.get(f"/api/v1/events/{event['id']}", headers=admin).json()
    assert (got["confirmed"], got["reserved_seats"]) == (3, 0)
