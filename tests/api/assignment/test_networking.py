"""Networking-aware assignment options and fairness across slots, through the API on both databases.

Caps per organization / partnership and workshop, keeping partnerships together, `fairness:
leximin`; the answer's `networking` figures (this run beside the optimum without the options);
invariants after writing (tests/invariants.py). Also: a joint-assignment run never gives a voter
a topic they already hold from another run.
"""

from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.invariants import violations

SLOT1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
SLOT2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def _rank(client, person, ids):
    r = client.put("/api/v1/me/preferences", json={"session_ids": ids}, headers=bearer(person["token"]))
    assert r.status_code == 200, r.text


def _run(client, admin, event_id, **body):
    r = client.post(f"/api/v1/events/{event_id}/assignments", json={"method": "optimal", **body}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()


def _seats(client, person) -> set[int]:
    me = client.get("/api/v1/me", headers=bearer(person["token"])).json()
    return {e["session_id"] for e in me["enrollments"] if e["status"] == "enrolled"}


def test_cap_per_organization_spreads_people_and_reports_its_cost(client, admin, app):
    event = make_event(client, admin)
    a, b = (make_session(client, admin, event["id"], title=t, capacity=6, **SLOT1)["id"] for t in "AB")
    people = [
        register(client, event["id"], i, organization="Gmina Serock" if i < 4 else f"Gmina {i}", partnership=None)
        for i in range(6)
    ]
    for p in people:
        _rank(client, p, [a, b])
    free = _run(client, admin, event["id"])
    assert free["first_choice_share"] == 1.0 and free["networking"] is None
    out = _run(client, admin, event["id"], dry_run=False, max_per_organization_per_workshop=2)
    net = out["networking"]
    assert net["constrained"]["largest_organization_group"] == 2
    assert net["unconstrained_groups"]["largest_organization_group"] == 4
    assert net["unconstrained"]["first_choice_share"] == 1.0
    assert out["first_choice_share"] == net["constrained"]["first_choice_share"] == 4 / 6
    assert abs(net["first_choice_cost"] - 2 / 6) < 1e-9 and net["over_cap"] == []
    serock = [_seats(client, p) for p in people[:4]]
    assert sorted(len(s) for s in serock) == [1, 1, 1, 1]
    assert sum(1 for s in serock if s == {a}) == 2 and sum(1 for s in serock if s == {b}) == 2
    assert {s["session_id"]: s["assigned"] for s in out["sessions"]} == {a: 4, b: 2}
    assert client.get(f"/api/v1/sessions/{a}").json()["enrolled"] == 4
    assert violations(app.state.engine) == []


def test_fixed_seats_over_a_cap_stay_and_are_reported(client, admin, app):
    event = make_event(client, admin)
    a, b = (make_session(client, admin, event["id"], title=t, capacity=5, **SLOT1)["id"] for t in "AB")
    people = [
        register(client, event["id"], i, organization="Gmina Serock", partnership="Dolina Bugu") for i in range(4)
    ]
    for p in people[:2]:  # two of them took a seat in A themselves
        assert (
            client.post("/api/v1/me/enrollments", json={"session_id": a}, headers=bearer(p["token"])).status_code == 201
        )
    for p in people[2:]:
        _rank(client, p, [a, b])
    out = _run(client, admin, event["id"], dry_run=False, max_per_partnership_per_workshop=1)
    over = out["networking"]["over_cap"]
    assert over == [{"kind": "partnership", "group": "dolina bugu", "session_id": a, "seats": 2, "fixed": 2, "cap": 1}]
    assert [_seats(client, p) for p in people] == [{a}, {a}, {b}, set()] or [_seats(client, p) for p in people] == [
        {a},
        {a},
        set(),
        {b},
    ]  # one new seat in B, none in A
    assert out["networking"]["constrained"]["largest_partnership_group"] == 2
    assert violations(app.state.engine) == []


def test_keep_partnerships_together(client, admin, app):
    # Everyone ranks [C, A, B]: C (day 2) holds all four, A and B (day 1) two each, so every split of
    # A/B is rank-maximal. For each way to pair the four people, keeping partnerships together puts
    # each pair in one room; without it the solver splits some pairing.
    split = 0
    for pairing in ((0, 1), (0, 2), (0, 3)):
        event = make_event(client, admin, slug=f"seminarium-{pairing[1]}")
        a, b = (make_session(client, admin, event["id"], title=t, capacity=2, **SLOT1)["id"] for t in "AB")
        c = make_session(client, admin, event["id"], title="C", capacity=4, **SLOT2)["id"]
        people = [
            register(
                client,
                event["id"],
                i,
                organization=f"Gmina {i}",
                partnership="Dolina Bugu" if i in pairing else "Dolina Narwi",
            )
            for i in range(4)
        ]
        for p in people:
            _rank(client, p, [c, a, b])
        out = _run(client, admin, event["id"], dry_run=False, keep_partnerships_together=True)
        net = out["networking"]
        assert net["together_met"] is True and net["constrained"]["pairs_apart"] == 0
        assert net["constrained"]["pairs_together"] == 4  # each pair shares its day-1 room and C
        assert out["rank_counts"] == net["unconstrained"]["rank_counts"] == [4, 2, 2]
        split += net["unconstrained_groups"]["pairs_apart"]
        x, y = [p for i, p in enumerate(people) if i in pairing], [p for i, p in enumerate(people) if i not in pairing]
        assert _seats(client, x[0]) == _seats(client, x[1]) and _seats(client, y[0]) == _seats(client, y[1])
        assert _seats(client, x[0]) != _seats(client, y[0])
        assert violations(app.state.engine) == []
    assert split > 0


def test_fairness_leximin_changes_who_gets_the_poor_choices(client, admin, app):
    # Two people rank [A, C, B, D]; A, B on day 1, C, D on day 2, one seat each. Every rank-maximal
    # assignment uses ranks 1, 2, 3 and 4 once; without fairness one person gets A and C (regret
    # 0 + 1) and the other B and D (2 + 3); leximin gives each one good and one poor choice (3 and 3).
    event = make_event(client, admin)
    a, b = (make_session(client, admin, event["id"], title=t, capacity=1, **SLOT1)["id"] for t in "AB")
    c, d = (make_session(client, admin, event["id"], title=t, capacity=1, **SLOT2)["id"] for t in "CD")
    people = [register(client, event["id"], i, partnership=None) for i in range(2)]
    for p in people:
        _rank(client, p, [a, c, b, d])
    plain = _run(client, admin, event["id"], fairness="none")
    assert (plain["fairness"], plain["max_regret"], plain["regret_counts"]) == ("none", 5, [0, 1, 0, 0, 0, 1])
    fair = _run(client, admin, event["id"], dry_run=False, fairness="leximin")
    assert (fair["fairness"], fair["fairness_status"], fair["max_regret"]) == ("leximin", "optimal", 3)
    assert fair["regret_counts"] == [0, 0, 0, 2]
    assert fair["rank_counts"] == plain["rank_counts"] == [1, 1, 1, 1]
    assert fair["first_choice_share"] == plain["first_choice_share"] == 0.5
    assert sorted(sorted(_seats(client, p)) for p in people) == sorted([sorted([a, d]), sorted([b, c])])
    assert violations(app.state.engine) == []


def test_options_validated(client, admin):
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/assignments"
    for body in (
        {"method": "first_come", "max_per_organization_per_workshop": 2},
        {"method": "weighted", "keep_partnerships_together": True},
        {"method": "optimal", "keep_improving_only": True, "max_per_partnership_per_workshop": 1},
        {"method": "optimal", "max_per_organization_per_workshop": 0},
        {"method": "optimal", "fairness": "maximin"},
    ):
        assert_problem(client.post(url, json=body, headers=admin), 422)
    ok = client.post(
        url,
        json={
            "method": "optimal",
            "keep_improving_only": True,
            "fairness": "leximin",
            "keep_partnerships_together": True,
        },
        headers=admin,
    )
    assert ok.status_code == 200, ok.text


def test_joint_assignment_leaves_out_topics_a_voter_already_holds(client, admin, app):
    # One of p0, p1 holds topic A from a first run (day 1, one seat). A second run on day 2 runs A again
    # for the other; the holder, who approved only A, must not get it a second time (the old code seated
    # them in A twice).
    event = make_event(client, admin, capacity=50)
    poll = make_poll(client, admin, event["id"], seats=2)
    topic_a = poll["topic_ids"][0]
    p0, p1 = (register(client, event["id"], i) for i in range(2))
    for p in (p0, p1):  # both vote before the first run: its sessions close the poll
        client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic_a]}, headers=bearer(p["token"]))
    url = f"/api/v1/polls/{poll['id']}/joint-assignment"
    first = client.post(
        url, json={**SLOT1, "rooms": [{"room": "Sala A", "capacity": 1}], "dry_run": False}, headers=admin
    )
    assert first.status_code == 200, first.text
    assert first.json()["covered"] == 1 and sorted(len(_seats(client, p)) for p in (p0, p1)) == [0, 1]
    second = client.post(
        url, json={**SLOT2, "rooms": [{"room": "Sala A", "capacity": 5}], "dry_run": False}, headers=admin
    )
    assert second.status_code == 200, second.text
    out = second.json()
    assert out["voters"] == 1 and out["covered"] == 1 and [t["topic_id"] for t in out["topics"]] == [topic_a]
    assert len(_seats(client, p0)) == 1 and len(_seats(client, p1)) == 1
    assert violations(app.state.engine) == []


