from tests.factories import assert_problem, bearer, make_event, register


def test_me_requires_valid_token(client, admin):
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.get("/api/v1/me", headers=bearer("reg_forged")), 401)
    # an organizer key is not a registration token
    assert_problem(client.get("/api/v1/me", headers=admin), 401)


def test_read_and_update_me(client, admin):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    me = client.get("/api/v1/me", headers=bearer(reg["token"])).json()
    assert me["id"] == reg["id"] and me["status"] == "confirmed" and me["enrollments"] == []
    assert "token" not in me and "token_digest" not in me
    r = client.patch(
        "/api/v1/me", json={"last_name": "Źdźbło", "organization": "Starostwo Legionowo"}, headers=bearer(reg["token"])
    )
    assert r.status_code == 200, r.text
    assert r.json()["last_name"] == "Źdźbło" and r.json()["organization"] == "Starostwo Legionowo"
    assert_problem(client.patch("/api/v1/me", json={"email": "x@y.pl"}, headers=bearer(reg["token"])), 422)
    assert_problem(client.patch("/api/v1/me", json={"status": "confirmed"}, headers=bearer(reg["token"])), 422)
    assert_problem(client.patch("/api/v1/me", json={"first_name": None}, headers=bearer(reg["token"])), 422)


def test_cancel_promotes_first_waiting_fifo(client, admin):
    event = make_event(client, admin, capacity=1)
    a = register(client, event["id"], 1)
    b = register(client, event["id"], 2)
    c = register(client, event["id"], 3)
    assert (b["waitlist_position"], c["waitlist_position"]) == (1, 2)
    r = client.delete("/api/v1/me", headers=bearer(a["token"]))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["status"] == "confirmed"
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["waitlist_position"] == 1
    # cancelling again is harmless and frees nothing more
    assert client.delete("/api/v1/me", headers=bearer(a["token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["status"] == "waitlisted"
    assert_problem(client.patch("/api/v1/me", json={"position": "x"}, headers=bearer(a["token"])), 409)
    # the same e-mail may register again after cancelling
    assert register(client, event["id"], 1)["status"] == "waitlisted"


def test_cancel_waitlisted_keeps_order(client, admin):
    event = make_event(client, admin, capacity=1)
    register(client, event["id"], 1)
    b = register(client, event["id"], 2)
    c = register(client, event["id"], 3)
    client.delete("/api/v1/me", headers=bearer(b["token"]))
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["waitlist_position"] == 1
    assert client.get(f"/api/v1/events/{event['id']}", headers=admin).json()["confirmed"] == 1


def test_promotion_respects_org_limit(client, admin):
    event = make_event(client, admin, capacity=2, max_per_organization=1)
    a = register(client, event["id"], 1, organization="Gmina A")
    register(client, event["id"], 2, organization="Gmina B")
    a2 = register(client, event["id"], 3, organization="Gmina A")  # org limit -> waitlisted
    c = register(client, event["id"], 4, organization="Gmina C")  # full -> waitlisted
    assert (a2["status"], c["status"]) == ("waitlisted", "waitlisted")
    client.delete("/api/v1/me", headers=bearer(a["token"]))
    # first waiting (Gmina A) now has room in its organization: promoted first
    assert client.get("/api/v1/me", headers=bearer(a2["token"])).json()["status"] == "confirmed"
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["status"] == "waitlisted"


def test_capacity_increase_promotes(client, admin):
    event = make_event(client, admin, capacity=1)
    register(client, event["id"], 1)
    b = register(client, event["id"], 2)
    r = client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 2}, headers=admin)
    assert r.json()["confirmed"] == 2
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["status"] == "confirmed"
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}, headers=admin), 409)


def test_organizer_status_changes(client, admin):
    event = make_event(client, admin, capacity=1)
    a = register(client, event["id"], 1)
    b = register(client, event["id"], 2)
    url = f"/api/v1/registrations/{b['id']}"
    assert_problem(client.patch(url, json={"status": "confirmed"}, headers=admin), 409)  # full
    assert_problem(client.patch(url, json={"status": "confirmed"}), 401)
    assert_problem(client.patch(url, json={"status": "confirmed"}, headers=bearer(b["token"])), 401)
    # moving the confirmed person to the waiting list promotes the first waiting
    r = client.patch(f"/api/v1/registrations/{a['id']}", json={"status": "waitlisted"}, headers=admin)
    assert r.json()["status"] == "waitlisted" and r.json()["waitlist_position"] == 1
    assert client.get(url, headers=admin).json()["status"] == "confirmed"
    r = client.patch(url, json={"status": "cancelled"}, headers=admin)
    assert r.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{a['id']}", headers=admin).json()["status"] == "confirmed"
    assert_problem(client.get("/api/v1/registrations/99999", headers=admin), 404)
