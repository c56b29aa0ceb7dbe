"""`GET /me/assignment`: own workshops, ranks and reasons checked against the stored state."""

import json

from tests.factories import assert_problem, bearer, make_event, make_session, register

SLOT1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
SLOT2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def _rank(client, person, ids):
    assert (
        client.put("/api/v1/me/preferences", json={"session_ids": ids}, headers=bearer(person["token"])).status_code
        == 200
    )


def _mine(client, person):
    r = client.get("/api/v1/me/assignment", headers=bearer(person["token"]))
    assert r.status_code == 200, r.text
    return r.json()


def _commit(client, admin, event_id, **body):
    r = client.post(f"/api/v1/events/{event_id}/assignments", json={"dry_run": False, **body}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


def test_ranks_and_full_reasons_with_counts(client, admin):
    event = make_event(client, admin)
    a = make_session(client, admin, event["id"], title="Energia", capacity=2, room="Sala A", **SLOT1)["id"]
    b = make_session(client, admin, event["id"], title="Woda", capacity=5, **SLOT1)["id"]
    d = make_session(client, admin, event["id"], title="Las", capacity=1, **SLOT2)["id"]
    people = [register(client, event["id"], i) for i in range(5)]
    first, second, loser, low, other = people
    _rank(client, first, [a, d])
    _rank(client, second, [a, b])
    _rank(client, loser, [a, b, d])  # A full with two first choices; D goes to `first`, who ranked it higher
    _rank(client, low, [b])
    _rank(client, other, [b])
    _commit(client, admin, event["id"])

    mine = _mine(client, first)
    assert [(i["session_id"], i["rank"], i["reason"], i["source"]) for i in mine["items"]] == [
        (a, 1, None, "assignment"),
        (d, 2, None, "assignment"),
    ]
    assert mine["items"][0]["room"] == "Sala A" and mine["items"][0]["starts_at"] == "2022-11-29T13:00:00Z"

    mine = _mine(client, loser)
    [item] = mine["items"]
    assert (item["session_id"], item["rank"]) == (b, 2)
    [why] = item["reasons"]
    assert (why["session_id"], why["rank"], why["code"]) == (a, 1, "full")
    assert (
        why["capacity"],
        why["seats_taken"],
        why["ranked_first"],
        why["ranked_at_least_as_high"],
        why["ranked_lower"],
        why["taken_directly"],
    ) == (2, 2, 2, 2, 0, 0)
    assert "went to people who ranked it first" in item["reason"]
    [slot2] = mine["unplaced"]
    [why_d] = slot2["reasons"]
    assert (why_d["session_id"], why_d["rank"], why_d["code"]) == (d, 3, "full")
    assert (why_d["ranked_first"], why_d["ranked_at_least_as_high"]) == (0, 1)
    assert "at least as high as you" in why_d["detail"]
    # counts only: nobody else is named
    text = json.dumps(mine, ensure_ascii=False).lower()
    assert "żółkiewska" not in text and "lucja" not in text and "gmina" not in text
    assert "registration" not in text and "email" not in text
    assert _mine(client, low)["items"][0]["reason"] is None


def test_mixed_holders_say_no_precise_reason(client, admin):
    # One seat in A; p0 holds it from a run where p1 had not ranked yet. p1 now ranks A first: A is
    # full and its seat is held by someone who ranked it lower than p1 (second): no precise reason.
    event = make_event(client, admin)
    a = make_session(client, admin, event["id"], title="A", capacity=1, **SLOT1)["id"]
    b = make_session(client, admin, event["id"], title="B", capacity=1, **SLOT1)["id"]
    p0, p1 = (register(client, event["id"], i) for i in range(2))
    _rank(client, p0, [a, b])
    _commit(client, admin, event["id"])
    _rank(client, p0, [b, a])
    _rank(client, p1, [a])
    [slot] = _mine(client, p1)["unplaced"]
    [why] = slot["reasons"]
    assert why["code"] == "full_mixed" and (why["ranked_at_least_as_high"], why["ranked_lower"]) == (0, 1)
    assert "cannot be established" in why["detail"]
    # p0 holds A, now ranked second; B has a free place now: that cannot be pinned down either
    [item] = _mine(client, p0)["items"]
    assert (item["session_id"], item["rank"], [r["code"] for r in item["reasons"]]) == (a, 2, ["free_now"])
    assert "cannot tell which" in item["reason"]


def test_clash_own_seat_not_run_waiting_list_and_unranked(client, admin):
    event = make_event(client, admin)
    a = make_session(client, admin, event["id"], title="A", capacity=1, **SLOT1)["id"]
    b = make_session(client, admin, event["id"], title="B", capacity=3, **SLOT1)["id"]
    plenary = make_session(
        client,
        admin,
        event["id"],
        title="Panel dyskusyjny",
        kind="panel",
        capacity=50,
        starts_at="2022-11-30T13:30:00+01:00",
        ends_at="2022-11-30T15:00:00+01:00",
    )["id"]
    d = make_session(client, admin, event["id"], title="D", capacity=3, **SLOT2)["id"]
    p0, p1, p2, p3 = (register(client, event["id"], i) for i in range(4))
    _rank(client, p0, [a, b, d])
    [slot] = _mine(client, p0)["unplaced"][:1]
    assert [r["code"] for r in slot["reasons"]] == ["not_run", "not_run"]
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": a}, headers=bearer(p1["token"])).status_code == 201
    )  # p1 took A's only seat directly
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": plenary}, headers=bearer(p0["token"])).status_code
        == 201
    )  # p0 sits in the panel during D
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": a}, headers=bearer(p2["token"])).json()["status"]
        == "waitlisted"
    )
    _rank(client, p2, [a])
    _commit(client, admin, event["id"], fill_unranked=True)

    mine = _mine(client, p0)
    [item] = mine["items"]
    assert (item["session_id"], item["rank"]) == (b, 2)
    [why] = item["reasons"]
    assert (why["code"], why["taken_directly"], why["ranked_at_least_as_high"]) == ("full", 1, 0)
    assert "taken by people themselves or placed by organizers" in why["detail"]
    [slot2] = mine["unplaced"]
    assert [(r["session_id"], r["code"]) for r in slot2["reasons"]] == [(d, "clash")]
    assert "Panel dyskusyjny" in slot2["reason"]

    [own] = [i for i in _mine(client, p1)["items"] if i["session_id"] == a]
    assert own["source"] == "self" and own["rank"] is None and "yourself" in own["reason"]

    waiting = _mine(client, p2)
    assert [i["session_id"] for i in waiting["items"]] == [d]  # the fill gave a seat in the other slot
    [why_a] = waiting["unplaced"][0]["reasons"]
    assert why_a["waitlist_position"] == 1 and "no. 1 on its waiting list" in why_a["detail"]

    filled = _mine(client, p3)["items"]  # ranked nothing, placed by the fill
    assert filled and all(i["rank"] is None and "ranked no workshop" in i["reason"] for i in filled)


def test_auth_and_not_confirmed(client, admin):
    event = make_event(client, admin, capacity=1)
    register(client, event["id"], 0)
    waiting = register(client, event["id"], 1)
    assert waiting["status"] == "waitlisted"
    assert_problem(client.get("/api/v1/me/assignment"), 401)
    assert_problem(client.get("/api/v1/me/assignment", headers=bearer("nope")), 401)
    out = _mine(client, waiting)
    assert out["items"] == [] and out["unplaced"] == [] and out["note"]
