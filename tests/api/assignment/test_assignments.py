from tests.factories import assert_problem, bearer, make_event, make_session, register

SLOT1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
SLOT2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def _event(client, admin, capacities=(2, 2), n=4):
    event = make_event(client, admin)
    ws = [
        make_session(client, admin, event["id"], title=f"Warsztat {i}", capacity=c, **SLOT1)
        for i, c in enumerate(capacities)
    ]
    people = [register(client, event["id"], i) for i in range(n)]
    return event, ws, people


def _rank(client, person, ids):
    r = client.put("/api/v1/me/preferences", json={"session_ids": ids}, headers=bearer(person["token"]))
    assert r.status_code == 200, r.text


def test_preferences_roundtrip_and_validation(client, admin):
    event, ws, people = _event(client, admin)
    plenary = make_session(
        client,
        admin,
        event["id"],
        kind="plenary",
        title="Otwarcie",
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
    )
    token = bearer(people[0]["token"])
    _rank(client, people[0], [ws[1]["id"], ws[0]["id"]])
    assert client.get("/api/v1/me/preferences", headers=token).json() == {"session_ids": [ws[1]["id"], ws[0]["id"]]}
    assert client.get("/api/v1/me", headers=token).json()["preferences"] == [ws[1]["id"], ws[0]["id"]]
    assert_problem(client.put("/api/v1/me/preferences", json={"session_ids": [plenary["id"]]}, headers=token), 422)
    assert_problem(client.put("/api/v1/me/preferences", json={"session_ids": [ws[0]["id"]] * 2}, headers=token), 422)
    assert_problem(client.put("/api/v1/me/preferences", json={"session_ids": [424242]}, headers=token), 422)
    assert_problem(client.put("/api/v1/me/preferences", json={"session_ids": []}), 401)


def test_optimal_beats_first_come_and_writes_seats(client, admin):
    # Two rooms of 2. The first two registrants would take room A first-come although they
    # are happy with B; the optimal assignment gives everyone their first choice.
    event, (a, b), people = _event(client, admin)
    _rank(client, people[0], [a["id"], b["id"]])
    _rank(client, people[1], [a["id"], b["id"]])
    _rank(client, people[2], [a["id"]])
    _rank(client, people[3], [b["id"]])
    url = f"/api/v1/events/{event['id']}/assignments"
    dry = client.post(url, json={"method": "optimal", "dry_run": True}, headers=admin)
    assert dry.status_code == 200, dry.text
    out = dry.json()
    assert out["assigned"] == 4 and out["unassigned"] == 0
    assert out["first_choice_share"] == 0.75 and out["top3_share"] == 1.0
    assert out["baseline"]["method"] == "first_come" and out["baseline"]["unassigned"] == 1
    assert {s["session_id"]: s["assigned"] for s in out["sessions"]} == {a["id"]: 2, b["id"]: 2}
    assert client.get(f"/api/v1/sessions/{a['id']}").json()["enrolled"] == 0  # dry run writes nothing
    real = client.post(url, json={"method": "optimal", "dry_run": False}, headers=admin).json()
    assert real["assigned"] == 4
    assert client.get(f"/api/v1/sessions/{a['id']}").json()["enrolled"] == 2
    me = client.get("/api/v1/me", headers=bearer(people[2]["token"])).json()
    assert me["enrollments"] == [
        {"session_id": a["id"], "status": "enrolled", "waitlist_position": None, "source": "assignment"}
    ]
    # re-running replaces the previous run instead of adding to it
    again = client.post(url, json={"method": "optimal", "dry_run": False}, headers=admin).json()
    assert again["assigned"] == 4
    assert client.get(f"/api/v1/sessions/{a['id']}").json()["enrolled"] == 2


