"""Every organizer write lands in the audit log (who, what, when), only when it committed."""

from tests.factories import EVENT, make_event, register


def test_organizer_writes_are_audited(client, admin):
    key = client.post("/api/v1/organizer-keys", json={"name": "Biuro"}, headers=admin).json()
    org = {"Authorization": f"Bearer {key['key']}"}
    event = make_event(client, org)
    client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 160}, headers=org)
    reg = register(client, event["id"], 1)
    client.patch(f"/api/v1/registrations/{reg['id']}", json={"status": "cancelled"}, headers=org)
    client.post("/api/v1/events", json=EVENT, headers=org)  # 409: slug taken -> rolled back, not audited
    log = client.get("/api/v1/audit-log", params={"limit": 50}, headers=admin).json()["items"]
    actions = [(e["actor"], e["action"]) for e in log]
    label = f"key:{key['id']}:Biuro"
    assert ("bootstrap", "POST /api/v1/organizer-keys") in actions
    assert (label, "POST /api/v1/events") in actions
    assert (label, "PATCH /api/v1/events/{event_id}") in actions
    assert (label, "PATCH /api/v1/registrations/{registration_id}") in actions
    assert sum(a == (label, "POST /api/v1/events") for a in actions) == 1
    patch = next(e for e in log if e["action"] == "PATCH /api/v1/events/{event_id}")
    assert patch["event_id"] == event["id"] and patch["target"] == f"event:{event['id']}"
    assert "Łucja" not in str(log) and reg["token"] not in str(log)
    # participants' own actions are not organizer actions
    assert not any(e["action"].startswith("POST /api/v1/events/{event_id}/registrations") for e in log)
