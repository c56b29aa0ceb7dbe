"""GET /events/{event_id}/assignments/current counts ranks exactly as a run does (issue 23): right
after a committed run its `current` figures equal the run's, with topics run in two slots."""

import pytest

from tests.factories import bearer, make_event, register

DAY1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
DAY2 = {"starts_at": "2022-11-30T13:00:00+01:00", "ends_at": "2022-11-30T14:30:00+01:00"}
FIGURES = (
    "rank_counts",
    "first_choice_share",
    "top3_share",
    "assigned",
    "unassigned",
    "unranked_placements",
    "unplaced_slots",
)


def _topics_in_two_slots(client, admin, people=12):
    """Three topics published on both days (four seats each); everyone ranks the topics (every
    session of a topic, in order), as the participant page does."""
    event = make_event(client, admin)
    poll = client.post(
        f"/api/v1/events/{event['id']}/polls", json={"title": "Tematy", "seats": 3}, headers=admin
    ).json()
    topics = [
        client.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": t}, headers=admin).json()["id"]
        for t in ("Energia", "Dziedzictwo", "Cyfryzacja")
    ]
    regs = [register(client, event["id"], i) for i in range(people)]
    for reg in regs:
        client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": topics}, headers=bearer(reg["token"]))
    rooms = [{"room": f"Sala {c}", "capacity": 4} for c in "ABC"]
    by_topic: dict[int, list[int]] = {}
    for day in (DAY1, DAY2):
        made = client.post(f"/api/v1/polls/{poll['id']}/publish", json={**day, "rooms": rooms}, headers=admin)
        assert made.status_code == 201, made.text
        for s in made.json()["items"]:
            by_topic.setdefault(s["topic_id"], []).append(s["id"])
    for i, reg in enumerate(regs):
        order = topics[i % 3 :] + topics[: i % 3]
        ranking = [s for t in order for s in by_topic[t]]
        r = client.put("/api/v1/me/preferences", json={"session_ids": ranking}, headers=bearer(reg["token"]))
        assert r.status_code == 200, r.text
    return event


@pytest.mark.parametrize("topic_ranks", [True, False])
def test_current_equals_the_committed_run(client, admin, topic_ranks):
    event = _topics_in_two_slots(client, admin)
    url = f"/api/v1/events/{event['id']}/assignments"
    run = client.post(url, json={"method": "optimal", "dry_run": False, "topic_ranks": topic_ranks}, headers=admin)
    assert run.status_code == 200, run.text
    run = run.json()
    assert run["first_choice_share"] == 1.0 and run["rank_counts"] == [12, 12, 0]  # everyone: topics 1 and 2
    standing = client.get(f"{url}/current", headers=admin)
    assert standing.status_code == 200, standing.text
    current = standing.json()["current"]
    assert {k: current[k] for k in FIGURES} == {k: run[k] for k in FIGURES}
    assert standing.json()["baseline"]["rank_counts"] == run["baseline"]["rank_counts"]
    again = client.post(
        url, json={"method": "optimal", "dry_run": True, "topic_ranks": topic_ranks}, headers=admin
    ).json()
    assert {k: again["current"][k] for k in FIGURES} == {k: run[k] for k in FIGURES}
