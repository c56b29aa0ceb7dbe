from tests.factories import assert_problem, bearer, make_event, make_session, register


def test_organizer_places_speaker_and_assignment_keeps_it(client, admin):
    event = make_event(client, admin)
    s = make_session(client, admin, event["id"], capacity=2)
    speaker, a, b = (register(client, event["id"], i) for i in (1, 2, 3))
    url = f"/api/v1/sessions/{s['id']}/enrollments"
    r = client.post(url, json={"registration_id": speaker["id"]}, headers=admin)
    assert r.status_code == 201 and r.json()["source"] == "organizer"
    for p in (a, b):
        client.put("/api/v1/me/preferences", json={"session_ids": [s["id"]]}, headers=bearer(p["token"]))
    out = client.post(
        f"/api/v1/events/{event['id']}/assignments", json={"method": "optimal", "dry_run": False}, headers=admin
    ).json()
    assert out["assigned"] == 2 and out["unassigned"] == 1  # one seat left after the speaker
    people = client.get(url, headers=admin).json()
    assert people["total"] == 2
    assert {(p["registration_id"], p["source"]) for p in people["items"]} >= {(speaker["id"], "organizer")}
    # full: a hand placement does not go to a waiting list
    third = register(client, event["id"], 4)
    assert_problem(client.post(url, json={"registration_id": third["id"]}, headers=admin), 409)
    # take the speaker out: the seat frees
    assert client.delete(f"{url}/{speaker['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/sessions/{s['id']}").json()["enrolled"] == 1
    assert_problem(client.delete(f"{url}/{speaker['id']}", headers=admin), 404)


def test_placement_checks(client, admin):
    event = make_event(client, admin, capacity=1)
    other = make_event(client, admin, slug="inne")
    s = make_session(client, admin, event["id"])
    parallel = make_session(client, admin, event["id"], title="Równoległa")
    register(client, event["id"], 1)
    waiting = register(client, event["id"], 2)
    stranger = register(client, other["id"], 3)
    url = f"/api/v1/sessions/{s['id']}/enrollments"
    assert_problem(client.post(url, json={"registration_id": waiting["id"]}, headers=admin), 409)
    assert_problem(client.post(url, json={"registration_id": stranger["id"]}, headers=admin), 404)
    first = client.get(
        f"/api/v1/events/{event['id']}/registrations", params={"status": "confirmed"}, headers=admin
    ).json()["items"][0]
    assert client.post(url, json={"registration_id": first["id"]}, headers=admin).status_code == 201
    assert_problem(
        client.post(
            f"/api/v1/sessions/{parallel['id']}/enrollments", json={"registration_id": first["id"]}, headers=admin
        ),
        409,
    )


def test_deleting_with_people_needs_force(client, admin):
    event = make_event(client, admin)
    s = make_session(client, admin, event["id"])
    a = register(client, event["id"], 1)
    client.post("/api/v1/me/enrollments", json={"session_id": s["id"]}, headers=bearer(a["token"]))
    body = assert_problem(client.delete(f"/api/v1/sessions/{s['id']}", headers=admin), 409)
    assert "force" in body["detail"]
    assert client.delete(f"/api/v1/sessions/{s['id']}", params={"force": "true"}, headers=admin).status_code == 204
    assert_problem(client.delete(f"/api/v1/events/{event['id']}", headers=admin), 409)
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200
    assert client.delete(f"/api/v1/events/{event['id']}", params={"force": "true"}, headers=admin).status_code == 204
