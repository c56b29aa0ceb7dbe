"""Door links: a check-in key of one event with its URL and QR code; revoked, it stops at once."""

from tests.api.team.helpers import csrf, first_owner
from tests.factories import assert_problem, bearer, make_event, register


def test_door_link_checks_in_at_its_event_only_and_stops_after_revoke(client, app, admin):
    signed = first_owner(client, app)
    ev, other = make_event(client, admin, slug="drzwi"), make_event(client, admin, slug="inne")
    reg = register(client, ev["id"], 1)
    url = f"/api/v1/events/{ev['id']}/door-links"
    assert_problem(client.post(url, json={"name": "Wolontariusz"}), 403)  # the session needs its CSRF header
    r = client.post(url, json={"name": "Wolontariusz przy wejściu"}, headers=csrf(signed))
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["url"] == f"https://seminar.example/events/{ev['id']}/door#key={link['key']}"
    assert link["qr_svg"].startswith("<svg") and "</svg>" in link["qr_svg"]
    door = bearer(link["key"])
    checkin = client.post(f"/api/v1/events/{ev['id']}/checkins", json={"registration_id": reg["id"]}, headers=door)
    assert checkin.status_code == 201, checkin.text
    assert_problem(client.get(f"/api/v1/events/{ev['id']}/registrations", headers=door), 403)
    assert_problem(client.get(f"/api/v1/events/{other['id']}/checkins/summary", headers=door), 404)
    # a check-in key of every event is no door link of this event
    client.post("/api/v1/organizer-keys", json={"name": "tablet", "role": "checkin"}, headers=admin)
    listed = client.get(url).json()["items"]
    assert [(i["id"], i["name"], i["revoked_at"]) for i in listed] == [(link["id"], link["name"], None)]
    assert "key" not in listed[0] and link["key"].startswith(listed[0]["prefix"])
    assert_problem(client.get(f"/api/v1/events/{other['id']}/door-links/{link['id']}"), 405)
    assert_problem(client.delete(f"/api/v1/events/{other['id']}/door-links/{link['id']}", headers=csrf(signed)), 404)
    gone = client.delete(f"{url}/{link['id']}", headers=csrf(signed))
    assert gone.status_code == 200 and gone.json()["revoked_at"] is not None
    assert_problem(client.get(f"/api/v1/events/{ev['id']}/checkins/summary", headers=door), 401)
    entries = client.get("/api/v1/audit-log", headers=admin).json()["items"]
    assert any(e["action"].startswith("POST /api/v1/events/{event_id}/door-links") for e in entries)
