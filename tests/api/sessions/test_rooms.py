"""One room, one session at a time (issue 23): 409 `room-taken` unless `force: true`."""

from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, register

AT_TWO = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T15:30:00+01:00"}
AT_THREE = {"starts_at": "2022-11-29T15:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
AFTER = {"starts_at": "2022-11-29T15:30:00+01:00", "ends_at": "2022-11-29T16:30:00+01:00"}


def _post(client, admin, event_id, **body):
    return client.post(
        f"/api/v1/events/{event_id}/sessions",
        headers=admin,
        json={"title": "Warsztat", "kind": "workshop", **AT_TWO, **body},
    )


def test_the_same_room_at_an_overlapping_time_is_taken(client, admin):
    event = make_event(client, admin)
    first = _post(client, admin, event["id"], room="Sala Kominkowa")
    assert first.status_code == 201, first.text
    for room in ("Sala Kominkowa", "  sala KOMINKOWA ", "SALA kominkowa"):
        body = assert_problem(_post(client, admin, event["id"], room=room, **AT_THREE), 409)
        assert body["type"] == "/problems/room-taken" and body["conflicting_session_id"] == first.json()["id"]
        assert "'Sala Kominkowa'" in body["detail"]
    assert _post(client, admin, event["id"], room="Sala Kominkowa", **AFTER).status_code == 201  # back to back
    assert _post(client, admin, event["id"], room="Sala Narew").status_code == 201  # another room
    assert _post(client, admin, event["id"], room=None).status_code == 201  # no room: never collides
    assert _post(client, admin, event["id"]).status_code == 201
    shared = _post(client, admin, event["id"], room="sala kominkowa", force=True)
    assert shared.status_code == 201, shared.text
    assert "force" not in shared.json()
    total = client.get(f"/api/v1/events/{event['id']}/sessions").json()["total"]
    assert total == 6  # the three refused ones made nothing


def test_rooms_of_other_events_do_not_collide(client, admin):
    one, two = make_event(client, admin), make_event(client, admin, slug="inne-seminarium")
    assert _post(client, admin, one["id"], room="Sala A").status_code == 201
    assert _post(client, admin, two["id"], room="Sala A").status_code == 201


def test_patch_into_a_taken_room_or_time(client, admin):
    event = make_event(client, admin)
    a = _post(client, admin, event["id"], room="Sala A").json()
    b = _post(client, admin, event["id"], room="Sala B").json()
    c = _post(client, admin, event["id"], room="Sala A", **AFTER).json()
    url = f"/api/v1/sessions/{b['id']}"
    body = assert_problem(client.patch(url, json={"room": " sala a"}, headers=admin), 409)
    assert body["type"] == "/problems/room-taken" and body["conflicting_session_id"] == a["id"]
    moved = assert_problem(client.patch(f"/api/v1/sessions/{c['id']}", json=AT_THREE, headers=admin), 409)
    assert moved["conflicting_session_id"] == a["id"]
    assert client.get(url).json()["room"] == "Sala B"  # nothing changed
    assert client.patch(f"/api/v1/sessions/{a['id']}", json={"title": "Nowy tytuł"}, headers=admin).status_code == 200
    assert client.patch(f"/api/v1/sessions/{a['id']}", json={"room": "SALA A"}, headers=admin).status_code == 200
    forced = client.patch(url, json={"room": "Sala A", "force": True}, headers=admin)
    assert forced.status_code == 200 and forced.json()["room"] == "Sala A"
    # already sharing (forced): other changes to it are not refused for the old collision
    assert client.patch(url, json={"title": "Inny tytuł", "capacity": 12}, headers=admin).status_code == 200
    assert_problem(client.patch(url, json={"force": None}, headers=admin), 422)


def test_publishing_winners_into_a_taken_room_is_refused(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"], seats=1)
    person = register(client, event["id"], 1)
    client.put(
        f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": poll["topic_ids"][:1]}, headers=bearer(person["token"])
    )
    lunch = _post(client, admin, event["id"], title="Obiad", kind="meal", room="Restauracja").json()
    url = f"/api/v1/polls/{poll['id']}/publish"
    body = assert_problem(
        client.post(url, json={**AT_THREE, "rooms": [{"room": "restauracja", "capacity": 9}]}, headers=admin), 409
    )
    assert body["type"] == "/problems/room-taken" and body["conflicting_session_id"] == lunch["id"]
    assert client.get(f"/api/v1/polls/{poll['id']}").json()["status"] == "open"  # nothing published
    made = client.post(url, json={**AT_THREE, "rooms": [{"room": "Sala A", "capacity": 9}]}, headers=admin)
    assert made.status_code == 201, made.text
