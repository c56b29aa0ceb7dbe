from tests.factories import EVENT, assert_problem, make_event


def test_create_and_read_event(client, admin):
    event = make_event(client, admin, registration_opens_at="2022-10-01T08:00:00+02:00")
    assert event["id"]
    assert event["title"] == EVENT["title"]
    assert event["registration_opens_at"] == "2022-10-01T06:00:00Z"  # returned in UTC
    assert event["confirmed"] == 0 and event["seats_left"] == 150
    got = client.get(f"/api/v1/events/{event['id']}")
    assert got.status_code == 200
    assert got.json() == event


def test_create_requires_organizer(client, admin):
    assert_problem(client.post("/api/v1/events", json=EVENT), 401)
    bad = {"Authorization": "Bearer nope"}
    assert_problem(client.post("/api/v1/events", json=EVENT, headers=bad), 401)
    assert client.get("/api/v1/events").json()["total"] == 0


def test_slug_unique(client, admin):
    make_event(client, admin)
    body = assert_problem(client.post("/api/v1/events", json=EVENT, headers=admin), 409)
    assert "slug" in body["detail"]


def test_validation_errors_list_fields(client, admin):
    cases = [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"capacity": -1}, "capacity"),
        ({"ends_on": "2022-11-28"}, None),
        ({"slug": "Not A Slug"}, "slug"),
        ({"registration_opens_at": "2022-10-01T08:00:00"}, "registration_opens_at"),  # no offset
        ({"unexpected": 1}, "unexpected"),
    ]
    for override, field in cases:
        body = assert_problem(client.post("/api/v1/events", json={**EVENT, **override}, headers=admin), 422)
        assert body["errors"], body
        if field:
            assert any(field in map(str, e["loc"]) for e in body["errors"]), body


def test_window_order(client, admin):
    body = {**EVENT, "registration_opens_at": "2022-11-01T00:00:00Z", "registration_closes_at": "2022-10-01T00:00:00Z"}
    assert_problem(client.post("/api/v1/events", json=body, headers=admin), 422)


def test_list_paginates(client, admin):
    for i in range(7):
        make_event(client, admin, slug=f"event-{i}", starts_on=f"2023-01-0{i + 1}", ends_on=f"2023-01-0{i + 1}")
    page = client.get("/api/v1/events", params={"limit": 3, "offset": 2}).json()
    assert page["total"] == 7 and page["limit"] == 3 and page["offset"] == 2
    assert [e["slug"] for e in page["items"]] == ["event-4", "event-3", "event-2"]  # newest first
    assert_problem(client.get("/api/v1/events", params={"limit": 501}), 422)
    assert_problem(client.get("/api/v1/events", params={"offset": -1}), 422)


def test_unpublished_hidden_from_public(client, admin):
    event = make_event(client, admin, published=False)
    assert_problem(client.get(f"/api/v1/events/{event['id']}"), 404)
    assert client.get("/api/v1/events").json()["total"] == 0
    assert client.get(f"/api/v1/events/{event['id']}", headers=admin).status_code == 200
    assert client.get("/api/v1/events", headers=admin).json()["total"] == 1


def test_patch_event(client, admin):
    event = make_event(client, admin)
    r = client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 160, "venue": "Serock"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["capacity"] == 160 and r.json()["venue"] == "Serock"
    assert r.json()["title"] == EVENT["title"]
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"ends_on": "2022-11-01"}, headers=admin), 422)
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"title": None}, headers=admin), 422)
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}), 401)
    other = make_event(client, admin, slug="other")
    assert_problem(client.patch(f"/api/v1/events/{other['id']}", json={"slug": EVENT["slug"]}, headers=admin), 409)
    assert_problem(client.patch("/api/v1/events/999999", json={"capacity": 1}, headers=admin), 404)


def test_delete_event(client, admin):
    event = make_event(client, admin)
    assert client.delete(f"/api/v1/events/{event['id']}", headers=admin).status_code == 204
    assert_problem(client.get(f"/api/v1/events/{event['id']}"), 404)
    assert_problem(client.delete(f"/api/v1/events/{event['id']}", headers=admin), 404)


def test_unknown_paths_and_methods_are_problems(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.put("/api/v1/events"), 405)
    assert_problem(client.get("/api/v1/events/not-a-number"), 422)


def test_malformed_json_is_422(client, admin):
    r = client.post("/api/v1/events", content=b"{not json", headers={**admin, "Content-Type": "application/json"})
    assert_problem(r, 422)
