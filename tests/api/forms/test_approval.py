"""Events with approval: pending registrations hold no seat until an organizer decides."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.forms.helpers import NIGHT, add_question
from tests.api.messages.helpers import rows
from tests.factories import assert_problem, bearer, make_event, person, register


def test_pending_holds_no_seat_until_approved(app: FastAPI, client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, capacity=1, requires_approval=True)
    assert event["requires_approval"] is True
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    assert (a["status"], a["waitlist_position"], b["status"]) == ("pending", None, "pending")
    assert client.get(f"/api/v1/events/{event['id']}").json()["seats_left"] == 1
    assert client.get("/api/v1/me", headers=bearer(a["token"])).json()["status"] == "pending"
    approved = client.post(f"/api/v1/registrations/{b['id']}/approve", headers=admin)
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    second = client.post(f"/api/v1/registrations/{a['id']}/approve", headers=admin).json()
    assert (second["status"], second["waitlist_position"]) == ("waitlisted", 1)  # full: the waiting list
    assert_problem(client.post(f"/api/v1/registrations/{a['id']}/approve", headers=admin), 409)
    assert_problem(client.post(f"/api/v1/registrations/{a['id']}/reject", headers=admin), 409)
    assert_problem(client.post(f"/api/v1/registrations/{a['id']}/approve"), 401)
    kinds = [(r.kind, r.registration_id) for r in rows(app) if r.channel == "email"]
    assert ("registration.approved", b["id"]) in kinds and ("registration.approved", a["id"]) in kinds
    pending_mail = next(r for r in rows(app) if r.kind == "registration.created" and r.registration_id == a["id"])
    assert pending_mail.subject.startswith("Zgłoszenie przyjęte, czeka na zatwierdzenie")


def test_reject_gives_options_back_and_tells_the_person(
    app: FastAPI, client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(client, admin, requires_approval=True)
    night = add_question(client, admin, event["id"], NIGHT)
    yes = night["options"][0]["id"]
    a = client.post(
        f"/api/v1/events/{event['id']}/registrations", json=person(1, answers={str(night["id"]): yes})
    ).json()
    assert a["status"] == "pending"  # a pending person holds their room: the demand is real
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/registrations", json=person(2, answers={str(night["id"]): yes})), 409
    )
    rejected = client.post(f"/api/v1/registrations/{a['id']}/reject", headers=admin)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert (
        client.post(
            f"/api/v1/events/{event['id']}/registrations", json=person(2, answers={str(night["id"]): yes})
        ).status_code
        == 201
    )
    assert any(r.kind == "registration.rejected" for r in rows(app))
    no = night["options"][1]["id"]
    again = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1, answers={str(night["id"]): no}))
    assert_problem(again, 409)  # the address stays taken: a rejection is not undone by registering again


def test_bulk_approval_is_first_come_first_seated(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, capacity=2, requires_approval=True)
    people = [register(client, event["id"], i) for i in (1, 2, 3)]
    other = make_event(client, admin, slug="inne", requires_approval=True)
    stranger = register(client, other["id"], 9)
    url = f"/api/v1/events/{event['id']}/registrations/approve"
    assert_problem(client.post(url, json={"registration_ids": [people[0]["id"], stranger["id"]]}, headers=admin), 404)
    assert client.get(f"/api/v1/registrations/{people[0]['id']}", headers=admin).json()["status"] == "pending"
    done = client.post(url, json={"registration_ids": [p["id"] for p in reversed(people)]}, headers=admin)
    assert done.status_code == 200, done.text
    assert [(r["id"], r["status"]) for r in done.json()] == [
        (people[0]["id"], "confirmed"),
        (people[1]["id"], "confirmed"),
        (people[2]["id"], "waitlisted"),
    ]


def test_invitations_and_organizers_skip_approval(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, requires_approval=True)
    code = client.post(f"/api/v1/events/{event['id']}/invitations", json={"uses": 1}, headers=admin).json()["code"]
    invited = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1, invitation_code=code))
    assert invited.json()["status"] == "confirmed"
    by_organizer = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(2), headers=admin)
    assert by_organizer.json()["status"] == "confirmed"
    assert_problem(
        client.patch(f"/api/v1/registrations/{by_organizer.json()['id']}", json={"status": "pending"}, headers=admin),
        409,
    )
