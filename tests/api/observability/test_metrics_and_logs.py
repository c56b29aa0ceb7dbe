"""GET /metrics in the Prometheus text format, for operators only; X-Request-ID, and JSON logs
without personal data."""

import json
import logging

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.main import create_app
from app.observability.logs import JsonFormatter
from tests.conftest import ADMIN_TOKEN
from tests.dbutil import reset
from tests.factories import assert_problem, bearer, make_event, person, register

ROUTE = "/api/v1/events/{event_id}/registrations"
METRICS_TOKEN = "scraper-token-0123456789"


def _samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):  # raises on anything but valid exposition
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_route_template_and_status(client, admin):
    event = make_event(client, admin)
    before = _samples(client)
    register(client, event["id"], 1)
    register(client, event["id"], 2)
    duplicate = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1))
    assert duplicate.status_code == 409
    after = _samples(client)
    created = ("http_requests_total", dict(method="POST", route=ROUTE, status="201"))
    assert _value(after, created[0], **created[1]) - _value(before, created[0], **created[1]) == 2
    assert (
        _value(after, "http_requests_total", method="POST", route=ROUTE, status="409")
        - _value(before, "http_requests_total", method="POST", route=ROUTE, status="409")
        == 1
    )
    count = "http_request_duration_seconds_count"
    assert _value(after, count, method="POST", route=ROUTE) - _value(before, count, method="POST", route=ROUTE) == 3
    names = {name for name, _ in after}
    for expected in (
        "http_requests_in_progress",
        "http_requests_queued",
        "db_connections_in_use",
        "db_lock_wait_seconds_count",
        "http_request_duration_seconds_bucket",
    ):
        assert expected in names, expected
    # no label carries a value from a path or a query string
    assert not any(str(event["id"]) == v for _, labels in after for k, v in labels if k == "route")


def _key(client: TestClient, admin: dict[str, str], **body: object) -> str:
    made = client.post("/api/v1/organizer-keys", json={"name": "Monitoring", **body}, headers=admin)
    assert made.status_code == 201, made.text
    return str(made.json()["key"])


def test_metrics_are_for_operators_only(settings, admin) -> None:
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr(METRICS_TOKEN)}))
    reset(app.state.engine)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            event = make_event(client, admin)
            organizer = _key(client, admin)
            checkin = _key(client, admin, role="checkin")
            scoped = _key(client, admin, event_ids=[event["id"]])
            assert_problem(client.get("/metrics"), 401)  # a stranger learns nothing
            assert_problem(client.get("/metrics", headers=bearer("wrong-token")), 401)
            assert_problem(client.get("/metrics", headers=bearer(checkin)), 403)
            assert_problem(client.get("/metrics", headers=bearer(scoped)), 403)
            for token in (METRICS_TOKEN, ADMIN_TOKEN, organizer):
                answer = client.get("/metrics", headers=bearer(token))
                assert answer.status_code == 200 and "http_requests_total" in answer.text
            # the scraper's token is no organizer key
            assert_problem(
                client.get(f"/api/v1/events/{event['id']}/registrations", headers=bearer(METRICS_TOKEN)), 401
            )
    finally:
        app.state.engine.dispose()


def test_request_id_is_taken_or_made_and_returned(client):
    given = client.get("/healthz", headers={"X-Request-ID": "door-a.42"})
    assert given.headers["x-request-id"] == "door-a.42"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces" and len(made.headers["x-request-id"]) == 32


def test_logs_are_json_with_request_id_and_never_personal_data(client, admin, caplog):
    caplog.set_level(logging.INFO)
    event = make_event(client, admin)
    data = {
        "first_name": "Żaneta",
        "last_name": "Przybyszewska",
        "email": "zaneta.p@gmina-example.pl",
        "organization": "Gmina Example",
        "consent": True,
    }
    reg = client.post(
        f"/api/v1/events/{event['id']}/registrations", json=data, headers={"X-Request-ID": "rush-1"}
    ).json()
    client.post(f"/api/v1/events/{event['id']}/registrations", json=data)  # duplicate: integrity path
    client.get(f"/api/v1/events/{event['id']}/registrations", params={"q": "Przybyszewska"}, headers=admin)
    client.get("/api/v1/me", headers=bearer(reg["token"]))
    client.delete("/api/v1/me", params={"erase": "true"}, headers=bearer(reg["token"]))
    # the server's records (httpx's own lines are the test client's, not the service's)
    lines = [JsonFormatter().format(r) for r in caplog.records if not r.name.startswith("httpx")]
    entries = [json.loads(line) for line in lines]
    assert any(e.get("request_id") == "rush-1" and e["logger"] == "app.access" for e in entries)
    text = "\n".join(lines).lower()
    for secret in (data["email"], "przybyszewska", "żaneta", reg["token"].lower()):
        assert secret.lower() not in text, secret
