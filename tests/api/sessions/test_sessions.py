from tests.factories import assert_problem, make_event, make_session


def test_create_list_ordered(client, admin):
    event = make_event(client, admin)
    late = make_session(
        client,
        admin,
        event["id"],
        title="Panel",
        kind="panel",
        starts_at="2022-11-30T11:00:00+01:00",
        ends_at="2022-11-30T12:30:00+01:00",
        capacity=None,
    )
    early = make_session(
        client,
        admin,
        event["id"],
        title="Otwarcie",
        kind="plenary",
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
        capacity=150,
    )
    assert early["starts_at"] == "2022-11-29T09:00:00Z"
    page = client.get(f"/api/v1/events/{event['id']}/sessions").json()
    assert [s["id"] for s in page["items"]] == [early["id"], late["id"]]
    assert page["total"] == 2
    assert all("enrolled" in s and "capacity" in s for s in page["items"])
    assert page["items"][0]["enrolled"] == 0 and page["items"][0]["seats_left"] == 150
    assert page["items"][1]["capacity"] is None and page["items"][1]["seats_left"] is None
    only_panels = client.get(f"/api/v1/events/{event['id']}/sessions", params={"kind": "panel"}).json()
    assert [s["id"] for s in only_panels["items"]] == [late["id"]]


def test_session_validation(client, admin):
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/sessions"
    base = {
        "title": "W",
        "kind": "workshop",
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T15:00:00+01:00",
    }
    assert_problem(client.post(url, json={**base, "ends_at": "2022-11-29T13:00:00+01:00"}, headers=admin), 422)
    assert_problem(client.post(url, json={**base, "kind": "party"}, headers=admin), 422)
    assert_problem(client.post(url, json={**base, "capacity": -5}, headers=admin), 422)
    outside = {**base, "starts_at": "2022-12-05T14:00:00+01:00", "ends_at": "2022-12-05T15:00:00+01:00"}
    assert_problem(client.post(url, json=outside, headers=admin), 422)
    assert_problem(client.post(url, json=base), 401)
    assert_problem(client.post("/api/v1/events/424242/sessions", json=base, headers=admin), 404)


def test_a_session_outside_the_event_days_is_told_which_days(client, admin):
    """The 422 names the allowed days (in the event's zone) and the session's, and lists each
    offending field with type outside_event_days and the days in ctx (pages say it in Polish)."""
    event = make_event(client, admin)  # 2022-11-29 to 2022-11-30, Europe/Warsaw
    url = f"/api/v1/events/{event['id']}/sessions"
    base = {"title": "W", "kind": "workshop"}
    late = {**base, "starts_at": "2022-12-05T14:00:00+01:00", "ends_at": "2022-12-05T15:00:00+01:00"}
    body = assert_problem(client.post(url, json=late, headers=admin), 422)
    assert body["type"].endswith("/validation-error")
    msg = (
        "The session must take place within the event's days, 2022-11-29 to 2022-11-30 (Europe/Warsaw); "
        "it is on 2022-12-05."
    )
    assert body["detail"] == msg
    ctx = {"first_day": "2022-11-29", "last_day": "2022-11-30", "timezone": "Europe/Warsaw"}
    assert body["errors"] == [
        {"loc": ["body", "starts_at"], "msg": msg, "type": "outside_event_days", "ctx": ctx},
        {"loc": ["body", "ends_at"], "msg": msg, "type": "outside_event_days", "ctx": ctx},
    ]
    # the days are the event's zone's: 22:30 UTC on the 28th is still the 28th in Warsaw (23:30), 23:30 UTC is not
    inside = {**base, "starts_at": "2022-11-28T23:30:00Z", "ends_at": "2022-11-29T09:00:00+01:00"}
    assert client.post(url, json=inside, headers=admin).status_code == 201
    early = {**base, "starts_at": "2022-11-28T22:30:00Z", "ends_at": "2022-11-29T09:00:00+01:00", "title": "E"}
    body = assert_problem(client.post(url, json=early, headers=admin), 422)
    assert body["detail"].endswith("(Europe/Warsaw); it is on 2022-11-28 to 2022-11-29.")
    assert [e["loc"] for e in body["errors"]] == [["body", "starts_at"]]
    # a change that moves a session out: the same answer; a one-day event says "day"
    s = make_session(client, admin, event["id"])
    moved = {"starts_at": "2022-11-30T17:00:00+01:00", "ends_at": "2022-12-01T01:00:00+01:00"}
    body = assert_problem(client.patch(f"/api/v1/sessions/{s['id']}", json=moved, headers=admin), 422)
    assert body["detail"].endswith("(Europe/Warsaw); it is on 2022-11-30 to 2022-12-01.")
    assert [e["loc"] for e in body["errors"]] == [["body", "ends_at"]]
    one = make_event(client, admin, slug="jeden-dzien", ends_on="2022-11-29")
    body = assert_problem(client.post(f"/api/v1/events/{one['id']}/sessions", json=late, headers=admin), 422)
    assert body["detail"].startswith("The session must take place on the event's day, 2022-11-29 (Europe/Warsaw)")


def test_get_patch_delete(client, admin):
    event = make_event(client, admin)
    s = make_session(client, admin, event["id"])
    assert client.get(f"/api/v1/sessions/{s['id']}").json() == s
    r = client.patch(f"/api/v1/sessions/{s['id']}", json={"room": "Sala B", "capacity": 25}, headers=admin)
    assert r.status_code == 200 and r.json()["room"] == "Sala B" and r.json()["capacity"] == 25
    assert_problem(
        client.patch(f"/api/v1/sessions/{s['id']}", json={"ends_at": "2022-11-29T13:00:00+01:00"}, headers=admin), 422
    )
    assert_problem(client.patch(f"/api/v1/sessions/{s['id']}", json={"room": "X"}), 401)
    assert client.delete(f"/api/v1/sessions/{s['id']}", headers=admin).status_code == 204
    assert_problem(client.get(f"/api/v1/sessions/{s['id']}"), 404)


def test_deleting_event_deletes_sessions(client, admin):
    event = make_event(client, admin)
    s = make_session(client, admin, event["id"])
    assert client.delete(f"/api/v1/events/{event['id']}", headers=admin).status_code == 204
    assert_problem(client.get(f"/api/v1/sessions/{s['id']}"), 404)


def test_sessions_of_unpublished_event_hidden(client, admin):
    event = make_event(client, admin, published=False)
    s = make_session(client, admin, event["id"])
    assert_problem(client.get(f"/api/v1/sessions/{s['id']}"), 404)
    assert_problem(client.get(f"/api/v1/events/{event['id']}/sessions"), 404)
    assert client.get(f"/api/v1/sessions/{s['id']}", headers=admin).status_code == 200
