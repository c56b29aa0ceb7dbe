import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.factories import assert_problem, bearer, make_event, person, register


@pytest.fixture
def limited(settings, client):
    """An app with small limits on the same (emptied) database."""
    app = create_app(settings.model_copy(update={
        "rate_limit_store": "memory", "rate_limit_register": 3, "rate_limit_token": 5, "max_body_bytes": 2_000,
    }))
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
    r = limited.post(f"/api/v1/events/{event['id']}/registrations",
                     content=iter([b'{"first_name": "', b"x" * 3000, b'"}']),
                     headers={"Content-Type": "application/json"})
    assert_problem(r, 413)


def test_security_headers(client):
    r = client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


def test_page_size_capped(client):
    assert_problem(client.get("/api/v1/events", params={"limit": 100_000}), 422)
