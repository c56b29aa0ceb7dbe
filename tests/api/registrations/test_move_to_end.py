"""The organizer's status override `move_to_end`: a person already waiting goes to the end of
the event's waiting list; without it, waitlisting a waiting person changes nothing."""

from tests.factories import assert_problem, make_event, register


def positions(client, admin, event_id):
    items = client.get(
        f"/api/v1/events/{event_id}/registrations", params={"status": "waitlisted"}, headers=admin
    ).json()["items"]
    return {r["id"]: r["waitlist_position"] for r in items}


def test_a_waiting_person_moves_to_the_end(client, admin):
    ev = make_event(client, admin, capacity=1)
    regs = [register(client, ev["id"], i) for i in range(1, 5)]
    first, a, b, c = (r["id"] for r in regs)
    assert positions(client, admin, ev["id"]) == {a: 1, b: 2, c: 3}

    r = client.patch(f"/api/v1/registrations/{a}", json={"status": "waitlisted"}, headers=admin)
    assert r.status_code == 200 and r.json()["waitlist_position"] == 1  # no change without move_to_end

    r = client.patch(f"/api/v1/registrations/{a}", json={"status": "waitlisted", "move_to_end": True}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "waitlisted" and r.json()["waitlist_position"] == 3
    assert positions(client, admin, ev["id"]) == {b: 1, c: 2, a: 3}

    # a confirmed person sent to the end: the first waiting takes the seat
    r = client.patch(
        f"/api/v1/registrations/{first}", json={"status": "waitlisted", "move_to_end": True}, headers=admin
    )
    assert r.status_code == 200 and r.json()["waitlist_position"] == 3
    assert client.get(f"/api/v1/registrations/{b}", headers=admin).json()["status"] == "confirmed"
    assert positions(client, admin, ev["id"]) == {c: 1, a: 2, first: 3}


def test_move_to_end_only_with_waitlisted(client, admin):
    ev = make_event(client, admin, capacity=1)
    reg = register(client, ev["id"], 1)
    r = client.patch(
        f"/api/v1/registrations/{reg['id']}", json={"status": "confirmed", "move_to_end": True}, headers=admin
    )
    assert_problem(r, 422)
    assert client.get(f"/api/v1/registrations/{reg['id']}", headers=admin).json()["status"] == "confirmed"
