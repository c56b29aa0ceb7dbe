"""Who may do what: every principal against every kind of endpoint (OWASP API1/API3).

Principals: anonymous, participant A, participant B of the same event, participant C of
another event, an organizer key, a revoked organizer key, a check-in-only key, an organizer key
limited to the event of the cases (`scoped`) and one limited to another event (`other`).

A key limited to some events works like any organizer key on them, gets 404 for every other
event (as if it did not exist) and 403 for what belongs to every event (new events, keys of
every event). `test_every_organizer_route_hides_other_events` sends such a key to every route
that reads an organizer credential; `test_the_catalogue_covers_every_organizer_route` keeps that
list complete.
"""

import pytest
from fastapi.routing import APIRoute

from app.auth.deps import require_checkin, require_organizer
from app.auth.optional import _uses, optional_organizer
from app.webhooks import security
from tests.api.forms.helpers import NOTES
from tests.api.voting.test_polls import make_poll
from tests.factories import EVENT, bearer, make_event, make_session, person, register

PRINCIPALS = ["anon", "A", "B", "C", "org", "revoked", "checkin", "scoped", "other"]


@pytest.fixture
def world(client, admin):
    e1 = make_event(client, admin)
    e2 = make_event(client, admin, slug="inne-wydarzenie")
    s1 = make_session(client, admin, e1["id"])
    poll = make_poll(client, admin, e1["id"])
    a, b, c = register(client, e1["id"], 1), register(client, e1["id"], 2), register(client, e2["id"], 3)
    client.post("/api/v1/me/enrollments", json={"session_id": s1["id"]}, headers=bearer(a["token"]))
    client.put(
        f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": poll["topic_ids"][:2]}, headers=bearer(a["token"])
    )

    def key(role, **scope):
        r = client.post("/api/v1/organizer-keys", json={"name": role, "role": role, **scope}, headers=admin)
        assert r.status_code == 201, r.text
        return r.json()

    org, revoked, checkin = key("organizer"), key("organizer"), key("checkin")
    scoped, other = key("organizer", event_ids=[e1["id"]]), key("organizer", event_ids=[e2["id"]])
    client.delete(f"/api/v1/organizer-keys/{revoked['id']}", headers=admin)
    headers = {
        "anon": {},
        "A": bearer(a["token"]),
        "B": bearer(b["token"]),
        "C": bearer(c["token"]),
        "org": bearer(org["key"]),
        "revoked": bearer(revoked["key"]),
        "checkin": bearer(checkin["key"]),
        "scoped": bearer(scoped["key"]),
        "other": bearer(other["key"]),
    }
    return {"e1": e1, "s1": s1, "poll": poll, "a": a, "headers": headers}


ORGANIZER_ONLY = {"anon": 401, "A": 401, "B": 401, "C": 401, "revoked": 401, "checkin": 403}
PARTICIPANT_ONLY = {"anon": 401, "org": 401, "revoked": 401, "checkin": 401, "scoped": 401, "other": 401}


def event_bound(status):
    """An organizer case about the event e1: the key limited to it as any organizer, the other 404."""
    return {**ORGANIZER_ONLY, "org": status, "scoped": status, "other": 404}


def global_write(status):
    """Something of every event: only keys of every event (403 for keys limited to some)."""
    return {**ORGANIZER_ONLY, "org": status, "scoped": 403, "other": 403}


