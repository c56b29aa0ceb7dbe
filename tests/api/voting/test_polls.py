from datetime import UTC, datetime, timedelta

from tests.factories import assert_problem, bearer, make_event, register

TOPICS = [
    "Transformacja energetyczna",
    "Transport i mobilność",
    "Gospodarka lokalna",
    "Edukacja i usługi społeczne",
    "Dziedzictwo kulturowe i przyrodnicze",
]


def make_poll(client, admin, event_id, **overrides):
    body = {"title": "Tematy warsztatów – dzień 1", "seats": 3, "ballot": "approval", **overrides}
    r = client.post(f"/api/v1/events/{event_id}/polls", json=body, headers=admin)
    assert r.status_code == 201, r.text
    poll = r.json()
    poll["topic_ids"] = []
    for title in TOPICS:
        t = client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": title}, headers=admin)
        assert t.status_code == 201, t.text
        poll["topic_ids"].append(t.json()["id"])
    return poll


def test_poll_with_topics_is_public(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"])
    got = client.get(f"/api/v1/polls/{poll['id']}").json()
    assert [t["title"] for t in got["topics"]] == TOPICS
    assert got["seats"] == 3 and got["ballot"] == "approval" and got["is_open"] is True
    assert client.get(f"/api/v1/events/{event['id']}/polls").json()["total"] == 1
    assert_problem(client.post(f"/api/v1/events/{event['id']}/polls", json={"title": "x", "seats": 1}), 401)
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/polls", json={"title": "x", "seats": 0}, headers=admin), 422
    )


def test_ballot_cast_replace_and_privacy(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"])
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    t = poll["topic_ids"]
    url = f"/api/v1/polls/{poll['id']}/ballot"
    r = client.put(url, json={"topic_ids": [t[0], t[1]]}, headers=bearer(a["token"]))
    assert r.status_code == 200 and r.json()["topic_ids"] == [t[0], t[1]]
    r = client.put(url, json={"topic_ids": [t[2]]}, headers=bearer(a["token"]))  # replaces
    assert r.json()["topic_ids"] == [t[2]]
    assert client.get(url, headers=bearer(a["token"])).json()["topic_ids"] == [t[2]]
    assert_problem(client.get(url, headers=bearer(b["token"])), 404)  # B has not voted, cannot see A's
    assert client.get("/api/v1/me", headers=bearer(a["token"])).json()["ballots"][0]["topic_ids"] == [t[2]]
    # organizers never see individual ballots: there is no endpoint that returns them
    assert_problem(client.get(url, headers=admin), 401)
    results = client.get(f"/api/v1/polls/{poll['id']}/results", params={"rule": "approval"}, headers=admin).json()
    assert results["ballots"] == 1
    assert "registration_id" not in str(results) and a["token"] not in str(results)


def test_ballot_validation(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"])
    other_poll = make_poll(client, admin, event["id"], title="Inna")
    a = register(client, event["id"], 1)
    url = f"/api/v1/polls/{poll['id']}/ballot"
    t = poll["topic_ids"]
    assert_problem(client.put(url, json={"topic_ids": []}, headers=bearer(a["token"])), 422)
    assert_problem(client.put(url, json={"topic_ids": [t[0], t[0]]}, headers=bearer(a["token"])), 422)
    assert_problem(client.put(url, json={"topic_ids": [other_poll["topic_ids"][0]]}, headers=bearer(a["token"])), 422)
    assert_problem(client.put(url, json={"topic_ids": [999999]}, headers=bearer(a["token"])), 422)
    assert_problem(client.put(url, json={"topic_ids": [t[0]]}), 401)
    stranger = register(client, make_event(client, admin, slug="inne")["id"], 9)
    assert_problem(client.put(url, json={"topic_ids": [t[0]]}, headers=bearer(stranger["token"])), 404)


def test_only_confirmed_vote(client, admin):
    event = make_event(client, admin, capacity=1)
    poll = make_poll(client, admin, event["id"])
    register(client, event["id"], 1)
    waiting = register(client, event["id"], 2)
    assert_problem(
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot",
            json={"topic_ids": poll["topic_ids"][:1]},
            headers=bearer(waiting["token"]),
        ),
        403,
    )


def test_window_409(client, admin):
    now = datetime.now(UTC)
    event = make_event(client, admin)
    closed = make_poll(
        client,
        admin,
        event["id"],
        opens_at=(now - timedelta(days=2)).isoformat(),
        closes_at=(now - timedelta(days=1)).isoformat(),
    )
    later = make_poll(client, admin, event["id"], title="Później", opens_at=(now + timedelta(days=1)).isoformat())
    a = register(client, event["id"], 1)
    for poll in (closed, later):
        body = assert_problem(
            client.put(
                f"/api/v1/polls/{poll['id']}/ballot",
                json={"topic_ids": poll["topic_ids"][:1]},
                headers=bearer(a["token"]),
            ),
            409,
        )
        assert body["type"].endswith("poll-closed")


def test_proposals_need_approval(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"], allow_proposals=True)
    closed_to_proposals = make_poll(client, admin, event["id"], title="Bez propozycji")
    a = register(client, event["id"], 1)
    r = client.post(
        f"/api/v1/polls/{poll['id']}/proposals",
        json={"title": "Rewitalizacja centrów miast"},
        headers=bearer(a["token"]),
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    topic_id = r.json()["id"]
    assert topic_id not in [t["id"] for t in client.get(f"/api/v1/polls/{poll['id']}").json()["topics"]]
    assert_problem(
        client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic_id]}, headers=bearer(a["token"])),
        422,
    )
    assert client.patch(f"/api/v1/topics/{topic_id}", json={"status": "approved"}, headers=admin).status_code == 200
    assert (
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic_id]}, headers=bearer(a["token"])
        ).status_code
        == 200
    )
    assert_problem(client.patch(f"/api/v1/topics/{topic_id}", json={"status": "rejected"}, headers=admin), 409)
    assert_problem(
        client.post(
            f"/api/v1/polls/{closed_to_proposals['id']}/proposals", json={"title": "X"}, headers=bearer(a["token"])
        ),
        403,
    )


