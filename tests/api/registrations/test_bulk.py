"""Bulk actions on registrations (the console's "approve / move to the waiting list the selected")."""

from fastapi.testclient import TestClient

from tests.factories import assert_problem, make_event, register


def status_of(client: TestClient, admin: dict[str, str], reg_id: int) -> str:
    return str(client.get(f"/api/v1/registrations/{reg_id}", headers=admin).json()["status"])


def test_bulk_approve_skips_who_is_not_pending_and_refuses_strangers(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin, capacity=2, requires_approval=True)
    people = [register(client, event["id"], i) for i in (1, 2, 3)]
    stranger = register(client, make_event(client, admin, slug="inne")["id"], 9)
    url = f"/api/v1/events/{event['id']}/registrations/bulk"
    client.post(f"/api/v1/registrations/{people[1]['id']}/approve", headers=admin)  # decided one at a time first
    refused = client.post(
        url, json={"action": "approve", "registration_ids": [people[0]["id"], stranger["id"]]}, headers=admin
    )
    assert_problem(refused, 404)
    assert status_of(client, admin, people[0]["id"]) == "pending"  # nothing changed
    ids = [p["id"] for p in reversed(people)]
    done = client.post(url, json={"action": "approve", "registration_ids": ids}, headers=admin)
    assert done.status_code == 200, done.text
    out = done.json()
    assert (out["action"], out["done"], out["skipped"]) == ("approve", 2, 1)
    assert [(i["registration_id"], i["done"], i["status"], i["waitlist_position"]) for i in out["items"]] == [
        (people[0]["id"], True, "confirmed", None),
        (people[1]["id"], False, "confirmed", None),
        (people[2]["id"], True, "waitlisted", 1),
    ]
    assert "not pending" in out["items"][1]["detail"]
    assert_problem(client.post(url, json={"action": "approve", "registration_ids": ids}), 401)
    assert_problem(client.post(url, json={"action": "shuffle", "registration_ids": ids}, headers=admin), 422)
    assert_problem(client.post(url, json={"action": "approve", "registration_ids": []}, headers=admin), 422)


def test_bulk_move_to_the_waiting_list_gives_the_seats_to_those_waiting(
    client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(client, admin, capacity=2)
    a, b, c, d = (register(client, event["id"], i) for i in (1, 2, 3, 4))
    assert (c["status"], d["status"]) == ("waitlisted", "waitlisted")
    url = f"/api/v1/events/{event['id']}/registrations/bulk"
    moved = client.post(
        url, json={"action": "waitlist", "registration_ids": [a["id"], b["id"], c["id"]]}, headers=admin
    )
    assert moved.status_code == 200, moved.text
    items = {i["registration_id"]: i for i in moved.json()["items"]}
    assert (items[a["id"]]["done"], items[a["id"]]["status"]) == (True, "waitlisted")
    assert (items[b["id"]]["done"], items[b["id"]]["status"]) == (True, "waitlisted")
    assert items[c["id"]]["done"] is False  # c was waiting, not confirmed: skipped, said so
    assert (status_of(client, admin, c["id"]), status_of(client, admin, d["id"])) == ("confirmed", "confirmed")
    assert [items[a["id"]]["waitlist_position"], items[b["id"]]["waitlist_position"]] == [1, 2]
    rejected = client.post(url, json={"action": "reject", "registration_ids": [a["id"]]}, headers=admin).json()
    assert (rejected["done"], rejected["items"][0]["status"]) == (0, "waitlisted")
