"""Safe organizer operations on polls (issue 23): publishing twice into one time slot is refused,
and the first publish closes the poll for ballots and proposals."""

from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, register

DAY1 = {"starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T16:00:00+01:00"}
DAY2 = {"starts_at": "2022-11-30T14:00:00+01:00", "ends_at": "2022-11-30T16:00:00+01:00"}
ROOMS = [{"room": "Sala A", "capacity": 20}, {"room": "Sala B", "capacity": 20}]


def _voted_poll(client, admin, **overrides):
    event = make_event(client, admin)
    poll = make_poll(client, admin, event["id"], seats=2, **overrides)
    people = [register(client, event["id"], i) for i in range(4)]
    for person in people:
        r = client.put(
            f"/api/v1/polls/{poll['id']}/ballot",
            json={"topic_ids": poll["topic_ids"][:2]},
            headers=bearer(person["token"]),
        )
        assert r.status_code == 200, r.text
    return event, poll, people


def _counts(client, admin, event_id):
    sessions = client.get(f"/api/v1/events/{event_id}/sessions", headers=admin).json()["total"]
    messages = client.get(f"/api/v1/events/{event_id}/messages", headers=admin).json()["total"]
    return sessions, messages


def test_publishing_again_into_the_same_slot_makes_nothing_and_mails_nobody(client, admin):
    event, poll, _ = _voted_poll(client, admin)
    url = f"/api/v1/polls/{poll['id']}/publish"
    first = client.post(url, json={**DAY1, "rooms": ROOMS}, headers=admin)
    assert first.status_code == 201, first.text
    before = _counts(client, admin, event["id"])
    assert before[0] == 2 and before[1] >= 4  # two workshops; everyone was told
    made = sorted(s["id"] for s in first.json()["items"])
    overlapping = {"starts_at": "2022-11-29T15:00:00+01:00", "ends_at": "2022-11-29T17:00:00+01:00"}
    for slot, rooms in ((DAY1, ROOMS), (overlapping, [{"room": "Sala C", "capacity": 5}] * 2)):
        body = assert_problem(client.post(url, json={**slot, "rooms": rooms}, headers=admin), 409)
        assert body["type"].endswith("/already-published") and body["session_ids"] == made
        assert _counts(client, admin, event["id"]) == before
    second = client.post(url, json={**DAY2, "rooms": ROOMS}, headers=admin)  # another slot: fine
    assert second.status_code == 201, second.text
    assert _counts(client, admin, event["id"])[0] == 4


def test_the_first_publish_closes_the_poll_for_ballots_and_proposals(client, admin):
    event, poll, people = _voted_poll(client, admin, allow_proposals=True)
    url = f"/api/v1/polls/{poll['id']}"
    got = client.get(url).json()
    assert (got["status"], got["is_open"]) == ("open", True)
    assert client.post(f"{url}/publish", json={**DAY1, "rooms": ROOMS}, headers=admin).status_code == 201
    got = client.get(url).json()
    assert (got["status"], got["is_open"]) == ("published", False)
    listed = client.get(f"/api/v1/events/{event['id']}/polls").json()["items"][0]
    assert (listed["status"], listed["is_open"]) == ("published", False)
    voter = bearer(people[0]["token"])
    closed = assert_problem(client.put(f"{url}/ballot", json={"topic_ids": poll["topic_ids"][2:3]}, headers=voter), 409)
    assert closed["type"].endswith("/poll-closed")
    assert client.get(f"{url}/ballot", headers=voter).json()["topic_ids"] == poll["topic_ids"][:2]  # unchanged
    assert_problem(client.delete(f"{url}/ballot", headers=voter), 409)
    newcomer = bearer(register(client, event["id"], 9)["token"])
    assert_problem(client.put(f"{url}/ballot", json={"topic_ids": poll["topic_ids"][:1]}, headers=newcomer), 409)
    proposal = client.post(f"{url}/proposals", json={"title": "Turystyka rowerowa"}, headers=voter)
    assert assert_problem(proposal, 409)["type"].endswith("/poll-closed")
    assert client.get(f"{url}/results", headers=admin).json()["ballots"] == 4
    assert_problem(client.post(f"{url}/announce", headers=admin), 409)  # nothing to vote on any more


def test_poll_status_before_opening_and_after_closing(client, admin):
    event = make_event(client, admin)
    upcoming = make_poll(client, admin, event["id"], opens_at="2999-01-01T10:00:00+01:00")
    closed = make_poll(
        client, admin, event["id"], opens_at="2020-01-01T10:00:00+01:00", closes_at="2020-01-02T10:00:00+01:00"
    )
    assert client.get(f"/api/v1/polls/{upcoming['id']}").json()["status"] == "upcoming"
    assert client.get(f"/api/v1/polls/{closed['id']}").json()["status"] == "closed"