CASES = [
    # (name, method, path template, body, expected per principal)
    ("create event", "POST", "/api/v1/events", {**EVENT, "slug": "nowe"}, global_write(201)),
    ("update event", "PATCH", "/api/v1/events/{e1}", {"venue": "Serock"}, event_bound(200)),
    ("list registrations", "GET", "/api/v1/events/{e1}/registrations", None, event_bound(200)),
    ("registration stats", "GET", "/api/v1/events/{e1}/registrations/stats", None, event_bound(200)),
    ("read a registration", "GET", "/api/v1/registrations/{a}", None, event_bound(200)),
    ("override status", "PATCH", "/api/v1/registrations/{a}", {"status": "waitlisted"}, event_bound(200)),
    ("edit details", "PATCH", "/api/v1/registrations/{a}", {"last_name": "Nowak"}, event_bound(200)),
    ("a person's audit trail", "GET", "/api/v1/audit-log?registration_id={a}", None, event_bound(200)),
    ("erase a registration", "POST", "/api/v1/registrations/{a}/erase", None, event_bound(200)),
    ("poll results", "GET", "/api/v1/polls/{poll}/results", None, event_bound(200)),
    ("add topic", "POST", "/api/v1/polls/{poll}/topics", {"title": "Nowy"}, event_bound(201)),
    (
        "run assignment",
        "POST",
        "/api/v1/events/{e1}/assignments",
        {"method": "optimal", "dry_run": True},
        event_bound(200),
    ),
    ("make keys", "POST", "/api/v1/organizer-keys", {"name": "x"}, global_write(201)),
    (
        "make keys of the event",
        "POST",
        "/api/v1/organizer-keys",
        {"name": "x", "event_ids": ["{e1}"]},
        {**ORGANIZER_ONLY, "org": 201, "scoped": 201, "other": 403},
    ),
    ("delete session with people", "DELETE", "/api/v1/sessions/{s1}", None, event_bound(409)),
    ("delete session, forced", "DELETE", "/api/v1/sessions/{s1}?force=true", None, event_bound(204)),
    ("session's people", "GET", "/api/v1/sessions/{s1}/enrollments", None, event_bound(200)),
    ("place by hand", "POST", "/api/v1/sessions/{s1}/enrollments", {"registration_id": "{a}"}, event_bound(200)),
    ("read me", "GET", "/api/v1/me", None, {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 200}),
    ("export me", "GET", "/api/v1/me/export", None, {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 200}),
    ("read own ballot", "GET", "/api/v1/polls/{poll}/ballot", None, {**PARTICIPANT_ONLY, "A": 200, "B": 404, "C": 404}),
    (
        "vote",
        "PUT",
        "/api/v1/polls/{poll}/ballot",
        {"topic_ids": ["{t0}"]},
        {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 404},
    ),
    (
        "enroll",
        "POST",
        "/api/v1/me/enrollments",
        {"session_id": "{s1}"},
        {**PARTICIPANT_ONLY, "A": 200, "B": 201, "C": 404},
    ),
    ("leave", "DELETE", "/api/v1/me/enrollments/{s1}", None, {**PARTICIPANT_ONLY, "A": 204, "B": 404, "C": 404}),
    (
        "rank workshops",
        "PUT",
        "/api/v1/me/preferences",
        {"session_ids": ["{s1}"]},
        {**PARTICIPANT_ONLY, "A": 200, "B": 200, "C": 422},
    ),
    ("read public event", "GET", "/api/v1/events/{e1}", None, {**dict.fromkeys(PRINCIPALS, 200), "other": 404}),
]


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and value.endswith("}") and filled.isdigit() else filled
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
    ids = {
        "e1": world["e1"]["id"],
        "s1": world["s1"]["id"],
        "poll": world["poll"]["id"],
        "a": world["a"]["id"],
        "t0": world["poll"]["topic_ids"][0],
    }
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


# --- a key limited to another event, against every organizer route ------------------------------

SLOT = {"starts_at": "2022-11-30T09:00:00+01:00", "ends_at": "2022-11-30T10:30:00+01:00"}
ROOMS = [{"room": "Sala B", "capacity": 20}]
TEMPLATE = "/api/v1/events/{e1}/message-templates/registration.created/pl"

