"""Places in sessions stay consistent across workflows (issue 11, defects 3-8): nobody holds
two parallel places, only confirmed people hold places, counters equal rows."""

import httpx
from fastapi.testclient import TestClient

from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.invariants import violations

SLOT1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
SLOT2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def _assign(client: TestClient, admin: dict[str, str], event_id: int, **body: object) -> dict:
    r = client.post(f"/api/v1/events/{event_id}/assignments", json={"dry_run": False, **body}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


def _places(client: TestClient, person: dict) -> dict[int, str]:
    me = client.get("/api/v1/me", headers=bearer(person["token"])).json()
    return {e["session_id"]: e["status"] for e in me["enrollments"]}


def _enroll(client: TestClient, person: dict, session_id: int) -> httpx.Response:
    return client.post("/api/v1/me/enrollments", json={"session_id": session_id}, headers=bearer(person["token"]))


def test_same_topic_twice_is_refused_and_the_assignment_still_runs(client, admin, app):
    # Defect 3: a poll winner published in two slots, one person self-enrolled in both.
    event = make_event(client, admin)
    poll = client.post(
        f"/api/v1/events/{event['id']}/polls", json={"title": "Tematy", "seats": 1, "ballot": "approval"}, headers=admin
    ).json()
    topic = client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Energia"}, headers=admin).json()
    person = register(client, event["id"], 1)
    assert (
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic["id"]]}, headers=bearer(person["token"])
        ).status_code
        == 200
    )
    rooms = [{"room": "Sala A", "capacity": 5}]
    s1 = client.post(f"/api/v1/polls/{poll['id']}/publish", json={"rooms": rooms, **SLOT1}, headers=admin)
    s2 = client.post(f"/api/v1/polls/{poll['id']}/publish", json={"rooms": rooms, **SLOT2}, headers=admin)
    assert s1.status_code == s2.status_code == 201, s1.text + s2.text
    first, second = s1.json()["items"][0]["id"], s2.json()["items"][0]["id"]
    assert _enroll(client, person, first).status_code == 201
    body = assert_problem(_enroll(client, person, second), 409)
    assert body["type"].endswith("same-topic") and body["conflicting_session_id"] == first
    for dry in (True, False):
        r = client.post(f"/api/v1/events/{event['id']}/assignments", json={"dry_run": dry}, headers=admin)
        assert r.status_code == 200, r.text
    assert violations(app.state.engine) == []


def test_chained_workshops_do_not_block_the_assignment_for_everyone(client, admin, app):
    # Defect 3b: w1 09-10 and w2 10-11 are chained into one slot by w3 09:30-10:30.
    event = make_event(client, admin)
    w1 = make_session(
        client,
        admin,
        event["id"],
        title="W1",
        capacity=5,
        starts_at="2022-11-29T09:00:00+01:00",
        ends_at="2022-11-29T10:00:00+01:00",
    )
    w2 = make_session(
        client,
        admin,
        event["id"],
        title="W2",
        capacity=5,
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
    )
    w3 = make_session(
        client,
        admin,
        event["id"],
        title="W3",
        capacity=5,
        starts_at="2022-11-29T09:30:00+01:00",
        ends_at="2022-11-29T10:30:00+01:00",
    )
    both, other = register(client, event["id"], 1), register(client, event["id"], 2)
    assert _enroll(client, both, w1["id"]).status_code == 201
    assert _enroll(client, both, w2["id"]).status_code == 201
    client.put("/api/v1/me/preferences", json={"session_ids": [w3["id"]]}, headers=bearer(other["token"]))
    out = _assign(client, admin, event["id"])
    assert out["held_as_is_registration_ids"] == [both["id"]]
    assert _places(client, other) == {w3["id"]: "enrolled"}
    assert _places(client, both) == {w1["id"]: "enrolled", w2["id"]: "enrolled"}
    assert violations(app.state.engine) == []


