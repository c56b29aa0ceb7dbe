"""The committed openapi/openapi.json is exactly what the app generates (run `make openapi`)."""

import json

from app.openapi import DEFAULT_PATH, render


def test_committed_openapi_matches_app():
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(render()), "openapi/openapi.json is stale: run `make openapi`"


def test_contract_paths_present():
    paths = json.loads(render())["paths"]
    for path in [
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/events/{event_id}/sessions",
        "/api/v1/sessions/{session_id}",
        "/healthz",
        "/readyz",
    ]:
        assert path in paths, path
