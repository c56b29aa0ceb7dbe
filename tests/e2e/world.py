"""The event the browser tests run against, set up through the API like an organizer's script."""

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.factories import bearer, make_event, make_session, person

WORKSHOPS = [  # (title, room, starts_at, ends_at): two parallel workshops in each of two slots
    ("Transformacja energetyczna", "Sala A", "2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    ("Cyfryzacja usług publicznych", "Sala B", "2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    ("Partycypacja mieszkańców", "Sala A", "2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00"),
    ("Gospodarka o obiegu zamkniętym", "Sala B", "2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00"),
]
APPROVAL_TOPICS = [
    "Wspólne zamówienia publiczne",
    "Turystyka w dolinie rzeki",
    "Transport zbiorowy",
    "Młodzież w gminie",
]
RANKED_TOPICS = ["Finansowanie z funduszy UE", "Współpraca z NGO", "Dobre praktyki partnerstw"]


@dataclass
class World:
    admin_token: str
    event: dict[str, Any]
    workshops: list[dict[str, Any]]
    approval_poll: dict[str, Any]
    ranked_poll: dict[str, Any]
    others: list[dict[str, Any]]  # registered through the API: {"token": ..., "body": ...}
    shared: dict[str, Any] = field(default_factory=dict)  # what one browser test hands to the next

    @property
    def admin(self) -> dict[str, str]:
        return bearer(self.admin_token)


def _post(client: httpx.Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _poll(
    client: httpx.Client, admin: dict[str, str], event_id: int, title: str, ballot: str, seats: int, topics: list[str]
) -> dict[str, Any]:
    poll = _post(client, f"/api/v1/events/{event_id}/polls", {"title": title, "seats": seats, "ballot": ballot}, admin)
    poll["topics"] = [_post(client, f"/api/v1/polls/{poll['id']}/topics", {"title": t}, admin) for t in topics]
    return poll


def build_world(client: httpx.Client, admin_token: str) -> World:
    admin = bearer(admin_token)
    event = make_event(client, admin, description="Dwa dni rozmów o współpracy gmin w partnerstwach.")
    make_session(
        client,
        admin,
        event["id"],
        title="Otwarcie seminarium",
        kind="plenary",
        room="Sala Główna",
        capacity=None,
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
    )
    workshops = [
        make_session(client, admin, event["id"], title=title, room=room, capacity=2, starts_at=start, ends_at=end)
        for title, room, start, end in WORKSHOPS
    ]
    approval = _poll(client, admin, event["id"], "Tematy warsztatów popołudniowych", "approval", 2, APPROVAL_TOPICS)
    ranked = _poll(client, admin, event["id"], "Temat sesji zamykającej", "ranked", 1, RANKED_TOPICS)
    others = []
    # Three earlier registrants: under first come, first served the first two also take the third one's
    # only wish (workshop 2); the optimal assignment gives all three their first choice.
    for i, prefs in enumerate([[0, 2], [0, 2], [2]], start=1):
        body = person(i)
        created = _post(client, f"/api/v1/events/{event['id']}/registrations", body, {})
        me = bearer(created["token"])
        response = client.put(
            "/api/v1/me/preferences", json={"session_ids": [workshops[k]["id"] for k in prefs]}, headers=me
        )
        assert response.status_code == 200, response.text
        topics = [approval["topics"][k]["id"] for k in (0, i % 4)]
        response = client.put(f"/api/v1/polls/{approval['id']}/ballot", json={"topic_ids": topics}, headers=me)
        assert response.status_code == 200, response.text
        others.append({"token": created["token"], "body": body})
    return World(admin_token, event, workshops, approval, ranked, others)
