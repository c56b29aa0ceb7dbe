"""Small helpers that make API objects for tests, with realistic (Polish) data."""

from typing import Any

from fastapi.testclient import TestClient

EVENT = {
    "slug": "seminarium-serock-2022",
    "title": "Seminarium sieciujące partnerstw – Serock",
    "venue": "Hotel Narvil, Serock",
    "timezone": "Europe/Warsaw",
    "starts_on": "2022-11-29",
    "ends_on": "2022-11-30",
    "capacity": 150,
}


def make_event(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/events", json={**EVENT, **overrides}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def make_session(client: TestClient, headers: dict[str, str], event_id: int, **overrides: Any) -> dict[str, Any]:
    """A session; without a `room` given, the first of Sala A, Sala B, ... free at its time."""
    body = {
        "title": "Transformacja energetyczna",
        "kind": "workshop",
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T15:30:00+01:00",
        "capacity": 30,
        **overrides,
    }
    rooms = [body["room"]] if "room" in overrides else [f"Sala {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    for room in rooms:
        response = client.post(f"/api/v1/events/{event_id}/sessions", json={**body, "room": room}, headers=headers)
        if response.status_code != 409 or "room" in overrides:
            break
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    for key in ("type", "title", "status", "detail"):
        assert key in body, body
    assert body["status"] == status
    return body


def person(i: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "first_name": "Łucja",
        "last_name": f"Żółkiewska-{i}",
        "email": f"lucja.{i}@gmina-serock.pl",
        "organization": f"Gmina {i}",
        "partnership": "Partnerstwo Doliny Bugu",
        "position": "Sekretarz gminy",
        "category": "local_government",
        "consent": True,
        **overrides,
    }


def register(
    client: TestClient, event_id: int, i: int = 1, headers: dict[str, str] | None = None, **overrides: Any
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/events/{event_id}/registrations", json=person(i, **overrides), headers=headers or {}
    )
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