def test_assignment_respects_plenaries_and_waiting_list_places(client, admin, app):
    # Defect 4: a 14:00 panel seat and a waiting-list place in w1 both block parallel workshops.
    event = make_event(client, admin)
    w1 = make_session(client, admin, event["id"], title="W1", capacity=1, **SLOT1)
    w2 = make_session(client, admin, event["id"], title="W2", capacity=5, **SLOT1)
    panel = make_session(
        client,
        admin,
        event["id"],
        title="Panel",
        kind="panel",
        capacity=10,
        starts_at="2022-11-29T15:00:00+01:00",
        ends_at="2022-11-29T16:30:00+01:00",
    )
    holder, waiting, panelist = (register(client, event["id"], i) for i in range(3))
    assert _enroll(client, holder, w1["id"]).json()["status"] == "enrolled"
    assert _enroll(client, waiting, w1["id"]).json()["status"] == "waitlisted"
    assert _enroll(client, panelist, panel["id"]).json()["status"] == "enrolled"
    for p in (waiting, panelist):
        client.put("/api/v1/me/preferences", json={"session_ids": [w2["id"]]}, headers=bearer(p["token"]))
    out = _assign(client, admin, event["id"], fill_unranked=True)
    assert _places(client, panelist) == {panel["id"]: "enrolled"}
    assert _places(client, waiting) == {w1["id"]: "waitlisted"}
    assert {s["session_id"]: s["assigned"] for s in out["sessions"]}[w2["id"]] == 0
    # the holder leaves: the waiting person moves up into w1, still in one room only
    assert client.delete(f"/api/v1/me/enrollments/{w1['id']}", headers=bearer(holder["token"])).status_code == 204
    assert _places(client, waiting) == {w1["id"]: "enrolled"}
    assert violations(app.state.engine) == []


def test_joint_assignment_twice_neither_doubles_sessions_nor_seats(client, admin, app):
    event = make_event(client, admin)
    poll = client.post(
        f"/api/v1/events/{event['id']}/polls", json={"title": "Tematy", "seats": 2, "ballot": "approval"}, headers=admin
    ).json()
    topics = [
        client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": t}, headers=admin).json()["id"]
        for t in ("Energia", "Transport", "Kultura")
    ]
    people = [register(client, event["id"], i) for i in range(6)]
    for i, p in enumerate(people):
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topics[i % 3]]}, headers=bearer(p["token"])
        )
    body = {"rooms": [{"room": "A", "capacity": 3}, {"room": "B", "capacity": 3}], "dry_run": False, **SLOT1}
    first = client.post(f"/api/v1/polls/{poll['id']}/joint-assignment", json=body, headers=admin)
    assert first.status_code == 200, first.text
    assert_problem(client.post(f"/api/v1/polls/{poll['id']}/joint-assignment", json=body, headers=admin), 409)
    dry = client.post(f"/api/v1/polls/{poll['id']}/joint-assignment", json={**body, "dry_run": True}, headers=admin)
    assert dry.status_code == 200 and dry.json()["voters"] == 6 - first.json()["covered"]
    assert violations(app.state.engine) == []


def test_moving_a_session_onto_held_places_is_refused(client, admin, app):
    # Defect 5
    event = make_event(client, admin)
    a = make_session(client, admin, event["id"], title="A", **SLOT1)
    b = make_session(client, admin, event["id"], title="B", **SLOT2)
    person = register(client, event["id"], 1)
    assert _enroll(client, person, a["id"]).status_code == 201
    assert _enroll(client, person, b["id"]).status_code == 201
    body = assert_problem(client.patch(f"/api/v1/sessions/{b['id']}", json=SLOT1, headers=admin), 409)
    assert body["conflicting_session_id"] == a["id"]
    ok = client.patch(f"/api/v1/sessions/{b['id']}", json={"starts_at": "2022-11-30T13:30:00+01:00"}, headers=admin)
    assert ok.status_code == 200, ok.text
    assert violations(app.state.engine) == []


