"""Organizer keys limited to some events: everything of their events, 404 for every other event
(published or not, by event id or by the id of anything in it), 403 for things of every event.

Choices (app/auth/deps.py, app/auth/router.py): a scoped key sent to a public route is scoped
there too (other events: 404, the event list: only its events); a check-in key reads public
routes as anonymous; a scoped key manages the keys limited to some of its own events (itself
included) and nothing else; deleting an event revokes the keys limited to it alone.
"""

import pytest
from sqlalchemy import event as sa_event

from app.webhooks import security
from tests.api.voting.test_polls import make_poll
from tests.factories import EVENT, assert_problem, bearer, make_event, make_session, person, register

HOOK = {"url": "https://hooks.example.org/seminar", "events": ["registration.created"]}


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    monkeypatch.setattr(security, "resolve", lambda host, port: ["93.184.215.14"])


def make_key(client, headers, name="Biuro A", expected=201, **body):
    r = client.post("/api/v1/organizer-keys", json={"name": name, **body}, headers=headers)
    assert r.status_code == expected, r.text
    return r.json()


def code_of(client, admin, event_id, registration_id):
    items = client.get(f"/api/v1/events/{event_id}/checkin-codes", headers=admin).json()["items"]
    return next(i["code"] for i in items if i["registration_id"] == registration_id)


@pytest.fixture
def two(client, admin):
    """Events A and B (each with a session, a poll, a person, a webhook); a key limited to A."""
    out = {}
    for name, slug in (("A", "seminarium-a"), ("B", "seminarium-b")):
        ev = make_event(client, admin, slug=slug)
        reg = register(client, ev["id"], 1 if name == "A" else 2)
        hook = client.post("/api/v1/webhooks", json={**HOOK, "event_id": ev["id"]}, headers=admin).json()
        out[name] = {
            "event": ev["id"],
            "session": make_session(client, admin, ev["id"])["id"],
            "poll": make_poll(client, admin, ev["id"]),
            "reg": reg["id"],
            "hook": hook["id"],
            "message": client.get(f"/api/v1/events/{ev['id']}/messages", headers=admin).json()["items"][0]["id"],
        }
    out["key"] = make_key(client, admin, event_ids=[out["A"]["event"]])
    out["h"] = bearer(out["key"]["key"])
    return out


def test_a_scoped_key_reaches_its_event_and_nothing_of_another(client, admin, two):
    a, b, h = two["A"], two["B"], two["h"]
    assert two["key"]["event_ids"] == [a["event"]]
    for x, ok in ((a, True), (b, False)):
        e, s, reg, poll = x["event"], x["session"], x["reg"], x["poll"]
        gets = [
            f"/api/v1/events/{e}",
            f"/api/v1/events/{e}/sessions",
            f"/api/v1/sessions/{s}",
            f"/api/v1/events/{e}/registrations",
            f"/api/v1/events/{e}/registrations/stats",
            f"/api/v1/events/{e}/registrations/export",
            f"/api/v1/registrations/{reg}",
            f"/api/v1/polls/{poll['id']}",
            f"/api/v1/polls/{poll['id']}/results",
            f"/api/v1/sessions/{s}/enrollments",
            f"/api/v1/sessions/{s}/sign-in-sheet",
            f"/api/v1/events/{e}/badges",
            f"/api/v1/events/{e}/messages",
            f"/api/v1/messages/{x['message']}",
            f"/api/v1/webhooks/{x['hook']}/deliveries",
            f"/api/v1/events/{e}/checkin-codes",
        ]
        for url in gets:
            r = client.get(url, headers=h)
            if ok:
                assert r.status_code == 200, (url, r.text)
            else:
                body = assert_problem(r, 404)
                # as for a missing one: an object's 404 does not name its event
                assert ("/events/" in url) == (f"Event {e} " in body["detail"]), (url, body)
        topic = client.patch(f"/api/v1/topics/{poll['topic_ids'][0]}", json={"title": "Nowy tytuł"}, headers=h)
        assert topic.status_code == (200 if ok else 404), topic.text
        moved = client.patch(f"/api/v1/sessions/{s}", json={"room": "Sala C"}, headers=h)
        assert moved.status_code == (200 if ok else 404), moved.text
        door = client.post(f"/api/v1/events/{e}/checkins", json={"code": code_of(client, admin, e, reg)}, headers=h)
        assert door.status_code == (201 if ok else 404), door.text
    # nothing of B changed
    assert client.get(f"/api/v1/sessions/{b['session']}", headers=admin).json()["room"] == "Sala A"
    assert client.get(f"/api/v1/events/{b['event']}/checkin-codes", headers=admin).status_code == 200


