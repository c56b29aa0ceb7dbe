"""`topic_ranks`: a topic run on two days is one choice (issue 14: the participant page ranks topics)."""

from tests.factories import bearer, make_event, register

DAY1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
DAY2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}


def test_the_same_topic_on_another_day_counts_as_the_first_choice(client, admin):
    event = make_event(client, admin)
    poll = client.post(
        f"/api/v1/events/{event['id']}/polls", json={"title": "Tematy", "seats": 2, "ballot": "approval"}, headers=admin
    ).json()
    energy = client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Energia"}, headers=admin).json()
    heritage = client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Dziedzictwo"}, headers=admin).json()
    people = [register(client, event["id"], i) for i in range(1, 4)]
    for person in people:
        client.put(
            f"/api/v1/polls/{poll['id']}/ballot",
            json={"topic_ids": [energy["id"], heritage["id"]]},
            headers=bearer(person["token"]),
        )
    rooms = [{"room": "A", "capacity": 1}, {"room": "B", "capacity": 1}]  # 2 seats a day for 3 people
    day1 = client.post(f"/api/v1/polls/{poll['id']}/publish", json={"rooms": rooms, **DAY1}, headers=admin).json()
    day2 = client.post(f"/api/v1/polls/{poll['id']}/publish", json={"rooms": rooms, **DAY2}, headers=admin).json()
    by_topic: dict[int, list[int]] = {}
    for s in day1["items"] + day2["items"]:
        by_topic.setdefault(s["topic_id"], []).append(s["id"])
    # Everyone wants energy most (both of its days), then heritage: what the participant page sends.
    ranking = by_topic[energy["id"]] + by_topic[heritage["id"]]
    for person in people:
        r = client.put("/api/v1/me/preferences", json={"session_ids": ranking}, headers=bearer(person["token"]))
        assert r.status_code == 200, r.text
    body = {"method": "optimal", "dry_run": True, "fill_unranked": False}
    by_session = client.post(f"/api/v1/events/{event['id']}/assignments", json=body, headers=admin).json()
    by_topic_run = client.post(
        f"/api/v1/events/{event['id']}/assignments", json={**body, "topic_ranks": True}, headers=admin
    ).json()
    # One energy seat a day, two in all, for two different people (nobody takes a topic twice). The
    # figures of every run read ranks by topic (app/assignment/solver/changes.py: `figures`), so
    # both energy seats are first choices, whichever way the optimiser read the ranking.
    energy_seats = sum(s["assigned"] for s in by_topic_run["sessions"] if s["session_id"] in by_topic[energy["id"]])
    assert energy_seats == 2
    assert by_topic_run["rank_counts"] == by_session["rank_counts"] == [2, 2]
    assert abs(by_topic_run["first_choice_share"] - 2 / 3) < 1e-9
    assert abs(by_session["first_choice_share"] - 2 / 3) < 1e-9
    assert by_topic_run["baseline"]["first_choice_share"] >= by_session["baseline"]["first_choice_share"]
    bad = client.post(
        f"/api/v1/events/{event['id']}/assignments",
        json={**body, "topic_ranks": True, "keep_improving_only": True},
        headers=admin,
    )
    assert bad.status_code == 422
