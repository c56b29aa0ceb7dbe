"""Every export and check-in is written to the audit log, which organizers can read."""

from tests.api.exports.helpers import key, seed
from tests.factories import assert_problem, make_session


def test_each_export_is_audited(client, admin):
    ev, _ = seed(client, admin)
    session = make_session(client, admin, ev["id"])
    staff = key(client, admin, "organizer")
    url = f"/api/v1/events/{ev['id']}/registrations/export"
    assert (
        client.get(
            url, params={"format": "xlsx", "category": "local_government", "columns": "last_name,email"}, headers=staff
        ).status_code
        == 200
    )
    assert client.get(url, params={"delimiter": "semicolon"}, headers=admin).status_code == 200
    assert client.get(f"/api/v1/sessions/{session['id']}/attendees/export", headers=admin).status_code == 200
    for path in ("partnerships/export", "sessions/export", "badges"):
        assert client.get(f"/api/v1/events/{ev['id']}/{path}", headers=admin).status_code == 200
    assert client.get(f"/api/v1/sessions/{session['id']}/sign-in-sheet", headers=admin).status_code == 200
    assert_problem(client.get(url, params={"columns": "token"}, headers=admin), 422)  # refused: not audited

    log = client.get("/api/v1/audit-log", params={"event_id": ev["id"], "action": "export."}, headers=admin).json()
    assert log["total"] == 7 and log["limit"] == 50
    assert [e["action"] for e in log["items"]] == [  # newest first
        "export.sign_in_sheet",
        "export.badges",
        "export.sessions",
        "export.partnerships",
        "export.session_attendees",
        "export.registrations",
        "export.registrations",
    ]
    first = log["items"][-1]  # oldest: the staff key's xlsx export
    assert first["actor"].endswith(":organizer device") and first["action"] == "export.registrations"
    assert first["target"] == f"event:{ev['id']}" and first["event_id"] == ev["id"]
    assert first["details"] == {
        "format": "xlsx",
        "filters": {"status": ["confirmed"], "category": "local_government"},
        "columns": ["last_name", "email"],
        "rows": 9,
    }
    assert first["at"].endswith("Z")
    second = log["items"][-2]
    assert second["actor"] == "bootstrap" and second["details"]["delimiter"] == "semicolon"
    only = client.get("/api/v1/audit-log", params={"action": "export.session_attendees"}, headers=admin).json()
    assert only["total"] == 1 and only["items"][0]["target"] == f"session:{session['id']}"
    page = client.get("/api/v1/audit-log", params={"limit": 2, "offset": 1}, headers=admin).json()
    assert len(page["items"]) == 2 and page["offset"] == 1


def test_check_ins_are_audited(client, admin):
    ev, _ = seed(client, admin)
    door = key(client, admin, "checkin")
    code = client.get(f"/api/v1/events/{ev['id']}/checkin-codes", headers=admin).json()["items"][0]["code"]
    url = f"/api/v1/events/{ev['id']}/checkins"
    reg_id = client.post(url, json={"code": code}, headers=door).json()["registration_id"]
    client.post(url, json={"code": code}, headers=door)  # a repeat scan is not a new entry
    client.delete(f"{url}/{reg_id}", headers=door)
    log = client.get("/api/v1/audit-log", params={"event_id": ev["id"], "action": "checkin."}, headers=admin).json()
    assert [e["action"] for e in log["items"]] == ["checkin.undo", "checkin.create", "checkin.codes"]
    created = log["items"][1]
    assert created["target"] == f"registration:{reg_id}" and created["actor"].endswith(":checkin device")
    assert code not in str(log)  # no secret in the trail
