"""Results with `explain=true`, the EJR/PJR properties of every result, and the anonymised
pabulib export of the ballots (read back with pabutools, whose Method of Equal Shares must
buy the same topics)."""

from fractions import Fraction

import pytest
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import method_of_equal_shares

from tests.api.voting.test_polls import _bloc_election, make_poll
from tests.factories import assert_problem, bearer, make_event, register


def vote(client, event_id, poll_id, ballots):
    """Register one confirmed person per ballot and cast it; returns the registrations."""
    people = []
    for i, topics in enumerate(ballots):
        reg = register(client, event_id, 1000 + i)
        r = client.put(f"/api/v1/polls/{poll_id}/ballot", json={"topic_ids": topics}, headers=bearer(reg["token"]))
        assert r.status_code == 200, r.text
        people.append(reg)
    return people


def completion_poll(client, admin):
    """16 ballots, 3 seats: equal shares buys t0 and t2, then nothing is affordable and the
    completion (seq-Phragmén from the unspent budgets) takes t3."""
    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"])
    t = poll["topic_ids"]
    # given in an order unlike the anonymous one (by content), which is: [t0] x2, [t0,t1] x5, [t2] x5,
    # [t2,t4], [t3] x3 -> voters 1-2, 3-7, 8-12, 13, 14-16
    ballots = [[t[3]]] * 3 + [[t[1], t[0]]] * 5 + [[t[2]]] * 5 + [[t[0]]] * 2 + [[t[4], t[2]]]
    people = vote(client, event["id"], poll["id"], ballots)
    return event, poll, people


