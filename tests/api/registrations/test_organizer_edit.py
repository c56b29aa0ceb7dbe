"""The organizer edits a person's details with PATCH /registrations/{id}, through the workflow of
PATCH /me (organization limit, promotion, folded search key), and reads the person's audit trail
(GET /audit-log?registration_id=)."""

from tests.api.exports.helpers import key
from tests.factories import assert_problem, bearer, make_event, make_session, register


def url(reg):
    return f"/api/v1/registrations/{reg['id']}"


def found(client, admin, event_id, q):
    items = client.get(f"/api/v1/events/{event_id}/registrations", params={"q": q}, headers=admin).json()["items"]
    return [r["id"] for r in items]


def test_edit_names_and_find_them_folded(client, admin):
    ev = make_event(client, admin)
    reg = register(client, ev["id"], 1, first_name="Jan", last_name="Kowalski")
    r = client.patch(
        url(reg),
        json={
            "last_name": " Żółw ",
            "first_name": "Łucja",
            "position": "Wójt",
            "category": "foundation",
            "language": "en",
        },
        headers=admin,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["first_name"], body["last_name"], body["position"], body["category"], body["language"]) == (
        "Łucja",
        "Żółw",
        "Wójt",
        "foundation",
        "en",
    )
    assert body["status"] == "confirmed"
    assert found(client, admin, ev["id"], "Zolw") == [reg["id"]]
    assert found(client, admin, ev["id"], "lucja zolw") == [reg["id"]]
    assert found(client, admin, ev["id"], "Kowalski") == []


def test_details_and_status_in_one_request(client, admin):
    ev = make_event(client, admin, capacity=1)
    first, second = register(client, ev["id"], 1), register(client, ev["id"], 2)
    r = client.patch(
        url(first), json={"last_name": "Nowak", "status": "waitlisted", "move_to_end": True}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert (r.json()["last_name"], r.json()["status"]) == ("Nowak", "waitlisted")
    assert client.get(url(second), headers=admin).json()["status"] == "confirmed"
    # the status refused (the event is full): the details are not kept either
    r = client.patch(url(first), json={"last_name": "Lis", "status": "confirmed"}, headers=admin)
    assert_problem(r, 409)
    assert client.get(url(first), headers=admin).json()["last_name"] == "Nowak"


def test_organization_at_its_limit_is_409_and_nothing_changes(client, admin):
    ev = make_event(client, admin, capacity=10, max_per_organization=1)
    a = register(client, ev["id"], 1, organization="Gmina A")
    register(client, ev["id"], 2, organization="Gmina B")
    r = client.patch(url(a), json={"organization": "gmina b", "last_name": "Nowak"}, headers=admin)
    body = assert_problem(r, 409)
    assert "organization" in str(body)
    after = client.get(url(a), headers=admin).json()
    assert (after["organization"], after["last_name"], after["status"]) == ("Gmina A", "Żółkiewska-1", "confirmed")


def test_leaving_an_organization_promotes_its_waiting_person(client, admin):
    ev = make_event(client, admin, capacity=10, max_per_organization=1)
    a = register(client, ev["id"], 1, organization="Gmina A")
    waiting = register(client, ev["id"], 2, organization="Gmina A")
    assert waiting["status"] == "waitlisted"
    r = client.patch(url(a), json={"organization": "Gmina C"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["organization"] == "Gmina C" and r.json()["status"] == "confirmed"
    assert client.get(url(waiting), headers=admin).json()["status"] == "confirmed"


def test_invalid_fields_are_422(client, admin):
    ev = make_event(client, admin)
    reg = register(client, ev["id"], 1)
    for body in (
        {},
        {"move_to_end": True},
        {"last_name": ""},
        {"last_name": None},
        {"organization": "x" * 201},
        {"language": "de"},
        {"category": "alien"},
        {"email": "a@b.pl"},
        {"status": None},
        {"last_name": "Nowak", "move_to_end": True},
    ):
        assert_problem(client.patch(url(reg), json=body, headers=admin), 422)
    assert client.get(url(reg), headers=admin).json()["last_name"] == "Żółkiewska-1"


def test_a_participant_cannot_edit(client, admin):
    ev = make_event(client, admin)
    reg = register(client, ev["id"], 1)
    assert_problem(client.patch(url(reg), json={"last_name": "Nowak"}, headers=bearer(reg["token"])), 401)
    assert_problem(client.patch(url(reg), json={"last_name": "Nowak"}), 401)


def test_a_persons_audit_trail(client, admin):
    ev, other_ev = make_event(client, admin), make_event(client, admin, slug="inne")
    session = make_session(client, admin, ev["id"])
    reg, someone = register(client, ev["id"], 1), register(client, ev["id"], 2)
    stranger = register(client, other_ev["id"], 3)
    assert (
        client.patch(url(reg), json={"last_name": "Nowak", "organization": "Gmina Serock"}, headers=admin).status_code
        == 200
    )
    assert client.patch(url(someone), json={"last_name": "Lis"}, headers=admin).status_code == 200
    placed = client.post(
        f"/api/v1/sessions/{session['id']}/enrollments", json={"registration_id": reg["id"]}, headers=admin
    )
    assert placed.status_code == 201, placed.text
    enrollments = f"/api/v1/sessions/{session['id']}/enrollments"
    assert client.delete(f"{enrollments}/{reg['id']}", headers=admin).status_code == 204
    assert client.post(enrollments, json={"registration_id": someone["id"]}, headers=admin).status_code == 201
    assert client.post(f"/api/v1/registrations/{stranger['id']}/erase", headers=admin).status_code == 200

    trail = client.get("/api/v1/audit-log", params={"registration_id": reg["id"]}, headers=admin).json()
    assert trail["total"] == 3
    removal, place, edit = trail["items"]  # newest first
    assert removal["action"] == "DELETE /api/v1/sessions/{session_id}/enrollments/{registration_id}"
    assert removal["target"] == f"session:{session['id']}" and removal["details"]["registration_id"] == reg["id"]
    assert place["action"] == "POST /api/v1/sessions/{session_id}/enrollments"
    assert place["target"] == f"session:{session['id']}" and place["details"]["registration_id"] == reg["id"]
    assert edit["action"] == "PATCH /api/v1/registrations/{registration_id}"
    assert edit["target"] == f"registration:{reg['id']}" and edit["actor"] == "bootstrap"
    assert edit["details"]["fields"] == ["last_name", "organization"]
    assert "Nowak" not in str(trail)  # names the fields, not the personal data

    scoped = key(client, admin, "organizer")  # a key of every event
    assert client.get("/api/v1/audit-log", params={"registration_id": reg["id"]}, headers=scoped).json()["total"] == 3
    r = client.post(
        "/api/v1/organizer-keys", json={"name": "e", "role": "organizer", "event_ids": [ev["id"]]}, headers=admin
    )
    mine = bearer(r.json()["key"])
    assert client.get("/api/v1/audit-log", params={"registration_id": reg["id"]}, headers=mine).json()["total"] == 3
    assert_problem(client.get("/api/v1/audit-log", params={"registration_id": stranger["id"]}, headers=mine), 404)
    assert_problem(client.get("/api/v1/audit-log", params={"registration_id": 999999}, headers=mine), 404)
    assert client.get("/api/v1/audit-log", params={"registration_id": 999999}, headers=admin).json()["total"] == 0
    assert_problem(client.get("/api/v1/audit-log", params={"registration_id": 0}, headers=admin), 422)
