"""Per-client rate limit of both recovery routes, and two exchanges of one code at once."""

import threading

from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.recovery.helpers import code_from_mail, confirm, recover
from tests.factories import assert_problem, bearer, make_event, person, register


def test_rate_limit_per_client_covers_both_routes(client, admin, app):
    event = make_event(client, admin)
    limited = create_app(app.state.settings.model_copy(update={"rate_limit_store": "memory", "rate_limit_recover": 3}))
    try:
        c = TestClient(limited, raise_server_exceptions=False)
        assert [recover(c, event["id"], f"x{i}@gmina.pl").status_code for i in range(2)] == [202, 202]
        assert confirm(c, "0000-0000-00").status_code == 400  # the third request of the bucket
        r = recover(c, event["id"], "x3@gmina.pl")
        assert_problem(r, 429)
        assert int(r.headers["Retry-After"]) >= 1
        assert_problem(confirm(c, "0000-0000-00"), 429)
        # other buckets are not touched
        assert c.post(f"/api/v1/events/{event['id']}/registrations", json=person(1)).status_code == 201
    finally:
        limited.state.engine.dispose()


def test_two_exchanges_of_one_code_at_once_give_one_token(client, admin, app, box):
    event = make_event(client, admin)
    for i in range(1, 6):
        reg = register(client, event["id"], i)
        assert recover(client, event["id"], person(i)["email"]).status_code == 202
        code = code_from_mail(app, box, person(i)["email"])
        start = threading.Barrier(2)
        answers: list = [None, None]

        def exchange(slot: int, code: str = code, start: threading.Barrier = start, answers: list = answers) -> None:
            own = TestClient(app, raise_server_exceptions=False)
            start.wait()
            answers[slot] = confirm(own, code)

        threads = [threading.Thread(target=exchange, args=(slot,)) for slot in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 400], [a.text for a in answers]
        token = next(a.json()["token"] for a in answers if a.status_code == 200)
        assert client.get("/api/v1/me", headers=bearer(token)).json()["id"] == reg["id"]
        assert_problem(client.get("/api/v1/me", headers=bearer(reg["token"])), 401)
