from tests.factories import assert_problem, bearer, make_event, make_session, register


def _setup(client, admin, capacity=1):
    event = make_event(client, admin)
    s1 = make_session(client, admin, event["id"], capacity=capacity)
    parallel = make_session(
        client,
        admin,
        event["id"],
        title="Mobilność",
        starts_at="2022-11-29T14:30:00+01:00",
        ends_at="2022-11-29T16:00:00+01:00",
    )
    later = make_session(
        client,
        admin,
        event["id"],
        title="Dziedzictwo",
        starts_at="2022-11-29T15:30:00+01:00",
        ends_at="2022-11-29T17:00:00+01:00",
    )
    return event, s1, parallel, later


def test_enroll_waitlist_and_promotion(client, admin):
    event, s1, _, _ = _setup(client, admin)
    a, b, c = (register(client, event["id"], i) for i in (1, 2, 3))
    r = client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(a["token"]))
    assert r.status_code == 201 and r.json()["status"] == "enrolled"
    rb = client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(b["token"]))
    rc = client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(c["token"]))
    assert (rb.json()["status"], rb.json()["waitlist_position"]) == ("waitlisted", 1)
    assert rc.json()["waitlist_position"] == 2
    # enrolling twice is harmless
    again = client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(a["token"]))
    assert again.status_code == 200 and again.json()["status"] == "enrolled"
    assert client.get(f"/api/v1/sessions/{s1['id']}").json()["enrolled"] == 1
    assert client.delete(f"/api/v1/me/enrollments/{s1['id']}", headers=bearer(a["token"])).status_code == 204
    me_b = client.get("/api/v1/me", headers=bearer(b["token"])).json()
    assert me_b["enrollments"] == [
        {"session_id": s1["id"], "status": "enrolled", "waitlist_position": None, "source": "self"}
    ]
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["enrollments"][0]["waitlist_position"] == 1
    assert_problem(client.delete(f"/api/v1/me/enrollments/{s1['id']}", headers=bearer(a["token"])), 404)


def test_overlap_is_409(client, admin):
    event, s1, parallel, later = _setup(client, admin, capacity=5)
    a = register(client, event["id"], 1)
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(a["token"])).status_code
        == 201
    )
    body = assert_problem(
        client.post("/api/v1/me/enrollments", json={"session_id": parallel["id"]}, headers=bearer(a["token"])), 409
    )
    assert body["conflicting_session_id"] == s1["id"]
    # back to back (15:30 after 15:30 end) is fine
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": later["id"]}, headers=bearer(a["token"])).status_code
        == 201
    )


def test_only_confirmed_and_own_event(client, admin):
    event = make_event(client, admin, capacity=1)
    s1 = make_session(client, admin, event["id"])
    register(client, event["id"], 1)
    waiting = register(client, event["id"], 2)
    assert_problem(
        client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(waiting["token"])), 403
    )
    other = make_event(client, admin, slug="inne")
    stranger = register(client, other["id"], 3)
    assert_problem(
        client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(stranger["token"])), 404
    )
    assert_problem(client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}), 401)
    assert_problem(
        client.post("/api/v1/me/enrollments", json={"session_id": "abc"}, headers=bearer(stranger["token"])), 422
    )


def test_cancel_registration_frees_session_seats(client, admin):
    event, s1, _, _ = _setup(client, admin)
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    for reg in (a, b):
        client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(reg["token"]))
    client.delete("/api/v1/me", headers=bearer(a["token"]))
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["enrollments"][0]["status"] == "enrolled"
    assert client.get(f"/api/v1/sessions/{s1['id']}").json()["enrolled"] == 1


def test_session_capacity_increase_promotes(client, admin):
    event, s1, _, _ = _setup(client, admin)
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    for reg in (a, b):
        client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(reg["token"]))
    r = client.patch(f"/api/v1/sessions/{s1['id']}", json={"capacity": 2}, headers=admin)
    assert r.json()["enrolled"] == 2
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["enrollments"][0]["status"] == "enrolled"
    assert_problem(client.patch(f"/api/v1/sessions/{s1['id']}", json={"capacity": 1}, headers=admin), 409)
