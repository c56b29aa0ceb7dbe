from typing import Any

from fastapi.testclient import TestClient

FIELDS = {"first_name", "last_name", "organization", "partnership"}


def participants(
    client: TestClient, event_id: int, headers: dict[str, str] | None = None, **params: Any
) -> dict[str, Any]:
    r = client.get(f"/api/v1/events/{event_id}/participants", headers=headers or {}, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    for item in body["items"]:
        assert set(item) == FIELDS, item
    return body


def names(client: TestClient, event_id: int, headers: dict[str, str] | None = None, **params: Any) -> list[str]:
    return [p["last_name"] for p in participants(client, event_id, headers, **params)["items"]]
