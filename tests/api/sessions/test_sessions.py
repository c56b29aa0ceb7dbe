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