def test_changing_organization_respects_the_limit_and_promotes(client, admin, app):
    # Defect 6
    event = make_event(client, admin, capacity=10, max_per_organization=1)
    a = register(client, event["id"], 1, organization="Gmina Serock")
    b = register(client, event["id"], 2, organization="Gmina Wyszków")
    c = register(client, event["id"], 3, organization="Gmina Serock")
    assert (a["status"], b["status"], c["status"]) == ("confirmed", "confirmed", "waitlisted")
    moved = client.patch("/api/v1/me", json={"organization": "Gmina Serock"}, headers=bearer(b["token"]))
    assert_problem(moved, 409)
    left = client.patch("/api/v1/me", json={"organization": "Gmina Zegrze"}, headers=bearer(a["token"]))
    assert left.status_code == 200, left.text
    assert client.get("/api/v1/me", headers=bearer(c["token"])).json()["status"] == "confirmed"
    assert violations(app.state.engine) == []


def test_moving_someone_to_the_waiting_list_frees_their_seats(client, admin, app):
    # Defect 7
    event = make_event(client, admin, capacity=1)
    w = make_session(client, admin, event["id"], capacity=1, **SLOT1)
    person = register(client, event["id"], 1)
    assert _enroll(client, person, w["id"]).status_code == 201
    r = client.patch(f"/api/v1/registrations/{person['id']}", json={"status": "waitlisted"}, headers=admin)
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/sessions/{w['id']}").json()["enrolled"] == 0
    assert violations(app.state.engine) == []


def test_kind_change_keeps_counters_equal_to_rows(client, admin, app):
    # Defect 8: run, make a workshop a panel, run again.
    event = make_event(client, admin)
    w = make_session(client, admin, event["id"], title="W", capacity=3, **SLOT1)
    people = [register(client, event["id"], i) for i in range(3)]
    for p in people:
        client.put("/api/v1/me/preferences", json={"session_ids": [w["id"]]}, headers=bearer(p["token"]))
    _assign(client, admin, event["id"])
    assert client.patch(f"/api/v1/sessions/{w['id']}", json={"kind": "panel"}, headers=admin).status_code == 200
    _assign(client, admin, event["id"])
    assert violations(app.state.engine) == []
    late = register(client, event["id"], 9)
    status = _enroll(client, late, w["id"]).json()["status"]
    assert status == ("waitlisted" if client.get(f"/api/v1/sessions/{w['id']}").json()["enrolled"] == 3 else "enrolled")
    assert violations(app.state.engine) == []


def test_a_waiting_place_keeps_the_assignment_off_the_same_topic_on_another_day(client, admin, app):
    # Found by the state machine: a person waiting for the day-two session of a topic was seated by
    # the assignment (fill_unranked) in its day-one session: one topic twice, the waiting place included.
    event = make_event(client, admin)
    poll = client.post(
        f"/api/v1/events/{event['id']}/polls", json={"title": "Tematy", "seats": 1, "ballot": "approval"}, headers=admin
    ).json()
    topic = client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Energia"}, headers=admin).json()
    person, other = register(client, event["id"], 1), register(client, event["id"], 2)
    assert (
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic["id"]]}, headers=bearer(person["token"])
        ).status_code
        == 200
    )
    s1 = client.post(
        f"/api/v1/polls/{poll['id']}/publish", json={"rooms": [{"room": "A", "capacity": 5}], **SLOT1}, headers=admin
    )
    s2 = client.post(
        f"/api/v1/polls/{poll['id']}/publish", json={"rooms": [{"room": "B", "capacity": 1}], **SLOT2}, headers=admin
    )
    first, second = s1.json()["items"][0]["id"], s2.json()["items"][0]["id"]
    assert _enroll(client, other, second).status_code == 201  # the day-two room is full now
    assert _enroll(client, person, second).json()["status"] == "waitlisted"
    _assign(client, admin, event["id"], fill_unranked=True)
    places = _places(client, person)
    assert first not in places, "seated in the day-one session of the topic they wait for"
    assert places == {second: "waitlisted"}
    assert violations(app.state.engine) == []