def test_hand_placed_seats_are_respected(client, admin):
    event, (a, b), people = _event(client, admin, capacities=(1, 3))
    # person 3 took the only seat in A directly
    assert (
        client.post(
            "/api/v1/me/enrollments", json={"session_id": a["id"]}, headers=bearer(people[3]["token"])
        ).status_code
        == 201
    )
    for p in people[:3]:
        _rank(client, p, [a["id"], b["id"]])
    out = client.post(
        f"/api/v1/events/{event['id']}/assignments", json={"method": "optimal", "dry_run": False}, headers=admin
    ).json()
    assert {s["session_id"]: s["assigned"] for s in out["sessions"]} == {a["id"]: 1, b["id"]: 3}
    assert client.get(f"/api/v1/sessions/{a['id']}").json()["enrolled"] == 1
    me = client.get("/api/v1/me", headers=bearer(people[3]["token"])).json()
    assert me["enrollments"][0]["source"] == "self"


def test_unranked_reported_and_auth(client, admin):
    event, (a, _), people = _event(client, admin)
    _rank(client, people[0], [a["id"]])
    url = f"/api/v1/events/{event['id']}/assignments"
    out = client.post(url, json={"method": "first_come", "dry_run": True}, headers=admin).json()
    assert out["assigned"] == 1 and out["unassigned"] == 3
    assert sorted(out["unassigned_registration_ids"]) == sorted(p["id"] for p in people[1:])
    filled = client.post(url, json={"method": "optimal", "dry_run": True, "fill_unranked": True}, headers=admin).json()
    assert filled["unassigned"] == 0
    assert_problem(client.post(url, json={"method": "optimal", "dry_run": True}), 401)
    assert_problem(
        client.post(url, json={"method": "optimal", "dry_run": True}, headers=bearer(people[0]["token"])), 401
    )
    assert_problem(client.post(url, json={"method": "magic", "dry_run": True}, headers=admin), 422)


def test_two_slots_one_seat_each(client, admin):
    event = make_event(client, admin)
    d1 = [make_session(client, admin, event["id"], title=f"D1-{i}", capacity=2, **SLOT1) for i in range(2)]
    d2 = [make_session(client, admin, event["id"], title=f"D2-{i}", capacity=2, **SLOT2) for i in range(2)]
    people = [register(client, event["id"], i) for i in range(4)]
    for p in people:
        _rank(client, p, [d1[0]["id"], d1[1]["id"], d2[0]["id"], d2[1]["id"]])
    out = client.post(
        f"/api/v1/events/{event['id']}/assignments", json={"method": "optimal", "dry_run": False}, headers=admin
    ).json()
    for p in people:
        mine = [e["session_id"] for e in client.get("/api/v1/me", headers=bearer(p["token"])).json()["enrollments"]]
        assert len(mine) == 2 and len(set(mine) & {d1[0]["id"], d1[1]["id"]}) == 1
    assert all(s["assigned"] <= s["capacity"] for s in out["sessions"])


def test_joint_topic_choice_and_assignment(client, admin):
    from tests.api.voting.test_polls import make_poll

    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"], seats=2)
    a, b, c, d, _ = poll["topic_ids"]
    people = [register(client, event["id"], i) for i in range(30)]
    for i, p in enumerate(people):  # 20 like A or B, 10 like only D
        choice = ([a] if i % 2 else [a, b]) if i < 20 else [d]
        client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": choice}, headers=bearer(p["token"]))
    body = {**SLOT1, "rooms": [{"room": "Sala A", "capacity": 20}, {"room": "Sala B", "capacity": 10}], "dry_run": True}
    url = f"/api/v1/polls/{poll['id']}/joint-assignment"
    out = client.post(url, json=body, headers=admin).json()
    assert out["voters"] == 30 and out["covered"] == 30 and out["optimal"] is True
    assert {t["topic_id"] for t in out["topics"]} == {a, d}
    assert all(t["assigned"] <= t["capacity"] for t in out["topics"])
    written = client.post(url, json={**body, "dry_run": False}, headers=admin).json()
    assert len(written["session_ids"]) == 2
    sessions = [client.get(f"/api/v1/sessions/{s}").json() for s in written["session_ids"]]
    assert sum(s["enrolled"] for s in sessions) == 30 and all(s["enrolled"] <= s["capacity"] for s in sessions)
    assert_problem(client.post(url, json=body), 401)