# (method, path, body, status) for the key limited to e2 (`other`), about things of e1. Lists
# answer 200 without any of e1 (checked in the test); a route may appear more than once.
FOREIGN = [
    ("POST", "/api/v1/organizer-keys", {"name": "x"}, 403),
    ("POST", "/api/v1/organizer-keys", {"name": "x", "event_ids": ["{e1}"]}, 403),
    ("POST", "/api/v1/organizer-keys", {"name": "x", "event_ids": ["{e1}", "{e2}"]}, 403),
    ("GET", "/api/v1/organizer-keys", None, 200),
    ("DELETE", "/api/v1/organizer-keys/{key_all}", None, 404),
    ("DELETE", "/api/v1/organizer-keys/{key_e1}", None, 404),
    ("POST", "/api/v1/events", {**EVENT, "slug": "nowe"}, 403),
    ("GET", "/api/v1/events", None, 200),
    ("GET", "/api/v1/events/{e1}", None, 404),
    ("PATCH", "/api/v1/events/{e1}", {"venue": "Serock"}, 404),
    ("DELETE", "/api/v1/events/{e1}?force=true", None, 404),
    ("POST", "/api/v1/events/{e1}/sessions", {"title": "Nowa", "kind": "plenary", **SLOT}, 404),
    ("GET", "/api/v1/events/{e1}/sessions", None, 404),
    ("GET", "/api/v1/sessions/{s1}", None, 404),
    ("PATCH", "/api/v1/sessions/{s1}", {"room": "Sala C"}, 404),
    ("DELETE", "/api/v1/sessions/{s1}?force=true", None, 404),
    ("POST", "/api/v1/events/{e1}/registrations", person(9), 404),
    ("GET", "/api/v1/events/{e1}/registrations", None, 404),
    ("GET", "/api/v1/events/{e1}/registrations/stats", None, 404),
    ("GET", "/api/v1/registrations/{a}", None, 404),
    ("PATCH", "/api/v1/registrations/{a}", {"status": "waitlisted"}, 404),
    ("PATCH", "/api/v1/registrations/{a}", {"last_name": "Nowak"}, 404),
    ("POST", "/api/v1/registrations/{a}/approve", None, 404),
    ("POST", "/api/v1/registrations/{a}/reject", None, 404),
    ("POST", "/api/v1/events/{e1}/registrations/approve", {"registration_ids": ["{a}"]}, 404),
    ("POST", "/api/v1/events/{e1}/registrations/bulk", {"action": "waitlist", "registration_ids": ["{a}"]}, 404),
    ("GET", "/api/v1/sessions/{s1}/enrollments", None, 404),
    ("POST", "/api/v1/sessions/{s1}/enrollments", {"registration_id": "{a}"}, 404),
    ("DELETE", "/api/v1/sessions/{s1}/enrollments/{a}", None, 404),
    ("POST", "/api/v1/events/{e1}/polls", {"title": "Inna", "seats": 1}, 404),
    ("GET", "/api/v1/events/{e1}/polls", None, 404),
    ("GET", "/api/v1/polls/{poll}", None, 404),
    ("PATCH", "/api/v1/polls/{poll}", {"title": "Inna"}, 404),
    ("DELETE", "/api/v1/polls/{poll}", None, 404),
    ("POST", "/api/v1/polls/{poll}/topics", {"title": "Nowy"}, 404),
    ("PATCH", "/api/v1/topics/{t0}", {"title": "Inny"}, 404),
    ("DELETE", "/api/v1/topics/{t0}", None, 404),
    ("GET", "/api/v1/polls/{poll}/results", None, 404),
    ("POST", "/api/v1/polls/{poll}/publish", {**SLOT, "rooms": ROOMS}, 404),
    ("POST", "/api/v1/polls/{poll}/announce", None, 404),
    ("POST", "/api/v1/polls/{poll}/joint-assignment", {**SLOT, "rooms": ROOMS, "dry_run": True}, 404),
    ("POST", "/api/v1/polls/{poll}/joint-schedule", {"slots": [{**SLOT, "rooms": ROOMS}], "dry_run": True}, 404),
    ("POST", "/api/v1/events/{e1}/assignments", {"method": "optimal", "dry_run": True}, 404),
    ("GET", "/api/v1/events/{e1}/registrations/export", None, 404),
    ("GET", "/api/v1/sessions/{s1}/attendees/export", None, 404),
    ("GET", "/api/v1/events/{e1}/partnerships", None, 404),
    ("GET", "/api/v1/events/{e1}/partnerships/export", None, 404),
    ("GET", "/api/v1/events/{e1}/sessions/export", None, 404),
    ("GET", "/api/v1/sessions/{s1}/sign-in-sheet", None, 404),
    ("GET", "/api/v1/events/{e1}/badges", None, 404),
    ("GET", "/api/v1/events/{e1}/checkin-codes", None, 404),
    ("POST", "/api/v1/registrations/{a}/checkin-code", None, 404),
    ("POST", "/api/v1/events/{e1}/checkin-codes/rotate", None, 404),
    ("POST", "/api/v1/events/{e1}/checkins", {"code": "{code}"}, 404),
    ("DELETE", "/api/v1/events/{e1}/checkins/{a}", None, 404),
    ("GET", "/api/v1/events/{e1}/checkins/people?q=zak", None, 404),
    ("GET", "/api/v1/events/{e1}/checkins/summary", None, 404),
    # door links (app/team)
    ("POST", "/api/v1/events/{e1}/door-links", {"name": "drzwi"}, 404),
    ("GET", "/api/v1/events/{e1}/door-links", None, 404),
    ("DELETE", "/api/v1/events/{e1}/door-links/{door_e1}", None, 404),
    ("GET", "/api/v1/events/{e1}/assignments/current", None, 404),
    ("GET", "/api/v1/polls/{poll}/ballots.pb", None, 404),
    ("GET", "/api/v1/audit-log", None, 200),
    ("GET", "/api/v1/audit-log?event_id={e1}", None, 404),
    ("GET", "/api/v1/audit-log?registration_id={a}", None, 404),
    ("POST", "/api/v1/registrations/{a}/erase", None, 404),
    ("GET", "/api/v1/events/{e1}/messages", None, 404),
    ("GET", "/api/v1/messages/{msg}", None, 404),
    ("POST", "/api/v1/messages/{msg}/retry", None, 404),
    ("POST", "/api/v1/events/{e1}/broadcasts", {"subject": "Ważne", "text": "Treść"}, 404),
    ("GET", "/api/v1/events/{e1}/message-templates", None, 404),
    ("PUT", TEMPLATE, {"subject": "Ważne", "text": "Treść"}, 404),
    ("DELETE", TEMPLATE, None, 404),
    ("POST", "/api/v1/events/{e1}/message-templates/registration.created/preview", {"subject": "x", "text": "y"}, 404),
    ("POST", "/api/v1/webhooks", {"url": "https://hooks.example.org/x", "events": ["registration.created"]}, 403),
    (
        "POST",
        "/api/v1/webhooks",
        {"url": "https://hooks.example.org/x", "events": ["registration.created"], "event_id": "{e1}"},
        404,
    ),
    ("GET", "/api/v1/webhooks", None, 200),
    ("DELETE", "/api/v1/webhooks/{hook_e1}", None, 404),
    ("DELETE", "/api/v1/webhooks/{hook_all}", None, 404),
    ("GET", "/api/v1/webhooks/{hook_e1}/deliveries", None, 404),
    ("GET", "/api/v1/webhooks/{hook_all}/deliveries", None, 404),
    ("POST", "/api/v1/events/{e1}/questions", NOTES, 404),
    ("GET", "/api/v1/events/{e1}/questions", None, 404),
    ("PATCH", "/api/v1/questions/{q}", {"required": True}, 404),
    ("DELETE", "/api/v1/questions/{q}", None, 404),
    ("POST", "/api/v1/events/{e1}/invitations", {"uses": 2}, 404),
    ("GET", "/api/v1/events/{e1}/invitations", None, 404),
    ("POST", "/api/v1/invitations/{inv}/revoke", None, 404),
    ("GET", "/api/v1/events/{e1}/participants", None, 404),
]
# A check-in key limited to e2 at e1's door.
FOREIGN_DOOR = [
    ("POST", "/api/v1/events/{e1}/checkins", {"code": "{code}"}, 404),
    ("DELETE", "/api/v1/events/{e1}/checkins/{a}", None, 404),
    ("GET", "/api/v1/events/{e1}/checkins/people", None, 404),
    ("GET", "/api/v1/events/{e1}/checkins/summary", None, 404),
    ("GET", "/api/v1/events/{e1}/registrations", None, 403),  # a check-in key: 403 before 404
]


