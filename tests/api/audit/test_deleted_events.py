"""Ids are never reused: an event created after the newest one was deleted gets a new id, so a
key limited to it never reads the deleted event's audit trail (nor its people's)."""

from tests.factories import bearer, make_event, register


def test_new_event_after_deleting_the_newest_gets_a_new_id(client, admin):
    kept = make_event(client, admin, slug="kept")
    gone = make_event(client, admin, slug="gone")
    person = register(client, gone["id"], 1)
    export = client.get(
        f"/api/v1/events/{gone['id']}/registrations/export", params={"format": "csv", "q": "Łucja"}, headers=admin
    )
    assert export.status_code == 200, export.text
    assert client.delete(f"/api/v1/events/{gone['id']}", params={"force": "true"}, headers=admin).status_code == 204

    new = make_event(client, admin, slug="new")
    assert new["id"] > gone["id"] > kept["id"]
    newcomer = register(client, new["id"], 2)
    assert newcomer["id"] > person["id"]

    made = client.post("/api/v1/organizer-keys", json={"name": "Nowe", "event_ids": [new["id"]]}, headers=admin)
    assert made.status_code == 201, made.text
    mine = bearer(made.json()["key"])
    log = client.get("/api/v1/audit-log", headers=mine)
    assert log.status_code == 200, log.text
    assert log.json()["items"] == [] and log.json()["total"] == 0
    trail = client.get("/api/v1/audit-log", params={"registration_id": newcomer["id"]}, headers=mine)
    assert trail.status_code == 200 and trail.json()["items"] == []
    # the unscoped trail still holds the deleted event's export (the trail outlives the event)
    every = client.get("/api/v1/audit-log", params={"event_id": gone["id"]}, headers=admin).json()["items"]
    assert any(e["action"] == "export.registrations" for e in every)
