"""Breaks, meals and social items (issue 23): in the programme for everyone; no places to take,
never ranked, never assigned."""

import pytest

from tests.factories import assert_problem, bearer, make_event, make_session, register

AT_TWO = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T15:30:00+01:00"}
COFFEE = {"starts_at": "2022-11-29T15:00:00+01:00", "ends_at": "2022-11-29T15:30:00+01:00"}


@pytest.mark.parametrize("kind", ["break", "meal", "social"])
def test_in_the_programme_but_no_places_and_never_ranked(client, admin, kind):
    event = make_event(client, admin)
    item = make_session(
        client, admin, event["id"], title="Przerwa kawowa", kind=kind, room="Foyer", capacity=None, **COFFEE
    )
    assert item["kind"] == kind
    listed = client.get(f"/api/v1/events/{event['id']}/sessions", params={"kind": kind}).json()
    assert [s["id"] for s in listed["items"]] == [item["id"]]
    person = register(client, event["id"], 1)
    me = bearer(person["token"])
    refused = assert_problem(client.post("/api/v1/me/enrollments", json={"session_id": item["id"]}, headers=me), 409)
    assert refused["type"] == "/problems/no-places" and kind in refused["detail"]
    placed = client.post(
        f"/api/v1/sessions/{item['id']}/enrollments", json={"registration_id": person["id"]}, headers=admin
    )
    assert assert_problem(placed, 409)["type"] == "/problems/no-places"
    assert client.get(f"/api/v1/sessions/{item['id']}").json()["enrolled"] == 0
    ranked = assert_problem(client.put("/api/v1/me/preferences", json={"session_ids": [item["id"]]}, headers=me), 422)
    assert "cannot be ranked" in ranked["detail"] and ranked["errors"][0]["loc"] == ["body", "session_ids"]


def test_the_assignment_ignores_them_and_they_block_nobody(client, admin):
    event = make_event(client, admin)
    workshop = make_session(client, admin, event["id"], title="Energia", capacity=2, **AT_TWO)
    coffee = make_session(client, admin, event["id"], title="Kawa", kind="break", room="Foyer", capacity=50, **COFFEE)
    people = [register(client, event["id"], i) for i in range(2)]
    for p in people:
        r = client.put("/api/v1/me/preferences", json={"session_ids": [workshop["id"]]}, headers=bearer(p["token"]))
        assert r.status_code == 200, r.text
    out = client.post(
        f"/api/v1/events/{event['id']}/assignments",
        json={"method": "optimal", "dry_run": False, "fill_unranked": True},
        headers=admin,
    )
    assert out.status_code == 200, out.text
    assert [s["session_id"] for s in out.json()["sessions"]] == [workshop["id"]]
    assert out.json()["assigned"] == 2 and out.json()["rank_counts"] == [2]
    assert client.get(f"/api/v1/sessions/{coffee['id']}").json()["enrolled"] == 0
    state = client.get(f"/api/v1/events/{event['id']}/assignments/current", headers=admin).json()
    assert [s["session_id"] for s in state["sessions"]] == [workshop["id"]]


def test_a_session_with_people_cannot_become_a_break(client, admin):
    event = make_event(client, admin)
    workshop = make_session(client, admin, event["id"], title="Energia", capacity=5, **AT_TWO)
    empty = make_session(client, admin, event["id"], title="Pusty", capacity=5, **COFFEE)
    person = register(client, event["id"], 1)
    assert (
        client.post(
            "/api/v1/me/enrollments", json={"session_id": workshop["id"]}, headers=bearer(person["token"])
        ).status_code
        == 201
    )
    body = assert_problem(
        client.patch(f"/api/v1/sessions/{workshop['id']}", json={"kind": "social"}, headers=admin), 409
    )
    assert body["enrollments"] == 1
    changed = client.patch(f"/api/v1/sessions/{empty['id']}", json={"kind": "meal"}, headers=admin)
    assert changed.json()["kind"] == "meal"
