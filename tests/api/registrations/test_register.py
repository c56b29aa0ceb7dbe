from datetime import UTC, datetime, timedelta

from tests.factories import assert_problem, bearer, make_event, person, register


def test_register_confirmed_then_waitlisted(client, admin):
    event = make_event(client, admin, capacity=2)
    a, b, c, d = (register(client, event["id"], i) for i in range(1, 5))
    assert [a["status"], b["status"]] == ["confirmed", "confirmed"]
    assert a["waitlist_position"] is None
    assert (c["status"], c["waitlist_position"]) == ("waitlisted", 1)
    assert (d["status"], d["waitlist_position"]) == ("waitlisted", 2)
    assert a["token"].startswith("reg_") and a["token"] != b["token"]
    got = client.get(f"/api/v1/events/{event['id']}").json()
    assert got["confirmed"] == 2 and got["seats_left"] == 0


def test_duplicate_email_case_insensitive(client, admin):
    event = make_event(client, admin)
    register(client, event["id"], 1)
    r = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(2, email="LUCJA.1@Gmina-Serock.PL"))
    body = assert_problem(r, 409)
    assert body["type"].endswith("already-registered")


def test_consent_required_and_fields_validated(client, admin):
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/registrations"
    for override, field in [
        ({"consent": False}, "consent"),
        ({"email": "not-an-email"}, "email"),
        ({"first_name": "  "}, "first_name"),
        ({"category": "vip"}, "category"),
        ({"token": "x"}, "token"),
        ({"status": "confirmed"}, "status"),
    ]:
        body = assert_problem(client.post(url, json=person(1, **override)), 422)
        assert any(field in map(str, e["loc"]) for e in body["errors"]), (field, body)
    missing = person(1)
    del missing["consent"]
    assert_problem(client.post(url, json=missing), 422)
    assert client.get(f"/api/v1/events/{event['id']}/registrations", headers=admin).json()["total"] == 0


def test_registration_window(client, admin):
    now = datetime.now(UTC)
    future = make_event(client, admin, slug="future", registration_opens_at=(now + timedelta(days=1)).isoformat())
    past = make_event(
        client,
        admin,
        slug="past",
        registration_opens_at=(now - timedelta(days=3)).isoformat(),
        registration_closes_at=(now - timedelta(days=1)).isoformat(),
    )
    for event in (future, past):
        body = assert_problem(client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1)), 409)
        assert body["type"].endswith("registration-closed")
    # organizers can still add people by hand
    assert register(client, past["id"], 1, headers=admin)["status"] == "confirmed"


def test_unknown_or_unpublished_event(client, admin):
    assert_problem(client.post("/api/v1/events/99999/registrations", json=person(1)), 404)
    hidden = make_event(client, admin, published=False)
    assert_problem(client.post(f"/api/v1/events/{hidden['id']}/registrations", json=person(1)), 404)


def test_idempotency_key_replays_first_answer(client, admin):
    event = make_event(client, admin, capacity=1)
    url = f"/api/v1/events/{event['id']}/registrations"
    key = {"Idempotency-Key": "5b0f8a8e-7d1c-4a57-9d8f-2f3e4c5d6e7f"}
    first = client.post(url, json=person(1), headers=key)
    again = client.post(url, json=person(1), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert client.get("/api/v1/me", headers=bearer(again.json()["token"])).json()["id"] == first.json()["id"]
    assert client.get(url, headers=admin).json()["total"] == 1
    body = assert_problem(client.post(url, json=person(2), headers=key), 422)
    assert body["type"].endswith("idempotency-key-reused")
    # without the key a second submit of the same person is a duplicate
    assert_problem(client.post(url, json=person(1)), 409)


def test_idempotency_key_table_holds_no_token(client, admin, app):
    from sqlalchemy import text

    event = make_event(client, admin)
    r = client.post(
        f"/api/v1/events/{event['id']}/registrations", json=person(1), headers={"Idempotency-Key": "key-0123456789"}
    )
    token = r.json()["token"]
    with app.state.engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("registrations", "idempotency_records")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
    assert token not in dump and token.removeprefix("reg_") not in dump
    assert "key-0123456789" not in dump


def test_per_organization_limit_waitlists(client, admin):
    event = make_event(client, admin, capacity=10, max_per_organization=2)
    same = {"organization": "Urząd Miasta Serock"}
    statuses = [register(client, event["id"], i, **same)["status"] for i in range(1, 4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    # different spelling of the same organization counts too
    assert register(client, event["id"], 4, organization="  urząd miasta   SEROCK ")["status"] == "waitlisted"
    assert register(client, event["id"], 5, organization="Gmina Pułtusk")["status"] == "confirmed"


def test_organizer_list_filters_and_stats(client, admin):
    event = make_event(client, admin, capacity=2)
    register(client, event["id"], 1, category="ministry")
    register(client, event["id"], 2)
    register(client, event["id"], 3)
    url = f"/api/v1/events/{event['id']}/registrations"
    assert_problem(client.get(url), 401)
    waiting = client.get(url, params={"status": "waitlisted"}, headers=admin).json()
    assert waiting["total"] == 1 and waiting["items"][0]["waitlist_position"] == 1
    assert "token" not in waiting["items"][0] and "token_digest" not in waiting["items"][0]
    assert client.get(url, params={"category": "ministry"}, headers=admin).json()["total"] == 1
    assert client.get(url, params={"q": "żółkiewska-2"}, headers=admin).json()["total"] == 1
    stats = client.get(f"{url}/stats", headers=admin).json()
    assert (stats["confirmed"], stats["waitlisted"], stats["cancelled"], stats["seats_left"]) == (2, 1, 0, 0)
    assert stats["by_category"]["ministry"] == {"confirmed": 1}
    assert len(stats["by_organization"]) == 3