def _api_routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif getattr(route, "original_router", None) is not None:  # an included router
            yield from _api_routes(route.original_router.routes)


def _organizer_routes(app):
    credentials = (require_organizer, require_checkin, optional_organizer)
    return {
        (method, route.path)
        for route in _api_routes(app.routes)
        if any(_uses(route.dependant, c) for c in credentials)
        for method in route.methods
    }


def _template(path):
    """The route template of a catalogue path: `{e1}` -> `{event_id}` as in the app."""
    names = {
        "e1": "event_id",
        "s1": "session_id",
        "a": "registration_id",
        "poll": "poll_id",
        "t0": "topic_id",
        "q": "question_id",
        "inv": "invitation_id",
        "msg": "message_id",
        "hook_e1": "webhook_id",
        "hook_all": "webhook_id",
        "key_all": "key_id",
        "key_e1": "key_id",
        "door_e1": "link_id",
    }
    path = path.split("?")[0]
    for short, name in names.items():
        path = path.replace("{" + short + "}", "{" + name + "}")
    return path.replace("/registration.created/pl", "/{kind}/{language}").replace(
        "/registration.created/preview", "/{kind}/preview"
    )


def test_the_catalogue_covers_every_organizer_route(app):
    routes = _organizer_routes(app)
    assert len(routes) > 60
    listed = {(method, _template(path)) for method, path, *_ in FOREIGN}
    assert routes <= listed, sorted(routes - listed)
    assert listed <= routes, sorted(listed - routes)


