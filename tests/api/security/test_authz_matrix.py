"""Who may do what: every principal against every kind of endpoint (OWASP API1/API3).

Principals: anonymous, participant A, participant B of the same event, participant C of
another event, an organizer key, a revoked organizer key, a check-in-only key.
"""

import pytest

from tests.api.voting.test_polls import make_poll
from tests.factories import EVENT, bearer, make_event, make_session, register

PRINCIPALS = ["anon", "A", "B", "C", "org", "revoked", "checkin"]


@pytest.fixture
def world(client, admin):
    e1 = make_event(client, admin)
    e2 = make_event(client, admin, slug="inne-wydarzenie")
    s1 = make_session(client, admin, e1["id"])
    poll = make_poll(client, admin, e1["id"])
    a, b, c = register(client, e1["id"], 1), register(client, e1["id"], 2), register(client, e2["id"], 3)
    client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(a["token"]))
    client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": poll["topic_ids"][:2]},
               headers=bearer(a["token"]))

    def key(role):
        return client.post("/api/v1/organizer-keys", json={"name": role, "role": role}, headers=admin).json()

    org, revoked, checkin = key("organizer"), key("organizer"), key("checkin")
    client.delete(f"/api/v1/organizer-keys/{revoked['id']}", headers=admin)
    headers = {"anon": {}, "A": bearer(a["token"]), "B": bearer(b["token"]), "C": bearer(c["token"]),
               "org": bearer(org["key"]), "revoked": bearer(revoked["key"]), "checkin": bearer(checkin["key"])}
    return {"e1": e1, "s1": s1, "poll": poll, "a": a, "headers": headers}


ORGANIZER_ONLY = {"anon": 401, "A": 401, "B": 401, "C": 401, "revoked": 401, "checkin": 403}
PARTICIPANT_ONLY = {"anon": 401, "org": 401, "revoked": 401, "checkin": 401}

CASES = [
    # (name, method, path template, body, expected per principal)
    ("create event", "POST", "/api/v1/events", {**EVENT, "slug": "nowe"}, {**ORGANIZER_ONLY, "org": 201}),
    ("update event", "PATCH", "/api/v1/events/{e1}", {"venue": "Serock"}, {**ORGANIZER_ONLY, "org": 200}),
    ("list registrations", "GET", "/api/v1/events/{e1}/registrations", None, {**ORGANIZER_ONLY, "org": 200}),
    ("registration stats", "GET", "/api/v1/events/{e1}/registrations/stats", None, {**ORGANIZER_ONLY, "org": 200}),
    ("read a registration", "GET", "/api/v1/registrations/{a}", None, {**ORGANIZER_ONLY, "org": 200}),
    ("override status", "PATCH", "/api/v1/registrations/{a}", {"status": "waitlisted"},
     {**ORGANIZER_ONLY, "org": 200}),
    ("erase a registration", "POST", "/api/v1/registrations/{a}/erase", None, {**ORGANIZER_ONLY, "org": 200}),
    ("poll results", "GET", "/api/v1/polls/{poll}/results", None, {**ORGANIZER_ONLY, "org": 200}),
    ("add topic", "POST", "/api/v1/polls/{poll}/topics", {"title": "Nowy"}, {**ORGANIZER_ONLY, "org": 201}),
    ("run assignment", "POST", "/api/v1/events/{e1}/assignments", {"method": "optimal", "dry_run": True},
     {**ORGANIZER_ONLY, "org": 200}),
    ("make keys", "POST", "/api/v1/organizer-keys", {"name": "x"}, {**ORGANIZER_ONLY, "org": 201}),
    ("delete session with people", "DELETE", "/api/v1/sessions/{s1}", None, {**ORGANIZER_ONLY, "org": 409}),
    ("delete session, forced", "DELETE", "/api/v1/sessions/{s1}?force=true", None, {**ORGANIZER_ONLY, "org": 204}),
    ("session's people", "GET", "/api/v1/sessions/{s1}/enrollments", None, {**ORGANIZER_ONLY, "org": 200}),
    ("place by hand", "POST", "/api/v1/sessions/{s1}/enrollments", {"registration_id": "{a}"},
     {**ORGANIZER_ONLY, "org": 200}),
    ("read me", "GET", "/api/v1/me", None, {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 200}),
    ("export me", "GET", "/api/v1/me/export", None, {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 200}),
    ("read own ballot", "GET", "/api/v1/polls/{poll}/ballot", None, {**PARTICIPANT_ONLY, "A": 200, "B": 404, "C": 404}),
    ("vote", "PUT", "/api/v1/polls/{poll}/ballot", {"topic_ids": ["{t0}"]},
     {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 404}),
    ("enroll", "POST", "/api/v1/me/enrollments", {"session_id": "{s1}"},
     {**PARTICIPANT_ONLY, "A": 200, "B": 201, "C": 404}),
    ("leave", "DELETE", "/api/v1/me/enrollments/{s1}", None, {**PARTICIPANT_ONLY, "A": 204, "B": 404, "C": 404}),
    ("rank workshops", "PUT", "/api/v1/me/preferences", {"session_ids": ["{s1}"]},
     {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 422}),
    ("read public event", "GET", "/api/v1/events/{e1}", None, dict.fromkeys(PRINCIPALS, 200)),
]


def _fill(value, ids):
    if isinstance(value, str):
        return int(value.format(**ids)) if value.startswith("{") and value.endswith("}") else value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def test_every_case_covers_every_principal():
    for name, *_, expected in CASES:
        assert set(expected) == set(PRINCIPALS), name


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_matrix(client, world, principal, name, method, path, body, expected):
    ids = {"e1": world["e1"]["id"], "s1": world["s1"]["id"], "poll": world["poll"]["id"], "a": world["a"]["id"],
           "t0": world["poll"]["topic_ids"][0]}
    r = client.request(method, _fill(path, ids), json=_fill(body, ids), headers=world["headers"][principal])
    assert r.status_code == expected[principal], (name, principal, r.text)
    if r.status_code >= 400:
        assert r.headers["content-type"].startswith("application/problem+json")
    text = r.text
    for secret in (world["a"]["token"], "token_digest", "key_digest"):
        assert secret not in text, (name, principal)
    if principal in ("A", "B", "C") and r.status_code == 200 and path.startswith("/api/v1/me"):
        own = {"A": world["a"]["id"]}.get(principal)
        if own is not None and "id" in r.json():
            assert r.json()["id"] == own
