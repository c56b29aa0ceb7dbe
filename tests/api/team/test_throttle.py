"""Sign-in throttling: repeated failures per address and per client get 429 with Retry-After."""

from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.team.helpers import PASSWORD, first_owner
from tests.factories import assert_problem


def test_repeated_failures_are_throttled_per_address_and_per_client(app):
    limited = create_app(
        app.state.settings.model_copy(
            update={"rate_limit_store": "memory", "rate_limit_login_address": 3, "rate_limit_login_client": 5}
        )
    )
    try:
        with TestClient(limited, raise_server_exceptions=False) as client:
            from tests.dbutil import reset

            reset(limited.state.engine)
            first_owner(client, limited)  # a success does not count
            address = "anna.owner@gmina-serock.pl"
            for _ in range(3):
                assert_problem(client.post("/api/v1/auth/login", json={"email": address, "password": "x" * 12}), 401)
            refused = client.post("/api/v1/auth/login", json={"email": address, "password": PASSWORD})
            problem = assert_problem(refused, 429)  # even the right password: nothing is checked
            assert int(refused.headers["Retry-After"]) > 0 and problem["type"].endswith("rate-limited")
            # another address from the same client: the client's own limit (5) comes next
            other = {"email": "nikt@example.pl", "password": "x" * 12}
            assert_problem(client.post("/api/v1/auth/login", json=other), 401)
            assert_problem(client.post("/api/v1/auth/login", json=other), 429)
    finally:
        limited.state.engine.dispose()
