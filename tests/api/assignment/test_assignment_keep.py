"""Re-running the assignment without making anyone worse off (`keep_improving_only`), and the rank figures.

After a committed run some people cancel, others change their rankings or register late; the
improving run moves people only up, gives free seats to people without one, reports the moves,
and the state stays consistent (tests/invariants.py).
"""

import random

from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.invariants import violations

SLOT1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
SLOT2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def _rank(client, person, ids):
    r = client.put("/api/v1/me/preferences", json={"session_ids": ids}, headers=bearer(person["token"]))
    assert r.status_code == 200, r.text


def _seats(client, person) -> set[int]:
    me = client.get("/api/v1/me", headers=bearer(person["token"])).json()
    return {e["session_id"] for e in me["enrollments"] if e["status"] == "enrolled"}


def _run(client, admin, event_id, **body):
    r = client.post(f"/api/v1/events/{event_id}/assignments", json={"method": "optimal", **body}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


def test_improve_after_cancellation_and_late_rankings(client, admin, app):
    event = make_event(client, admin)
    a, b, c = (make_session(client, admin, event["id"], title=t, capacity=1, **SLOT1)["id"] for t in "ABC")
    d = make_session(client, admin, event["id"], title="D", capacity=1, **SLOT2)["id"]
    p0, p1, p2, p3, p4 = (register(client, event["id"], i) for i in range(5))
    for who, ids in ((p0, [b]), (p1, [c]), (p2, [a]), (p4, [d])):
        _rank(client, who, ids)
    first = _run(client, admin, event["id"], dry_run=False)
    assert first["rank_counts"] == [4] and first["unassigned"] == 1 and first["moves"] == []
    assert [_seats(client, p) for p in (p0, p1, p2, p3, p4)] == [{b}, {c}, {a}, set(), {d}]

    assert client.delete("/api/v1/me", headers=bearer(p2["token"])).status_code in (200, 204)  # frees A
    _rank(client, p0, [a, b])  # now prefers the freed A
    _rank(client, p3, [b])  # had nothing, now wants B
    _rank(client, p1, [d])  # drops C (holds it unranked now) and wants D, held by p4
    p5 = register(client, event["id"], 5)
    _rank(client, p5, [c, a])

    standing = client.get(f"/api/v1/events/{event['id']}/assignments/current", headers=admin)
    assert standing.status_code == 200, standing.text
    now = standing.json()["current"]
    assert (now["rank_counts"], now["unranked_placements"], now["unplaced_slots"]) == ([1, 1], 1, 3)
    assert (now["assigned"], now["unassigned"]) == (3, 2)
    assert standing.json()["baseline"]["method"] == "first_come"

    # A fresh run would take C from p1 (no longer ranked, no fill): p1 would be worse off.
    fresh = _run(client, admin, event["id"], dry_run=True)
    assert p1["id"] in fresh["unassigned_registration_ids"]

    dry = _run(client, admin, event["id"], dry_run=True, keep_improving_only=True)
    moves = {
        (m["registration_id"], m["slot"], m["from_session_id"], m["to_session_id"], m["from_rank"], m["to_rank"])
        for m in dry["moves"]
    }
    assert moves == {(p0["id"], 0, b, a, 2, 1), (p3["id"], 0, None, b, None, 1)}
    assert dry["current"] == now
    assert (dry["rank_counts"], dry["unranked_placements"], dry["unplaced_slots"]) == ([3, 0], 1, 2)
    assert dry["baseline"]["method"] == "first_come" and "rank_counts" in dry["baseline"]
    assert _seats(client, p0) == {b}  # a dry run writes nothing

    sent_before = _assignment_mail(client, admin, event["id"])
    done = _run(client, admin, event["id"], dry_run=False, keep_improving_only=True)
    assert done["moves"] == dry["moves"]
    new_mail = _assignment_mail(client, admin, event["id"]) - sent_before
    assert sorted(to for _, to in new_mail) == ["lucja.0@gmina-serock.pl", "lucja.3@gmina-serock.pl"]  # movers only
    assert [_seats(client, p) for p in (p0, p1, p3, p4, p5)] == [{a}, {c}, {b}, {d}, set()]
    assert violations(app.state.engine) == []
    # nothing left to improve: a second improving run moves nobody
    assert _run(client, admin, event["id"], dry_run=True, keep_improving_only=True)["moves"] == []
    after = client.get(f"/api/v1/events/{event['id']}/assignments/current", headers=admin).json()["current"]
    assert after["rank_counts"] == [3, 0]


def _assignment_mail(client, admin, event_id) -> set[tuple[int, str]]:
    r = client.get(f"/api/v1/events/{event_id}/messages", params={"limit": 500}, headers=admin)
    assert r.status_code == 200, r.text
    return {(m["id"], m["to"]) for m in r.json()["items"] if m["kind"] == "assignment.committed"}


def test_improve_only_with_optimal_and_auth(client, admin):
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/assignments"
    assert_problem(client.post(url, json={"method": "first_come", "keep_improving_only": True}, headers=admin), 422)
    assert_problem(client.get(f"{url}/current"), 401)
    assert_problem(client.get("/api/v1/events/424242/assignments/current", headers=admin), 404)


def _standings(client, people, slot_of):
    """Per person: slot -> (rank or unranked/none as a number, smaller is better)."""
    out = {}
    for p in people:
        prefs = client.get("/api/v1/me/preferences", headers=bearer(p["token"])).json()["session_ids"]
        held = {slot_of[s]: s for s in _seats(client, p) if s in slot_of}
        out[p["id"]] = {s: prefs.index(w) + 1 if w in prefs else len(prefs) + 1 for s, w in held.items()}
    return out


def test_random_cancellations_and_late_rankings_never_make_anyone_worse_off(client, admin, app):
    rng = random.Random(17)
    event = make_event(client, admin)
    ws1 = [
        make_session(client, admin, event["id"], title=f"S1-{i}", capacity=rng.randint(1, 3), **SLOT1)["id"]
        for i in range(4)
    ]
    ws2 = [
        make_session(client, admin, event["id"], title=f"S2-{i}", capacity=rng.randint(1, 3), **SLOT2)["id"]
        for i in range(3)
    ]
    slot_of = {**{w: 0 for w in ws1}, **{w: 1 for w in ws2}}
    people = [register(client, event["id"], i) for i in range(18)]
    for p in people:
        _rank(client, p, rng.sample(ws1, 2) + rng.sample(ws2, 2))
    _run(client, admin, event["id"], dry_run=False, fill_unranked=True)
    gone = rng.sample(people, 5)
    for p in gone:
        assert client.delete("/api/v1/me", headers=bearer(p["token"])).status_code in (200, 204)
    staying = [p for p in people if p not in gone]
    for p in rng.sample(staying, 5):
        _rank(client, p, rng.sample(ws1, 3) + rng.sample(ws2, 1))
    late = [register(client, event["id"], 100 + i) for i in range(4)]
    for p in late:
        _rank(client, p, rng.sample(ws1, 2) + rng.sample(ws2, 2))
    everyone = staying + late
    before = _standings(client, everyone, slot_of)
    seats_before = {p["id"]: _seats(client, p) for p in everyone}
    out = _run(client, admin, event["id"], dry_run=False, keep_improving_only=True)
    after = _standings(client, everyone, slot_of)
    for pid, slots in before.items():
        for s, standing in slots.items():
            assert s in after[pid] and after[pid][s] <= standing, (pid, s, standing, after[pid])
    changed = {(p["id"], slot_of[w]) for p in everyone for w in seats_before[p["id"]] ^ _seats(client, p)}
    assert {(m["registration_id"], m["slot"]) for m in out["moves"]} == changed
    assert out["moves"] and all(m["to_session_id"] is not None for m in out["moves"])
    assert out["rank_counts"] >= out["current"]["rank_counts"]
    for s in out["sessions"]:
        live = client.get(f"/api/v1/sessions/{s['session_id']}").json()
        assert live["enrolled"] == s["assigned"] <= live["capacity"]
    assert violations(app.state.engine) == []


def test_improve_keeps_the_seats_of_people_held_as_is(client, admin, app):
    # w1 and w2 do not overlap; X took w1 and the run gave X w2. A workshop w3 added later
    # overlaps both, so the solver sees one slot where X holds two seats: X is held as is, and
    # the improving run keeps both seats (a fresh run would give up X's run seat).
    event = make_event(client, admin)
    w1 = make_session(
        client,
        admin,
        event["id"],
        title="W1",
        capacity=2,
        starts_at="2022-11-29T14:00:00+01:00",
        ends_at="2022-11-29T15:00:00+01:00",
    )["id"]
    w2 = make_session(
        client,
        admin,
        event["id"],
        title="W2",
        capacity=2,
        starts_at="2022-11-29T15:00:00+01:00",
        ends_at="2022-11-29T16:00:00+01:00",
    )["id"]
    x, y = register(client, event["id"], 0), register(client, event["id"], 1)
    assert client.post("/api/v1/me/enrollments", json={"session_id": w1}, headers=bearer(x["token"])).status_code == 201
    _rank(client, x, [w2])
    _run(client, admin, event["id"], dry_run=False)
    assert _seats(client, x) == {w1, w2}
    w3 = make_session(
        client,
        admin,
        event["id"],
        title="W3",
        capacity=2,
        starts_at="2022-11-29T14:30:00+01:00",
        ends_at="2022-11-29T15:30:00+01:00",
    )["id"]
    _rank(client, y, [w3])
    out = _run(client, admin, event["id"], dry_run=False, keep_improving_only=True)
    assert out["held_as_is_registration_ids"] == [x["id"]]
    assert _seats(client, x) == {w1, w2} and _seats(client, y) == {w3}
    assert {s["session_id"]: s["assigned"] for s in out["sessions"]} == {w1: 1, w2: 1, w3: 1}
    assert violations(app.state.engine) == []
