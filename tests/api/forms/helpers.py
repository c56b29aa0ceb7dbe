from typing import Any

from fastapi.testclient import TestClient

NIGHT = {
    "label": {"pl": "Nocleg 29/30 XI", "en": "Night 29/30 Nov"},
    "type": "single_choice",
    "required": True,
    "options": [
        {"label": {"pl": "Tak, pokój w hotelu", "en": "Yes, a hotel room"}, "capacity": 1},
        {"label": {"pl": "Nie potrzebuję", "en": "No need"}},
    ],
}
DIET = {
    "label": {"pl": "Dieta", "en": "Diet"},
    "type": "multiple_choice",
    "options": [{"label": {"pl": "wegetariańska"}}, {"label": {"pl": "bezglutenowa"}}],
}
NOTES = {"label": {"pl": "Uwagi"}, "type": "long_text"}
ACCESS = {"label": {"pl": "Potrzebuję dostępu bez schodów"}, "type": "boolean"}
ARRIVAL = {"label": {"pl": "Data przyjazdu"}, "type": "date"}
GUESTS = {"label": {"pl": "Liczba osób towarzyszących"}, "type": "number"}


def add_question(client: TestClient, admin: dict[str, str], event_id: int, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"/api/v1/events/{event_id}/questions", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()