def _bloc_election(client, admin, **poll_overrides):
    """150 voters, 3 seats: 100 approve A, B, C; 50 approve only D."""
    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"], **poll_overrides)
    a, b, c, d, _ = poll["topic_ids"]
    for i in range(150):
        reg = register(client, event["id"], i)
        choice = [a, b, c] if i < 100 else [d]
        r = client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": choice}, headers=bearer(reg["token"]))
        assert r.status_code == 200
    return event, poll


def test_proportional_rules_give_the_minority_a_topic(client, admin):
    event, poll = _bloc_election(client, admin)
    a, b, c, d, _ = poll["topic_ids"]
    url = f"/api/v1/polls/{poll['id']}/results"
    plain = client.get(url, params={"rule": "approval"}, headers=admin).json()
    assert sorted(plain["winners"]) == sorted([a, b, c]) and plain["ballots"] == 150 and plain["covered"] == 100
    assert {t["id"]: t["score"] for t in plain["topics"]}[d] == 50
    for rule in ("pav", "seq_phragmen", "equal_shares"):
        res = client.get(url, params={"rule": rule}, headers=admin).json()
        assert d in res["winners"] and len(res["winners"]) == 3, (rule, res)
        assert res["covered"] == 150
    default = client.get(url, headers=admin).json()
    assert d in default["winners"]
    assert_problem(client.get(url, params={"rule": "dictator"}, headers=admin), 422)
    assert_problem(client.get(url), 401)


def test_publish_makes_workshop_sessions(client, admin):
    event, poll = _bloc_election(client, admin)
    body = {
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T16:00:00+01:00",
        "rooms": [
            {"room": "Sala A", "capacity": 60},
            {"room": "Sala B", "capacity": 40},
            {"room": "Sala C", "capacity": 30},
        ],
    }
    r = client.post(f"/api/v1/polls/{poll['id']}/publish", json=body, headers=admin)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["total"] == 3 and len(out["items"]) == 3
    assert [s["topic_id"] for s in out["items"]] == out["winners"]
    assert all(s["kind"] == "workshop" and s["starts_at"] == "2022-11-29T13:00:00Z" for s in out["items"])
    assert [s["room"] for s in out["items"]] == ["Sala A", "Sala B", "Sala C"]
    sessions = client.get(f"/api/v1/events/{event['id']}/sessions", params={"kind": "workshop"}).json()
    assert sessions["total"] == 3
    day2 = {"starts_at": "2022-11-30T14:00:00+01:00", "ends_at": "2022-11-30T16:00:00+01:00"}
    too_few = {**body, **day2, "rooms": body["rooms"][:2]}
    assert_problem(client.post(f"/api/v1/polls/{poll['id']}/publish", json=too_few, headers=admin), 422)


def test_ranked_poll_rules(client, admin):
    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"], ballot="ranked", seats=2)
    t = poll["topic_ids"]
    for i in range(30):
        reg = register(client, event["id"], i)
        order = [t[0], t[1], t[2]] if i < 20 else [t[3], t[1]]
        client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": order}, headers=bearer(reg["token"]))
    url = f"/api/v1/polls/{poll['id']}/results"
    stv = client.get(url, params={"rule": "stv"}, headers=admin).json()
    assert set(stv["winners"]) == {t[0], t[3]}  # Droop quota 11: 20 first prefs for t0, 10 for t3 then t1's surplus
    borda = client.get(url, params={"rule": "borda"}, headers=admin).json()
    assert t[0] in borda["winners"] and len(borda["winners"]) == 2
    assert client.get(url, headers=admin).json()["rule"] == "stv"