def test_equal_shares_explained_with_completion(client, admin):
    _, poll, people = completion_poll(client, admin)
    t = poll["topic_ids"]
    r = client.get(
        f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares", "explain": "true"}, headers=admin
    )
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["winners"] == [t[0], t[2], t[3]] and res["ballots"] == 16
    ex = res["explanation"]
    assert ex["method"] == "equal_shares"
    assert ex["budget"]["per_voter"] == pytest.approx(3 / 16) and ex["budget"]["total"] == pytest.approx(3)
    assert ex["budget"]["voters"] == 16 and "seat" in ex["budget"]["unit"]
    first, second, third = ex["rounds"]
    assert (first["phase"], first["topic_id"], first["cost"]) == ("equal_shares", t[0], 1.0)
    assert first["price"] == pytest.approx(1 / 7)
    assert first["payments"] == [{"amount": pytest.approx(1 / 7), "count": 7, "voters": [1, 2, 3, 4, 5, 6, 7]}]
    assert {s["topic_id"]: s["value"] for s in first["scores"]} == {
        t[0]: pytest.approx(1 / 7),
        t[2]: pytest.approx(1 / 6),
    }
    assert (second["topic_id"], second["price"]) == (t[2], pytest.approx(1 / 6))
    assert second["payments"][0]["voters"] == [8, 9, 10, 11, 12, 13]
    # completion: loads start at minus the unspent budgets (3/16 for t3's voters, 3/16 - 1/7 for t1's)
    assert (third["phase"], third["topic_id"]) == ("completion", t[3])
    assert third["price"] == pytest.approx((1 - 3 * 3 / 16) / 3)
    assert third["payments"] == [
        {"amount": pytest.approx((1 - 3 * 3 / 16) / 3 + 3 / 16), "count": 3, "voters": [14, 15, 16]}
    ]
    assert "completed with Phragmén" in ex["completion"]
    why = {b["topic_id"]: b for b in ex["not_bought"]}
    assert set(why) == {t[1], t[3], t[4]}
    assert why[t[1]]["supporters_budget"] == pytest.approx(5 * (3 / 16 - 1 / 7)) and not why[t[1]]["affordable"]
    assert (
        why[t[3]]["supporters_budget"] == pytest.approx(9 / 16) and "elected in the completion" in why[t[3]]["reason"]
    )
    assert why[t[4]]["supporters"] == 1 and "less than its cost" in why[t[4]]["reason"]
    assert res["properties"]["ejr"] is True and res["properties"]["pjr"] is True
    # no identities anywhere: no registration id, token or name
    text = r.text
    assert all(person["token"] not in text for person in people)
    assert "registration_id" not in text and "Żółkiewska" not in text and "lucja" not in text
    plain = client.get(f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares"}, headers=admin).json()
    assert plain["explanation"] is None and plain["winners"] == res["winners"]
    assert plain["properties"] == {**res["properties"], "seconds": plain["properties"]["seconds"]}


def test_approval_voting_reports_the_ejr_violation(client, admin):
    _, poll = _bloc_election(client, admin)
    a, b, c, d, _ = poll["topic_ids"]
    url = f"/api/v1/polls/{poll['id']}/results"
    res = client.get(url, params={"rule": "approval", "explain": "true"}, headers=admin).json()
    props = res["properties"]
    assert props["ejr"] is False and props["pjr"] is False
    # the 50 voters of D (ballots sorted by content: A,B,C ballots are 1..100) have no winner
    violation = {"ell": 1, "topic_ids": [d], "group_size": 50, "voters": list(range(101, 151))}
    assert props["ejr_violation"] == violation and props["pjr_violation"] == violation
    assert res["explanation"]["method"] == "not_sequential" and res["explanation"]["rounds"] == []
    assert {v["topic_id"]: v["value"] for v in res["explanation"]["totals"]} == {
        a: 100,
        b: 100,
        c: 100,
        d: 50,
        poll["topic_ids"][4]: 0,
    }
    mes = client.get(url, params={"explain": "true"}, headers=admin).json()
    assert mes["rule"] == "equal_shares" and mes["properties"]["ejr"] is True
    assert [r["topic_id"] for r in mes["explanation"]["rounds"]] == [a, b, d]
    assert mes["explanation"]["rounds"][2]["payments"][0]["voters"] == list(range(101, 151))
    seq = client.get(url, params={"rule": "seq_pav", "explain": "true"}, headers=admin).json()
    assert seq["explanation"]["method"] == "sequential" and len(seq["explanation"]["rounds"]) == 3
    assert {s["topic_id"]: s["value"] for s in seq["explanation"]["rounds"][1]["scores"]}[d] == 50


def test_few_ballots_hide_voter_numbers_and_refuse_the_export(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"], seats=2)
    t = poll["topic_ids"]
    vote(client, event["id"], poll["id"], [[t[0], t[1]]] * 2 + [[t[2]]] * 2)
    res = client.get(
        f"/api/v1/polls/{poll['id']}/results", params={"rule": "approval", "explain": "true"}, headers=admin
    ).json()
    # approval voting: t0, t1 (tied with t2 at 2 approvals: lowest ids); t2's two voters (n/k = 2) get nothing
    assert res["winners"] == [t[0], t[1]] and res["properties"]["ejr"] is False
    assert res["properties"]["ejr_violation"] == {"ell": 1, "topic_ids": [t[2]], "group_size": 2, "voters": None}
    mes = client.get(
        f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares", "explain": "true"}, headers=admin
    ).json()
    payments = [p for r in mes["explanation"]["rounds"] for p in r["payments"]]
    assert payments and all(p["voters"] is None and p["count"] >= 1 for p in payments)
    body = assert_problem(client.get(f"/api/v1/polls/{poll['id']}/ballots.pb", headers=admin), 409)
    assert body["type"].endswith("too-few-ballots") and "10" in body["detail"] and body["ballots"] == 4


def test_results_without_ballots(client, admin):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"])
    res = client.get(f"/api/v1/polls/{poll['id']}/results", params={"explain": "true"}, headers=admin).json()
    assert res["winners"] == [] and res["properties"]["ejr"] is True and res["explanation"]["rounds"] == []
    assert_problem(client.get(f"/api/v1/polls/{poll['id']}/results", params={"explain": "maybe"}, headers=admin), 422)


def test_ballots_pb_parses_back_and_recomputes(client, admin):
    event, poll, people = completion_poll(client, admin)
    t = poll["topic_ids"]
    url = f"/api/v1/polls/{poll['id']}/ballots.pb"
    assert_problem(client.get(url), 401)
    assert_problem(client.get("/api/v1/polls/999999/ballots.pb", headers=admin), 404)
    r = client.get(url, headers=admin)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain") and ".pb" in r.headers["content-disposition"]
    instance, profile = parse_pabulib_from_string(r.text)
    assert instance.meta["vote_type"] == "approval" and instance.meta["num_votes"] == "16"
    assert instance.budget_limit == 3 and {p.cost for p in instance} == {1}
    assert sorted(int(p.name) for p in instance) == sorted(t)
    assert {p.name: instance.project_meta[p]["name"] for p in instance}[str(t[0])] == "Transformacja energetyczna"
    # voters 1..n in the order of ballot content (not of registration); no column but voter_id and vote
    assert [b.meta for b in profile] == [{"voter_id": str(i)} for i in range(1, 17)]
    in_file = [sorted(int(p.name) for p in b) for b in profile]
    assert in_file == [[t[0]]] * 2 + [[t[0], t[1]]] * 5 + [[t[2]]] * 5 + [[t[2], t[4]]] + [[t[3]]] * 3
    assert r.text.split("VOTES\n")[1].splitlines()[0] == "voter_id;vote"
    for person in people:
        assert person["token"] not in r.text
    assert "@" not in r.text and "Żółkiewska" not in r.text and "Gmina" not in r.text
    # pabutools' MES on the exported file buys what our equal-shares rounds bought
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    ours = client.get(
        f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares", "explain": "true"}, headers=admin
    ).json()
    bought = [x["topic_id"] for x in ours["explanation"]["rounds"] if x["phase"] == "equal_shares"]
    assert sorted(int(p.name) for p in theirs) == sorted(bought) == sorted([t[0], t[2]])
    log = client.get("/api/v1/audit-log", params={"action": "export.ballots"}, headers=admin).json()
    assert log["total"] == 1 and log["items"][0]["target"] == f"poll:{poll['id']}"
    assert log["items"][0]["details"] == {"format": "pabulib", "ballots": 16, "topics": 5}


def test_ballots_pb_bloc_election_full_committee(client, admin):
    """Where equal shares fills every seat, pabutools' winners are ours exactly."""
    _, poll = _bloc_election(client, admin)
    text = client.get(f"/api/v1/polls/{poll['id']}/ballots.pb", headers=admin).text
    instance, profile = parse_pabulib_from_string(text)
    assert instance.budget_limit == Fraction(3) and profile.num_ballots() == 150
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    ours = client.get(f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares"}, headers=admin).json()
    assert sorted(int(p.name) for p in theirs) == sorted(ours["winners"])


def test_ranked_poll_export_and_stv_explained(client, admin):
    event = make_event(client, admin, capacity=200)
    poll = make_poll(client, admin, event["id"], ballot="ranked", seats=2)
    t = poll["topic_ids"]
    vote(client, event["id"], poll["id"], [[t[0], t[1], t[2]]] * 8 + [[t[3], t[1]]] * 4)
    text = client.get(f"/api/v1/polls/{poll['id']}/ballots.pb", headers=admin).text
    instance, profile = parse_pabulib_from_string(text)
    assert instance.meta["vote_type"] == "ordinal" and instance.meta["rule"] == "stv"
    assert sorted([int(p.name) for p in b] for b in profile) == [[t[0], t[1], t[2]]] * 8 + [[t[3], t[1]]] * 4
    res = client.get(f"/api/v1/polls/{poll['id']}/results", params={"explain": "true"}, headers=admin).json()
    ex = res["explanation"]
    assert res["rule"] == "stv" and ex["method"] == "stv" and "quota" in ex["summary"]
    assert [(r["phase"], r["topic_id"]) for r in ex["rounds"]][0] == ("elect", t[0])
    assert [r["topic_id"] for r in ex["rounds"] if r["phase"] != "eliminate"] == res["winners"]
    assert res["properties"]["ballots_read_as"].startswith("ranked ballots")
    assert res["properties"]["ejr"] is True