def test_lists_hold_only_its_events(client, admin, two):
    a, b, h = two["A"], two["B"], two["h"]
    hidden = make_event(client, admin, slug="ukryte", published=False)
    mine_hidden = make_event(client, admin, slug="moje-ukryte", published=False)
    key = make_key(client, admin, event_ids=[a["event"], mine_hidden["id"]])
    listed = client.get("/api/v1/events", headers=bearer(key["key"])).json()
    assert sorted(e["id"] for e in listed["items"]) == sorted([a["event"], mine_hidden["id"]])
    assert listed["total"] == 2
    # anonymous: the published events of everyone; an unscoped key: all of them
    public = {e["id"] for e in client.get("/api/v1/events").json()["items"]}
    assert public == {a["event"], b["event"]}
    assert hidden["id"] in {e["id"] for e in client.get("/api/v1/events", headers=admin).json()["items"]}
    # webhooks: only those of its events (not B's, not those of every event)
    client.post("/api/v1/webhooks", json=HOOK, headers=admin)
    hooks = client.get("/api/v1/webhooks", headers=h).json()
    assert [w["id"] for w in hooks["items"]] == [a["hook"]] and hooks["total"] == 1
    # audit log: entries of A only; none of B, none of no event; a filter on B: 404
    client.patch(f"/api/v1/events/{b['event']}", json={"venue": "Warszawa"}, headers=admin)
    client.patch(f"/api/v1/events/{a['event']}", json={"venue": "Serock"}, headers=h)
    entries = client.get("/api/v1/audit-log?limit=200", headers=h).json()
    assert entries["items"] and {e["event_id"] for e in entries["items"]} == {a["event"]}
    assert entries["total"] == len(entries["items"])
    every = client.get("/api/v1/audit-log?limit=200", headers=admin).json()["items"]
    assert {b["event"], None} <= {e["event_id"] for e in every}
    assert_problem(client.get(f"/api/v1/audit-log?event_id={b['event']}", headers=h), 404)
    assert client.get(f"/api/v1/audit-log?event_id={a['event']}", headers=h).json()["total"] >= 1


def test_public_routes_do_not_show_other_events_to_a_scoped_key(client, admin, two):
    hidden = make_event(client, admin, slug="ukryte", published=False)
    e = hidden["id"]
    make_session(client, admin, e)
    h = two["h"]
    for url in (
        f"/api/v1/events/{e}",
        f"/api/v1/events/{e}/sessions",
        f"/api/v1/events/{e}/polls",
        f"/api/v1/events/{e}/questions",
        f"/api/v1/events/{e}/participants",
    ):
        assert_problem(client.get(url, headers=h), 404)
        assert_problem(client.get(url), 404)
        assert client.get(url, headers=admin).status_code == 200, url
    # published B: public to anyone, but a key limited to A does not see it (404 everywhere)
    b = two["B"]["event"]
    assert client.get(f"/api/v1/events/{b}").status_code == 200
    assert_problem(client.get(f"/api/v1/events/{b}", headers=h), 404)
    assert_problem(client.get(f"/api/v1/polls/{two['B']['poll']['id']}", headers=h), 404)
    # registering someone at B with the key: 404 (at A it works as for any organizer)
    assert_problem(client.post(f"/api/v1/events/{b}/registrations", json=person(7), headers=h), 404)
    assert (
        client.post(f"/api/v1/events/{two['A']['event']}/registrations", json=person(8), headers=h).status_code == 201
    )


def test_a_scoped_key_cannot_make_global_things(client, admin, two):
    a, b, h = two["A"]["event"], two["B"]["event"], two["h"]
    assert_problem(client.post("/api/v1/events", json={**EVENT, "slug": "nowe"}, headers=h), 403)
    make_key(client, h, expected=403)  # a key of every event
    make_key(client, h, expected=403, event_ids=[b])
    make_key(client, h, expected=403, event_ids=[a, b])
    make_key(client, h, expected=403, event_ids=[987654])  # unknown: the same 403, nothing told
    made = make_key(client, h, name="Drzwi A", role="checkin", event_ids=[a])
    assert made["event_ids"] == [a] and made["created_by"].startswith(f"key:{two['key']['id']}:")
    door = bearer(made["key"])
    assert (
        client.post(
            f"/api/v1/events/{a}/checkins", json={"code": code_of(client, admin, a, two["A"]["reg"])}, headers=door
        ).status_code
        == 201
    )
    assert_problem(
        client.post(
            f"/api/v1/events/{b}/checkins", json={"code": code_of(client, admin, b, two["B"]["reg"])}, headers=door
        ),
        404,
    )
    assert_problem(client.get(f"/api/v1/events/{a}/registrations", headers=door), 403)
    # webhooks: of its events only; one of every event is not its to make
    assert_problem(client.post("/api/v1/webhooks", json=HOOK, headers=h), 403)
    assert_problem(client.post("/api/v1/webhooks", json={**HOOK, "event_id": b}, headers=h), 404)
    assert client.post("/api/v1/webhooks", json={**HOOK, "event_id": a}, headers=h).status_code == 201
    assert_problem(client.delete(f"/api/v1/webhooks/{two['B']['hook']}", headers=h), 404)
    assert client.delete(f"/api/v1/webhooks/{two['A']['hook']}", headers=h).status_code == 204
    # bad scopes from a key of every event
    body = assert_problem(
        client.post("/api/v1/organizer-keys", json={"name": "x", "event_ids": [987654]}, headers=admin), 422
    )
    assert body["errors"][0]["loc"] == ["body", "event_ids"]
    assert_problem(client.post("/api/v1/organizer-keys", json={"name": "x", "event_ids": []}, headers=admin), 422)
    both = make_key(client, admin, event_ids=[b, a, a])
    assert both["event_ids"] == sorted([a, b])