@pytest.fixture
def estate(client, admin, monkeypatch):
    """Event e1 with one of everything an organizer can reach; a key limited to e2 (`other`)."""
    monkeypatch.setattr(security, "resolve", lambda host, port: ["93.184.215.14"])
    world = {}
    e1, e2 = make_event(client, admin), make_event(client, admin, slug="inne-wydarzenie", published=False)
    s1 = make_session(client, admin, e1["id"])
    poll = make_poll(client, admin, e1["id"])
    a = register(client, e1["id"], 1)
    register(client, e2["id"], 2, headers=admin)  # unpublished: organizers may register people
    assert (
        client.post(
            f"/api/v1/sessions/{s1['id']}/enrollments", json={"registration_id": a["id"]}, headers=admin
        ).status_code
        == 201
    )

    def made(path, body):
        r = client.post(path, json=body, headers=admin)
        assert r.status_code == 201, r.text
        return r.json()

    q = made(f"/api/v1/events/{e1['id']}/questions", NOTES)
    inv = made(f"/api/v1/events/{e1['id']}/invitations", {"uses": 2})
    hook = {"url": "https://hooks.example.org/x", "events": ["registration.created"]}
    hook_e1, hook_all = made("/api/v1/webhooks", {**hook, "event_id": e1["id"]}), made("/api/v1/webhooks", hook)
    made("/api/v1/webhooks", {**hook, "event_id": e2["id"]})
    assert client.patch(f"/api/v1/events/{e2['id']}", json={"venue": "Warszawa"}, headers=admin).status_code == 200
    key_all, key_e1 = (
        made("/api/v1/organizer-keys", {"name": "wszystko"}),
        made("/api/v1/organizer-keys", {"name": "e1", "event_ids": [e1["id"]]}),
    )
    door_e1 = made(f"/api/v1/events/{e1['id']}/door-links", {"name": "drzwi"})
    other = made("/api/v1/organizer-keys", {"name": "inne", "event_ids": [e2["id"]]})
    door = made("/api/v1/organizer-keys", {"name": "bramka", "role": "checkin", "event_ids": [e2["id"]]})
    code = client.get(f"/api/v1/events/{e1['id']}/checkin-codes", headers=admin).json()["items"][0]["code"]
    msg = client.get(f"/api/v1/events/{e1['id']}/messages", headers=admin).json()["items"][0]["id"]
    world["ids"] = {
        "e1": e1["id"],
        "e2": e2["id"],
        "s1": s1["id"],
        "poll": poll["id"],
        "t0": poll["topic_ids"][0],
        "a": a["id"],
        "q": q["id"],
        "inv": inv["id"],
        "hook_e1": hook_e1["id"],
        "hook_all": hook_all["id"],
        "key_all": key_all["id"],
        "key_e1": key_e1["id"],
        "door_e1": door_e1["id"],
        "code": code,
        "msg": msg,
    }
    world["other"], world["door"] = bearer(other["key"]), bearer(door["key"])
    return world


def _call(client, ids, headers, method, path, body):
    url = path.format(**ids)
    return client.request(method, url, json=_fill(body, ids) if body is not None else None, headers=headers)


def test_every_organizer_route_hides_other_events(client, admin, estate):
    """A key limited to e2: 404 for everything of e1, 403 for things of every event; its lists
    hold nothing of e1; and none of its calls changed anything (the audit log is as before)."""
    ids = estate["ids"]
    audit_before = client.get("/api/v1/audit-log", headers=admin).json()["total"]
    for key, cases in ((estate["other"], FOREIGN), (estate["door"], FOREIGN_DOOR)):
        for method, path, body, expected in cases:
            r = _call(client, ids, key, method, path, body)
            assert r.status_code == expected, (method, path, r.text)
            if expected >= 400:
                assert r.headers["content-type"].startswith("application/problem+json")
            if expected == 404 and "{e1}" not in f"{path} {body}":
                # an object's 404 reads as a missing object's: it does not name the event it is of
                assert f"Event {ids['e1']} " not in r.text, (method, path, r.text)
    other = estate["other"]
    events = client.get("/api/v1/events", headers=other).json()
    assert [e["id"] for e in events["items"]] == [ids["e2"]] and events["total"] == 1
    hooks = client.get("/api/v1/webhooks", headers=other).json()["items"]
    assert len(hooks) == 1 and hooks[0]["event_id"] == ids["e2"]
    keys = client.get("/api/v1/organizer-keys", headers=other).json()["items"]
    assert {k["name"] for k in keys} == {"inne", "bramka"} and all(k["event_ids"] == [ids["e2"]] for k in keys)
    entries = client.get("/api/v1/audit-log", headers=other).json()["items"]
    assert entries and all(e["event_id"] == ids["e2"] for e in entries)
    assert client.get("/api/v1/audit-log", headers=admin).json()["total"] == audit_before
    assert client.get(f"/api/v1/events/{ids['e1']}/registrations", headers=admin).json()["total"] == 1
