"""The door page's API: find people by name (door keys too), check in by name, head counts."""

from tests.api.checkin.test_checkin import codes
from tests.api.exports.helpers import POLISH_ORDER, key, seed
from tests.factories import assert_problem, bearer, make_event, make_session, register


def people(client, headers, event_id, q, **params):
    r = client.get(f"/api/v1/events/{event_id}/checkins/people", params={"q": q, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def names(page):
    return [p["last_name"] for p in page["items"]]


def test_door_key_finds_people_by_name_or_organization_in_polish_order(client, admin):
    ev, regs = seed(client, admin)
    door = key(client, admin, "checkin")
    e = ev["id"]
    assert names(people(client, door, e, "Zak")) == ["Żak"]
    assert names(people(client, door, e, "ŹREBIEC")) == ["Źrebiec"]
    assert names(people(client, door, e, "gmina")) == POLISH_ORDER
    assert names(people(client, door, e, "lodz")) == ["Lewandowski", "Lis", "Łęcki", "Źrebiec", "Żak"]  # Gmina Łódź
    assert names(people(client, door, e, "LODZ lis")) == ["Lis"]
    assert names(people(client, door, e, "srem sliwa")) == ["Śliwa"]
    page = people(client, door, e, "gmina", limit=2, offset=2)
    assert page["total"] == 9 and names(page) == ["Łęcki", "Łukasz"]
    item = people(client, door, e, "zak")["items"][0]
    assert item == {
        "registration_id": regs[0]["id"],
        "first_name": "Łucja",
        "last_name": "Żak",
        "organization": "Gmina Łódź",
        "category": "local_government",
        "status": "confirmed",
        "checked_in_at": None,
    }
    # never the e-mail: neither shown nor searched
    assert people(client, door, e, "osoba1@")["total"] == 0 and people(client, door, e, "example")["total"] == 0


def test_names_starting_with_the_typed_text_come_first(client, admin):
    """ "zak" at the door: surnames starting with it (Zakrzewska, Żak), then names with a word
    starting with it (Zakaria, the second part of Kowalska-Żak), then the rest (Łuczak), each
    group in Polish order. A wildcard typed is a letter, not a pattern."""
    ev = make_event(client, admin)
    door = key(client, admin, "checkin")
    cast = [("Łuczak", "Anna"), ("Żak", "Łucja"), ("Kowalska-Żak", "Maria"), ("Bąk", "Zakaria"), ("Zakrzewska", "Ewa")]
    for i, (last, first) in enumerate(cast, start=1):
        register(client, ev["id"], i, last_name=last, first_name=first, organization="Gmina Serock")
    e = ev["id"]
    assert names(people(client, door, e, "zak")) == ["Zakrzewska", "Żak", "Bąk", "Kowalska-Żak", "Łuczak"]
    assert names(people(client, door, e, "ŻAK")) == ["Zakrzewska", "Żak", "Bąk", "Kowalska-Żak", "Łuczak"]
    assert names(people(client, door, e, "luczak")) == ["Łuczak"]
    assert names(people(client, door, e, "zak gmina")) == ["Zakrzewska", "Żak", "Bąk", "Kowalska-Żak", "Łuczak"]
    assert names(people(client, door, e, "anna zak")) == ["Łuczak"]  # both words must match; her name starts
    page = people(client, door, e, "zak", limit=2, offset=1)
    assert page["total"] == 5 and names(page) == ["Żak", "Bąk"]
    assert people(client, door, e, "z%k")["total"] == 0 and people(client, door, e, "_ak")["total"] == 0


def test_check_in_by_name_then_undo(client, admin):
    ev, regs = seed(client, admin)
    door = key(client, admin, "checkin")
    e, zak = ev["id"], regs[0]["id"]
    url = f"/api/v1/events/{e}/checkins"
    r = client.post(url, json={"registration_id": zak}, headers=door)
    assert r.status_code == 201, r.text
    assert (r.json()["last_name"], r.json()["already_checked_in"]) == ("Żak", False)
    assert people(client, door, e, "zak")["items"][0]["checked_in_at"] == r.json()["checked_in_at"]
    # the badge's code afterwards: the same check-in
    again = client.post(url, json={"code": codes(client, admin, e)["Żak"]["code"]}, headers=door)
    assert again.status_code == 200 and again.json()["already_checked_in"] is True
    assert client.delete(f"{url}/{zak}", headers=door).status_code == 204
    assert people(client, door, e, "zak")["items"][0]["checked_in_at"] is None
    audit = client.get("/api/v1/audit-log", params={"event_id": e, "limit": 500}, headers=admin)
    assert audit.status_code == 200, audit.text
    made = [x["details"]["by"] for x in audit.json()["items"] if x["action"] == "checkin.create"]
    assert made == ["name"]  # how the check-in was made (the code's repeat made none)


def test_check_in_body_needs_exactly_one_way(client, admin):
    ev, regs = seed(client, admin)
    url = f"/api/v1/events/{ev['id']}/checkins"
    code = codes(client, admin, ev["id"])["Żak"]["code"]
    assert_problem(client.post(url, json={}, headers=admin), 422)
    assert_problem(client.post(url, json={"code": code, "registration_id": regs[0]["id"]}, headers=admin), 422)
    assert_problem(client.post(url, json={"registration_id": 0}, headers=admin), 422)


def test_check_in_by_name_stays_in_the_event(client, admin):
    ev, regs = seed(client, admin)
    other = make_event(client, admin, slug="inne")
    stranger = register(client, other["id"], 50)
    url = f"/api/v1/events/{ev['id']}/checkins"
    assert_problem(client.post(url, json={"registration_id": stranger["id"]}, headers=admin), 404)
    assert_problem(client.post(url, json={"registration_id": 2_000_000_000}, headers=admin), 404)
    assert client.delete("/api/v1/me", headers=bearer(regs[1]["token"])).status_code == 200
    assert_problem(client.post(url, json={"registration_id": regs[1]["id"]}, headers=admin), 409)
    assert client.post(f"/api/v1/registrations/{regs[2]['id']}/erase", headers=admin).status_code == 200
    assert_problem(client.post(url, json={"registration_id": regs[2]["id"]}, headers=admin), 404)
    assert people(client, admin, ev["id"], "lis")["total"] == 0  # erased: not found by the old name


def test_session_check_ins_in_the_search(client, admin):
    ev, regs = seed(client, admin)
    session = make_session(client, admin, ev["id"])
    url = f"/api/v1/events/{ev['id']}/checkins"
    assert (
        client.post(
            url, json={"registration_id": regs[0]["id"], "session_id": session["id"]}, headers=admin
        ).status_code
        == 201
    )
    assert people(client, admin, ev["id"], "zak")["items"][0]["checked_in_at"] is None  # not the event
    assert people(client, admin, ev["id"], "zak", session_id=session["id"])["items"][0]["checked_in_at"]
    other = make_event(client, admin, slug="inne")
    foreign = make_session(client, admin, other["id"])
    r = client.get(
        f"/api/v1/events/{ev['id']}/checkins/people", params={"q": "zak", "session_id": foreign["id"]}, headers=admin
    )
    assert_problem(r, 404)


def test_summary_counts_per_day_and_session(client, admin):
    ev, regs = seed(client, admin)
    door = key(client, admin, "checkin")
    e = ev["id"]
    s1 = make_session(client, admin, e, title="Warsztat A")
    s2 = make_session(
        client,
        admin,
        e,
        title="Plenarna",
        kind="plenary",
        capacity=None,
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
    )
    summary_url = f"/api/v1/events/{e}/checkins/summary"
    empty = client.get(summary_url, headers=door)
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert (body["confirmed"], body["checked_in"], body["timezone"]) == (9, 0, "Europe/Warsaw")
    assert body["days"] == [{"date": "2022-11-29", "checked_in": 0}, {"date": "2022-11-30", "checked_in": 0}]
    assert [(s["title"], s["checked_in"]) for s in body["sessions"]] == [("Plenarna", 0), ("Warsztat A", 0)]
    url = f"/api/v1/events/{e}/checkins"
    for reg in regs[:3]:
        assert client.post(url, json={"registration_id": reg["id"]}, headers=door).status_code == 201
    assert (
        client.post(url, json={"registration_id": regs[0]["id"], "session_id": s1["id"]}, headers=door).status_code
        == 201
    )
    body = client.get(summary_url, headers=door).json()
    assert body["checked_in"] == 3
    today = [d for d in body["days"] if d["checked_in"]]  # checked in today, whatever the event's dates
    assert len(today) == 1 and today[0]["checked_in"] == 3
    assert [d["date"] for d in body["days"]] == sorted(d["date"] for d in body["days"])
    assert {s["session_id"]: s["checked_in"] for s in body["sessions"]} == {s1["id"]: 1, s2["id"]: 0}
    assert client.delete(f"{url}/{regs[1]['id']}", headers=door).status_code == 204
    assert client.get(summary_url, headers=door).json()["checked_in"] == 2


def test_summary_days_are_local_days(client, admin, app):
    """Check-ins at 23:30 and 00:30 Warsaw time (22:30 and 23:30 UTC) fall on two local days."""
    from sqlalchemy import text

    ev, regs = seed(client, admin)
    with app.state.engine.begin() as conn:
        for reg, at in (
            (regs[0], "2022-11-29 22:30:00+00:00"),
            (regs[1], "2022-11-29 23:30:00+00:00"),
            (regs[2], "2022-11-30 08:00:00+00:00"),
            (regs[3], "2022-12-05 08:00:00+00:00"),
        ):
            conn.execute(
                text(
                    "INSERT INTO attendance (event_id, registration_id, session_id, checked_in_at, "
                    "checked_in_by) VALUES (:e, :r, NULL, :at, 'test')"
                ),
                {"e": ev["id"], "r": reg["id"], "at": at},
            )
    body = client.get(f"/api/v1/events/{ev['id']}/checkins/summary", headers=admin).json()
    assert body["days"] == [
        {"date": "2022-11-29", "checked_in": 1},
        {"date": "2022-11-30", "checked_in": 2},
        {"date": "2022-12-05", "checked_in": 1},
    ]


def test_door_endpoints_need_a_key_of_the_event(client, admin):
    ev, regs = seed(client, admin)
    e = ev["id"]
    for path, params in (
        (f"/api/v1/events/{e}/checkins/people", {"q": "zak"}),
        (f"/api/v1/events/{e}/checkins/summary", {}),
    ):
        assert_problem(client.get(path, params=params), 401)
        assert_problem(client.get(path, params=params, headers=bearer(regs[0]["token"])), 401)
    assert_problem(client.get("/api/v1/events/99999/checkins/summary", headers=admin), 404)
    assert_problem(client.get(f"/api/v1/events/{e}/checkins/people", headers=admin), 422)  # q is required
    other = make_event(client, admin, slug="inne")
    r = client.post(
        "/api/v1/organizer-keys",
        json={"name": "door of the other", "role": "checkin", "event_ids": [other["id"]]},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    scoped = bearer(r.json()["key"])
    assert_problem(client.get(f"/api/v1/events/{e}/checkins/people", params={"q": "zak"}, headers=scoped), 404)
    assert_problem(client.get(f"/api/v1/events/{e}/checkins/summary", headers=scoped), 404)
    assert client.get(f"/api/v1/events/{other['id']}/checkins/summary", headers=scoped).status_code == 200
