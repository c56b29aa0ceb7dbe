"""Roles on the existing checks: organizer limited to events, check-in, viewer; CSRF; team
endpoints for owners and keys of every event; audit entries naming the person."""

from tests.api.exports.helpers import key
from tests.api.team.helpers import csrf, first_owner, join
from tests.factories import assert_problem, make_event, make_session, register


def test_csrf_header_is_needed_for_cookie_writes_not_for_keys(client, app, admin):
    signed = first_owner(client, app)
    body = {**_event("csrf")}
    assert_problem(client.post("/api/v1/events", json=body), 403)
    assert_problem(client.post("/api/v1/events", json=body, headers={"X-CSRF-Token": "x" * 64}), 403)
    r = client.post("/api/v1/events", json=body, headers=csrf(signed))
    assert r.status_code == 201, r.text
    # a Bearer key needs no CSRF header, and the cookie is ignored when one is sent
    assert client.post("/api/v1/events", json=_event("klucz"), headers=admin).status_code == 201
    assert_problem(client.get("/api/v1/organizer-keys", headers={"Authorization": "Bearer org_wrong"}), 401)


def _event(slug: str) -> dict[str, object]:
    return {
        "slug": slug,
        "title": "Seminarium",
        "venue": "Serock",
        "timezone": "Europe/Warsaw",
        "starts_on": "2022-11-29",
        "ends_on": "2022-11-30",
        "capacity": 10,
    }


def test_roles_map_onto_the_existing_checks(client, app, box, admin):
    signed = first_owner(client, app)
    mine, other = make_event(client, admin, slug="moje"), make_event(client, admin, slug="cudze")
    reg = register(client, mine["id"], 1)
    org, org_signed, _ = join(app, box, client, signed, email="org@x.pl", role="organizer", event_ids=[mine["id"]])
    # an organizer limited to one event: 404 for the other, writes in theirs, no team
    assert org_signed["user"]["roles"] == [{"role": "organizer", "event_ids": [mine["id"]]}]
    assert_problem(org.get(f"/api/v1/events/{other['id']}/registrations"), 404)
    assert org.get(f"/api/v1/events/{mine['id']}/registrations").status_code == 200
    assert [e["id"] for e in org.get("/api/v1/events?limit=500").json()["items"]] == [mine["id"]]
    make_session(org, csrf(org_signed), mine["id"])
    assert_problem(org.get("/api/v1/team/members"), 403)
    # nor a key of every event, which would manage the team; a door key of their event is fine
    assert_problem(org.post("/api/v1/organizer-keys", json={"name": "k"}, headers=csrf(org_signed)), 403)
    door_key = {"name": "drzwi", "role": "checkin", "event_ids": [mine["id"]]}
    assert org.post("/api/v1/organizer-keys", json=door_key, headers=csrf(org_signed)).status_code == 201
    assert_problem(
        org.post(
            "/api/v1/team/invitations", json={"email": "a@x.pl", "name": "A", "role": "owner"}, headers=csrf(org_signed)
        ),
        403,
    )

    door, door_signed, _ = join(app, box, client, signed, email="door@x.pl", role="checkin")
    assert_problem(door.get(f"/api/v1/events/{mine['id']}/registrations"), 403)
    r = door.post(
        f"/api/v1/events/{mine['id']}/checkins", json={"registration_id": reg["id"]}, headers=csrf(door_signed)
    )
    assert r.status_code == 201, r.text

    viewer, viewer_signed, _ = join(app, box, client, signed, email="view@x.pl", role="viewer")
    assert viewer.get(f"/api/v1/events/{mine['id']}/registrations").status_code == 200
    assert viewer.get(f"/api/v1/events/{mine['id']}/checkins/summary").status_code == 200
    assert_problem(viewer.post(f"/api/v1/events/{mine['id']}/sessions", json={}, headers=csrf(viewer_signed)), 403)
    assert_problem(
        viewer.post(
            f"/api/v1/events/{mine['id']}/checkins", json={"registration_id": reg["id"]}, headers=csrf(viewer_signed)
        ),
        403,
    )
    for path in ("registrations/export?format=csv", "badges"):
        assert_problem(viewer.get(f"/api/v1/events/{mine['id']}/{path}"), 403)
        assert client.get(f"/api/v1/events/{mine['id']}/{path}").status_code == 200  # the owner may


def test_team_endpoints_for_owners_and_keys_of_every_event(client, app, admin, box):
    body = {"email": "jan@x.pl", "name": "Jan", "role": "organizer"}
    assert_problem(client.post("/api/v1/team/invitations", json=body), 401)
    ev = make_event(client, admin)
    scoped = client.post("/api/v1/organizer-keys", json={"name": "s", "event_ids": [ev["id"]]}, headers=admin).json()
    assert_problem(
        client.post("/api/v1/team/invitations", json=body, headers={"Authorization": f"Bearer {scoped['key']}"}), 403
    )
    assert_problem(client.get("/api/v1/team/members", headers=key(client, admin, "checkin")), 403)
    r = client.post("/api/v1/team/invitations", json=body, headers=admin)
    assert r.status_code == 201, r.text
    bad = {**body, "email": "o@x.pl", "role": "owner", "event_ids": [ev["id"]]}
    assert_problem(client.post("/api/v1/team/invitations", json=bad, headers=admin), 422)
    unknown = {**body, "email": "u@x.pl", "event_ids": [999999]}
    assert_problem(client.post("/api/v1/team/invitations", json=unknown, headers=admin), 422)
    assert client.get("/api/v1/team/members", headers=admin).json()["total"] == 1


def test_audit_entries_name_the_person(client, app, admin):
    signed = first_owner(client, app)
    ev = client.post("/api/v1/events", json=_event("audyt"), headers=csrf(signed)).json()
    session = make_session(client, csrf(signed), ev["id"])
    invited = {"email": "jan@x.pl", "name": "Jan", "role": "viewer"}
    assert client.post("/api/v1/team/invitations", json=invited, headers=csrf(signed)).status_code == 201
    entries = client.get("/api/v1/audit-log", headers=admin).json()["items"]
    person = f"user:{signed['user']['id']}:Anna Nowak"
    assert {(e["action"], e["actor"]) for e in entries} >= {
        ("POST /api/v1/events/{event_id}/sessions", person),
        ("POST /api/v1/team/invitations", person),
    }, entries
    assert any(e["target"] == f"session:{session['id']}" or e["event_id"] == ev["id"] for e in entries)
