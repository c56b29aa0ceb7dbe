"""POST /polls/{poll_id}/joint-schedule: topics into slots and rooms, and people into sessions."""

from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.invariants import violations

DAY1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T15:30:00+01:00"}
DAY2 = {"starts_at": "2022-11-30T10:00:00+01:00", "ends_at": "2022-11-30T11:30:00+01:00"}


def _vote(client, poll, person, topic_ids):
    r = client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": topic_ids}, headers=bearer(person["token"]))
    assert r.status_code == 200, r.text


def _places(client, person):
    return [e["session_id"] for e in client.get("/api/v1/me", headers=bearer(person["token"])).json()["enrollments"]]


def _setup(client, admin, n=12):
    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"], seats=2)
    people = [register(client, event["id"], i) for i in range(n)]
    return event, poll, people


def test_schedule_serves_everyone_then_most_wishes_and_writes_it(client, admin, app):
    # Rooms of 4 and 2 per slot. 8 people want A and B, 4 only C: A and B cannot both run in one
    # slot for all 8, so the best plan runs A and B in different slots (16 wishes of the 8) and C
    # beside them; everyone gets something and every wish that fits is met.
    event, poll, people = _setup(client, admin)
    a, b, c, *_ = poll["topic_ids"]
    for i, p in enumerate(people):
        _vote(client, poll, p, [a, b] if i < 8 else [c])
    rooms = [{"room": "Sala A", "capacity": 8}, {"room": "Sala B", "capacity": 4}]
    body = {"slots": [{**DAY1, "rooms": rooms}, {**DAY2, "rooms": rooms}]}
    url = f"/api/v1/polls/{poll['id']}/joint-schedule"
    dry = client.post(url, json=body, headers=admin)
    assert dry.status_code == 200, dry.text
    out = dry.json()
    assert out["dry_run"] is True and out["voters"] == 12 and out["optimal"] is True and out["gap"] == 0
    assert (out["people_served"], out["pairs_served"]) == (12, 20)
    assert (out["people_bound"], out["pairs_bound"]) == (12, 20)
    assert all(s["session_id"] is None and s["assigned"] <= s["capacity"] for s in out["sessions"])
    by_topic = {}
    for s in out["sessions"]:
        by_topic.setdefault(s["topic_id"], []).append(s["slot"])
    assert sorted(by_topic[a] + by_topic[b]) == [0, 1] and len(by_topic[a]) == len(by_topic[b]) == 1
    assert client.get(f"/api/v1/events/{event['id']}/sessions").json()["total"] == 0  # nothing written

    written = client.post(url, json={**body, "dry_run": False}, headers=admin)
    assert written.status_code == 200, written.text
    sessions = written.json()["sessions"]
    assert all(s["session_id"] for s in sessions) and written.json()["pairs_served"] == 20
    for s in sessions:
        row = client.get(f"/api/v1/sessions/{s['session_id']}").json()
        assert row["enrolled"] == s["assigned"] and row["capacity"] == s["capacity"] and row["room"] == s["room"]
    for i, p in enumerate(people):
        mine = _places(client, p)
        assert len(mine) == (2 if i < 8 else 1)
    assert violations(app.state.engine) == []
    # a second run over the same slots would double sessions: refused; a dry run finds nobody left to place
    assert_problem(client.post(url, json={**body, "dry_run": False}, headers=admin), 409)
    again = client.post(url, json=body, headers=admin).json()
    assert again["voters"] == 0 and again["people_served"] == 0 and again["sessions"] == []


def test_busy_slots_and_held_topics_are_respected(client, admin, app):
    event, poll, people = _setup(client, admin, n=3)
    a, b, *_ = poll["topic_ids"]
    for p in people:  # all before the first run: its sessions close the poll
        _vote(client, poll, p, [a, b])
    # person 0 is busy on day 1 (another workshop, from the earlier run's time to the end of DAY1);
    # person 1 or 2 already holds a topic from an earlier run
    other = make_session(
        client,
        admin,
        event["id"],
        title="Spacer",
        capacity=5,
        room="Ogród",
        starts_at="2022-11-29T09:00:00+01:00",
        ends_at=DAY1["ends_at"],
    )
    assert (
        client.post(
            "/api/v1/me/enrollments", json={"session_id": other["id"]}, headers=bearer(people[0]["token"])
        ).status_code
        == 201
    )
    earlier = {
        "starts_at": "2022-11-29T09:00:00+01:00",
        "ends_at": "2022-11-29T10:00:00+01:00",
        "rooms": [{"room": "Sala C", "capacity": 1}],
        "dry_run": False,
    }
    first = client.post(f"/api/v1/polls/{poll['id']}/joint-assignment", json=earlier, headers=admin).json()
    holder = next(i for i in (1, 2) if _places(client, people[i]))
    held_topic = first["topics"][0]["topic_id"]
    rooms = [{"room": "Sala A", "capacity": 5}, {"room": "Sala B", "capacity": 5}]
    body = {"slots": [{**DAY1, "rooms": rooms}, {**DAY2, "rooms": rooms}], "dry_run": False}
    out = client.post(f"/api/v1/polls/{poll['id']}/joint-schedule", json=body, headers=admin)
    assert out.status_code == 200, out.text
    assert out.json()["optimal"] is True
    sessions = {s["session_id"]: s for s in out.json()["sessions"]}
    busy = [sessions[s] for s in _places(client, people[0]) if s in sessions]
    assert len(busy) == 1 and busy[0]["slot"] == 1  # only day 2 was free
    mine = [sessions[s]["topic_id"] for s in _places(client, people[holder]) if s in sessions]
    assert held_topic not in mine and len(mine) == 1
    free = 3 - holder
    assert len([s for s in _places(client, people[free]) if s in sessions]) == 2
    assert violations(app.state.engine) == []


def test_validation_and_access(client, admin):
    event, poll, people = _setup(client, admin, n=1)
    url = f"/api/v1/polls/{poll['id']}/joint-schedule"
    rooms = [{"room": "Sala A", "capacity": 5}]
    overlapping = {"starts_at": "2022-11-29T15:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
    assert_problem(
        client.post(url, json={"slots": [{**DAY1, "rooms": rooms}, {**overlapping, "rooms": rooms}]}, headers=admin),
        422,
    )
    assert_problem(
        client.post(
            url,
            json={"slots": [{"starts_at": DAY1["ends_at"], "ends_at": DAY1["starts_at"], "rooms": rooms}]},
            headers=admin,
        ),
        422,
    )
    assert_problem(client.post(url, json={"slots": []}, headers=admin), 422)
    assert_problem(client.post(url, json={"slots": [{**DAY1, "rooms": rooms}], "extra": 1}, headers=admin), 422)
    assert_problem(client.post(url, json={"slots": [{**DAY1, "rooms": rooms}]}), 401)
    assert_problem(
        client.post(url, json={"slots": [{**DAY1, "rooms": rooms}]}, headers=bearer(people[0]["token"])), 401
    )
    assert_problem(
        client.post("/api/v1/polls/424242/joint-schedule", json={"slots": [{**DAY1, "rooms": rooms}]}, headers=admin),
        404,
    )
    outside = {"starts_at": "2023-01-10T10:00:00+01:00", "ends_at": "2023-01-10T11:00:00+01:00", "rooms": rooms}
    _vote(client, poll, people[0], poll["topic_ids"][:1])
    assert_problem(client.post(url, json={"slots": [outside], "dry_run": False}, headers=admin), 422)