def test_a_scoped_key_manages_only_keys_within_its_events(client, admin, two):
    a, b, h = two["A"]["event"], two["B"]["event"], two["h"]
    every = make_key(client, admin, name="Wszystko")
    of_b = make_key(client, admin, name="Biuro B", event_ids=[b])
    of_both = make_key(client, admin, name="Oba", event_ids=[a, b])
    mine = make_key(client, h, name="Recepcja A", event_ids=[a])
    listed = client.get("/api/v1/organizer-keys", headers=h).json()
    assert [k["name"] for k in listed["items"]] == ["Biuro A", "Recepcja A"] and listed["total"] == 2
    everything = {
        k["name"]: k["event_ids"] for k in client.get("/api/v1/organizer-keys", headers=admin).json()["items"]
    }
    assert everything["Wszystko"] is None and everything["Oba"] == sorted([a, b])
    for other in (every, of_b, of_both):
        assert_problem(client.delete(f"/api/v1/organizer-keys/{other['id']}", headers=h), 404)
        assert client.get("/api/v1/organizer-keys", headers=bearer(other["key"])).status_code == 200
    revoked = client.delete(f"/api/v1/organizer-keys/{mine['id']}", headers=h)
    assert revoked.status_code == 200 and revoked.json()["event_ids"] == [a]
    assert_problem(client.get("/api/v1/organizer-keys", headers=bearer(mine["key"])), 401)


def test_deleting_its_last_event_revokes_a_scoped_key(client, admin, two):
    """A key's scope rows go with their event; one left with none would reach every event."""
    a, b = two["A"]["event"], two["B"]["event"]
    both = make_key(client, admin, name="Oba", event_ids=[a, b])
    assert client.delete(f"/api/v1/events/{a}?force=true", headers=admin).status_code == 204
    assert_problem(client.get("/api/v1/organizer-keys", headers=two["h"]), 401)
    # the key of A and B keeps B, and only B
    hb = bearer(both["key"])
    assert [e["id"] for e in client.get("/api/v1/events", headers=hb).json()["items"]] == [b]
    c = make_event(client, admin, slug="trzecie")
    assert_problem(client.get(f"/api/v1/events/{c['id']}/registrations", headers=hb), 404)
    # a key deleting its own (last) event goes with it
    assert client.delete(f"/api/v1/events/{b}?force=true", headers=hb).status_code == 204
    assert_problem(client.get("/api/v1/organizer-keys", headers=hb), 401)
    keys = {k["name"]: k for k in client.get("/api/v1/organizer-keys", headers=admin).json()["items"]}
    assert keys["Oba"]["revoked_at"] is not None


def test_a_refused_delete_revokes_nothing(client, admin, two):
    a = two["A"]["event"]
    assert_problem(client.delete(f"/api/v1/events/{a}", headers=admin), 409)  # people registered
    assert client.get("/api/v1/organizer-keys", headers=two["h"]).status_code == 200


def test_the_scope_costs_no_extra_query(client, admin, app, two):
    """The key and its events come in one query, once per request, scoped or not."""
    unscoped = bearer(make_key(client, admin, name="Wszystko")["key"])
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    url = f"/api/v1/events/{two['A']['event']}/registrations/stats"
    counts = []
    sa_event.listen(app.state.engine, "before_cursor_execute", seen)
    try:
        for headers in (two["h"], unscoped):
            statements.clear()
            assert client.get(url, headers=headers).status_code == 200
            counts.append(len(statements))
            assert sum("organizer_key" in s for s in statements) == 1, statements
    finally:
        sa_event.remove(app.state.engine, "before_cursor_execute", seen)
    assert counts[0] == counts[1]
