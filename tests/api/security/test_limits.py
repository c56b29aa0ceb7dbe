import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import assert_problem, bearer, make_event, person, register


@pytest.fixture
def limited(settings, client):
    """An app with small limits on the same (emptied) database."""
    app = create_app(
        settings.model_copy(
            update={
                "rate_limit_store": "memory",
                "rate_limit_register": 3,
                "rate_limit_token": 5,
                "max_body_bytes": 2_000,
            }
        )
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()


def test_registration_rate_limited_with_retry_after(limited, admin):
    event = make_event(limited, admin)
    url = f"/api/v1/events/{event['id']}/registrations"
    for i in range(3):
        assert limited.post(url, json=person(i)).status_code == 201
    r = limited.post(url, json=person(99))
    body = assert_problem(r, 429)
    assert body["type"].endswith("rate-limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert limited.get(url, headers=admin).json()["total"] == 3  # nothing stored for the refused one


def test_token_endpoints_rate_limited(limited, admin):
    event = make_event(limited, admin)
    reg = register(limited, event["id"], 1)
    codes = [limited.get("/api/v1/me", headers=bearer("reg_guess" + str(i))).status_code for i in range(5)]
    assert codes == [401] * 5
    assert_problem(limited.get("/api/v1/me", headers=bearer(reg["token"])), 429)


def test_body_too_large_is_413(limited, admin):
    event = make_event(limited, admin)
    big = person(1, position="x" * 5_000)
    assert_problem(limited.post(f"/api/v1/events/{event['id']}/registrations", json=big), 413)
    # also without a Content-Length header (chunked upload)
    r = limited.post(
        f"/api/v1/events/{event['id']}/registrations",
        content=iter([b'{"first_name": "', b"x" * 3000, b'"}']),
        headers={"Content-Type": "application/json"},
    )
    assert_problem(r, 413)


def test_security_headers(client):
    r = client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


def test_page_size_capped(client):
    assert_problem(client.get("/api/v1/events", params={"limit": 100_000}), 422)


def test_database_store_counts_across_workers(settings, client, admin):
    """Two app instances on one database stand for two worker processes: the limit is shared."""
    limited = settings.model_copy(update={"rate_limit_store": "database", "rate_limit_register": 3})
    apps = [create_app(limited), create_app(limited)]
    try:
        clients = [TestClient(a, raise_server_exceptions=False) for a in apps]
        event = make_event(client, admin)
        url = f"/api/v1/events/{event['id']}/registrations"
        codes = [clients[i % 2].post(url, json=person(i)).status_code for i in range(5)]
        assert codes == [201, 201, 201, 429, 429]
    finally:
        for a in apps:
            a.state.engine.dispose()


def test_cors_for_configured_front_ends(settings, client):
    app = create_app(settings.model_copy(update={"cors_origins": ["https://rejestracja.example.pl"]}))
    try:
        with TestClient(app) as c:
            pre = c.options(
                "/api/v1/events/1/registrations",
                headers={
                    "Origin": "https://rejestracja.example.pl",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,idempotency-key",
                },
            )
            assert pre.status_code == 200
            assert pre.headers["access-control-allow-origin"] == "https://rejestracja.example.pl"
            other = c.get("/api/v1/events", headers={"Origin": "https://evil.example.com"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        app.state.engine.dispose()