def test_the_contract_names_of_the_caps_and_their_aliases(client, admin):
    # The contract names the caps max_per_organization and max_per_partnership; the longer names stay
    # as aliases. Four people of one organization and partnership, all wanting A: a cap of 2 leaves
    # two of them for B, whichever name carries it.
    event = make_event(client, admin)
    a, b = (make_session(client, admin, event["id"], title=t, capacity=6, **SLOT1)["id"] for t in "AB")
    for i in range(4):
        _rank(client, register(client, event["id"], i, organization="Gmina Serock", partnership="Dolina Bugu"), [a, b])
    for body in (
        {"max_per_organization": 2},
        {"max_per_organization_per_workshop": 2},
        {"max_per_organization": 2, "max_per_organization_per_workshop": 2},
        {"max_per_partnership": 2},
        {"max_per_partnership_per_workshop": 2},
    ):
        out = _run(client, admin, event["id"], **body)
        assert {s["session_id"]: s["assigned"] for s in out["sessions"]} == {a: 2, b: 2}, body
        assert out["networking"]["constrained"]["largest_organization_group"] == 2, body
    url = f"/api/v1/events/{event['id']}/assignments"
    for name in ("max_per_organization", "max_per_partnership"):
        both = client.post(url, json={name: 2, f"{name}_per_workshop": 3}, headers=admin)
        problem = assert_problem(both, 422)
        assert problem["errors"][0]["loc"] == ["body", f"{name}_per_workshop"]
        assert_problem(client.post(url, json={"method": "first_come", name: 2}, headers=admin), 422)
        assert_problem(client.post(url, json={name: 0}, headers=admin), 422)
