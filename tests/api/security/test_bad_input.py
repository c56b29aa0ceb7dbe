"""Bad input never makes a 500, on SQLite and PostgreSQL alike, and answers leak nothing.

Control characters (PostgreSQL cannot store NUL), strings whose derived forms grow (casefold,
key labels), far dates, strict consent, and answers that must not tell what exists.
"""

import pytest

from tests.api.exports.helpers import key, seed
from tests.api.voting.test_polls import make_poll
from tests.factories import EVENT, assert_problem, bearer, make_event, make_session, person, register


def _field_error(response, *loc):
    """The 422 problem names the field: `errors` has an entry located at `loc`."""
    body = assert_problem(response, 422)
    assert [e for e in body["errors"] if tuple(e["loc"]) == loc], body
    return body


# 1. Control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name", "organization", "partnership", "position"])
@pytest.mark.parametrize("char", ["\u0000", "\u001b", "\u007f", "\n"])
def test_control_character_in_registration_field_is_422(client, admin, field, char):
    event = make_event(client, admin)
    response = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1, **{field: f"Ala{char}Kot"}))
    _field_error(response, "body", field)
    assert client.get(f"/api/v1/events/{event['id']}/registrations", headers=admin).json()["total"] == 0


def test_nul_in_me_update_is_422(client, admin):
    event = make_event(client, admin)
    me = bearer(register(client, event["id"])["token"])
    _field_error(client.patch("/api/v1/me", json={"organization": "Gmina\u0000"}, headers=me), "body", "organization")
    assert client.get("/api/v1/me", headers=me).json()["organization"] == "Gmina 1"


def test_nul_in_organizer_text_fields_is_422(client, admin):
    event = make_event(client, admin)
    eid = event["id"]
    session = {
        "title": "Warsztat\u0000",
        "kind": "workshop",
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T15:00:00+01:00",
    }
    _field_error(client.post(f"/api/v1/events/{eid}/sessions", json=session, headers=admin), "body", "title")
    _field_error(
        client.post(f"/api/v1/events/{eid}/sessions", json={**session, "title": "W", "room": "A\u0000"}, headers=admin),
        "body",
        "room",
    )
    _field_error(
        client.post("/api/v1/events", json={**EVENT, "slug": "inne", "venue": "Serock\u0000"}, headers=admin),
        "body",
        "venue",
    )
    _field_error(client.patch(f"/api/v1/events/{eid}", json={"title": "\u0000"}, headers=admin), "body", "title")
    _field_error(client.post("/api/v1/organizer-keys", json={"name": "Bramka\u0000"}, headers=admin), "body", "name")
    _field_error(
        client.post(f"/api/v1/events/{eid}/polls", json={"title": "Ankieta\u0000", "seats": 1}, headers=admin),
        "body",
        "title",
    )
    poll = make_poll(client, admin, eid)
    _field_error(
        client.post(
            f"/api/v1/polls/{poll['id']}/topics", json={"title": "T", "description": "a\u0000b"}, headers=admin
        ),
        "body",
        "description",
    )
    publish = {
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T15:00:00+01:00",
        "rooms": [{"room": "Sala\u0000", "capacity": 10}],
    }
    _field_error(
        client.post(f"/api/v1/polls/{poll['id']}/publish", json=publish, headers=admin), "body", "rooms", 0, "room"
    )


def test_multi_line_text_keeps_line_breaks_single_line_text_does_not(client, admin):
    event = make_event(client, admin)
    text = "Pierwszy akapit.\r\n\r\n\tDrugi akapit."
    r = client.post(
        f"/api/v1/events/{event['id']}/sessions",
        headers=admin,
        json={
            "title": "Warsztat",
            "description": text,
            "kind": "workshop",
            "starts_at": "2022-11-29T14:00:00+01:00",
            "ends_at": "2022-11-29T15:00:00+01:00",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["description"] == text
    _field_error(
        client.patch(f"/api/v1/sessions/{r.json()['id']}", json={"title": "Dwie\nlinie"}, headers=admin),
        "body",
        "title",
    )
    _field_error(
        client.patch(f"/api/v1/sessions/{r.json()['id']}", json={"description": "a\u0000"}, headers=admin),
        "body",
        "description",
    )


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/events/{eid}/registrations", "q"),
        ("/api/v1/events/{eid}/registrations", "organization"),
        ("/api/v1/events/{eid}/registrations", "partnership"),
        ("/api/v1/events/{eid}/registrations/export", "organization"),
        ("/api/v1/audit-log", "actor"),
    ],
)
def test_nul_in_query_parameter_is_422(client, admin, path, name):
    event = make_event(client, admin)
    register(client, event["id"])
    response = client.get(path.format(eid=event["id"]), params={name: "Gm\u0000ina"}, headers=admin)
    body = _field_error(response, "query", name)
    assert name in body["detail"]


def test_query_parameter_with_tab_is_422_and_plain_text_still_searches(client, admin):
    event = make_event(client, admin)
    register(client, event["id"])
    url = f"/api/v1/events/{event['id']}/registrations"
    _field_error(client.get(url, params={"q": "lucja\t"}, headers=admin), "query", "q")
    assert client.get(url, params={"q": "łucja"}, headers=admin).json()["total"] == 1


# 2. Derived columns that grow -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organization", "spelling"),
    [
        ("ß" * 200, "ẞ" * 200),  # casefold: 400 characters
        ("ΐ" * 200, "ΐ" * 200),  # casefold: 600 characters, the most one character can become
        ("ﬃ" * 200, "ﬃ" * 200),
    ],
)
def test_organization_whose_casefold_is_longer_than_200(client, admin, organization, spelling):
    assert len(organization.casefold()) > 200 and len(spelling) <= 200
    event = make_event(client, admin, max_per_organization=1)
    first = register(client, event["id"], 1, organization=organization)
    assert first["status"] == "confirmed"
    # the same organization in another spelling counts against the same limit
    second = register(client, event["id"], 2, organization=spelling)
    assert second["status"] == "waitlisted"
    listed = client.get(
        f"/api/v1/events/{event['id']}/registrations", params={"organization": organization}, headers=admin
    ).json()
    assert listed["total"] == 2
    stats = client.get(f"/api/v1/events/{event['id']}/registrations/stats", headers=admin).json()
    assert stats["by_organization"][0]["confirmed"] == 1
    me = bearer(register(client, event["id"], 3)["token"])
    other = organization[:199] + "x"  # another organization: its own limit
    changed = client.patch("/api/v1/me", json={"organization": other}, headers=me)
    assert changed.status_code == 200 and changed.json()["organization"] == other


def test_longest_email_whose_lowercase_grows_fits(client, admin):
    """email_normalized is lower(): "İ" lower-cases to two characters, but an address is at most
    254 UTF-8 bytes and no character lower-cases to more characters than its bytes."""
    event = make_event(client, admin)
    email = "İ" * 32 + "@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 50 + ".pl"
    assert len(email.encode()) <= 254 and len(email.lower()) > len(email)
    register(client, event["id"], 1, email=email)


# 3. A key with the longest name -----------------------------------------------------------------


def test_key_with_200_character_name_can_make_keys_and_check_in(client, admin):
    ev, regs = seed(client, admin)
    r = client.post("/api/v1/organizer-keys", json={"name": "N" * 200}, headers=admin)
    assert r.status_code == 201, r.text
    long_key = bearer(r.json()["key"])
    made = client.post("/api/v1/organizer-keys", json={"name": "Bramka B", "role": "checkin"}, headers=long_key)
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == f"key:{r.json()['id']}:{'N' * 200}"
    codes = client.get(f"/api/v1/events/{ev['id']}/checkin-codes", headers=long_key)
    assert codes.status_code == 200, codes.text
    code = codes.json()["items"][0]["code"]
    checked = client.post(f"/api/v1/events/{ev['id']}/checkins", json={"code": code}, headers=long_key)
    assert checked.status_code == 201, checked.text
    assert checked.json()["checked_in_by"] == made.json()["created_by"]
    registration_id = checked.json()["registration_id"]
    undo = client.delete(f"/api/v1/events/{ev['id']}/checkins/{registration_id}", headers=long_key)
    assert undo.status_code == 204, undo.text
    entries = client.get("/api/v1/audit-log", params={"action": "checkin.create"}, headers=admin).json()["items"]
    assert len(entries) == 1 and entries[0]["actor"].startswith(f"key:{r.json()['id']}:NNN")


# 4. Far dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T01:00:00+05:00",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "3000-01-01T00:00:00Z",
        "2999-12-31T23:00:00-05:00",
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00+01:00",
    ],
)
def test_datetime_outside_1900_2999_is_422(client, admin, value):
    event = make_event(client, admin)
    body = {**EVENT, "slug": "daleko", "registration_opens_at": value}
    _field_error(client.post("/api/v1/events", json=body, headers=admin), "body", "registration_opens_at")
    _field_error(
        client.patch(f"/api/v1/events/{event['id']}", json={"registration_closes_at": value}, headers=admin),
        "body",
        "registration_closes_at",
    )
    _field_error(
        client.post(
            f"/api/v1/events/{event['id']}/polls", json={"title": "A", "seats": 1, "closes_at": value}, headers=admin
        ),
        "body",
        "closes_at",
    )


def test_session_ending_at_the_end_of_time_in_a_warsaw_event_is_422(client, admin):
    event = make_event(client, admin)
    body = {
        "title": "Bez końca",
        "kind": "plenary",
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "9999-12-31T23:59:59Z",
    }
    _field_error(client.post(f"/api/v1/events/{event['id']}/sessions", json=body, headers=admin), "body", "ends_at")
    session = make_session(client, admin, event["id"])
    _field_error(
        client.patch(f"/api/v1/sessions/{session['id']}", json={"ends_at": "9999-12-31T23:59:59Z"}, headers=admin),
        "body",
        "ends_at",
    )


def test_datetimes_at_the_edges_of_the_range_are_accepted(client, admin):
    body = {
        **EVENT,
        "registration_opens_at": "1900-01-01T00:00:00Z",
        "registration_closes_at": "2999-12-31T23:59:59+00:00",
    }
    r = client.post("/api/v1/events", json=body, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["registration_closes_at"] == "2999-12-31T23:59:59Z"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("0001-01-01", "0001-01-02", "starts_on"),
        ("9999-12-30", "9999-12-31", "starts_on"),
        ("2999-12-31", "3000-01-01", "ends_on"),
        ("1899-12-31", "1900-01-01", "starts_on"),
    ],
)
def test_event_dates_outside_1900_2999_are_422(client, admin, starts_on, ends_on, field):
    body = {**EVENT, "starts_on": starts_on, "ends_on": ends_on}
    _field_error(client.post("/api/v1/events", json=body, headers=admin), "body", field)
    event = make_event(client, admin)
    _field_error(
        client.patch(f"/api/v1/events/{event['id']}", json={field: "9999-12-31"}, headers=admin), "body", field
    )


def test_event_on_the_last_day_of_the_range_with_a_session(client, admin):
    event = make_event(client, admin, starts_on="2999-12-31", ends_on="2999-12-31")
    make_session(client, admin, event["id"], starts_at="2999-12-31T10:00:00+01:00", ends_at="2999-12-31T22:00:00+01:00")


# 5. A poll of an unpublished event ---------------------------------------------------------------


def test_poll_of_unpublished_event_answers_like_an_unknown_poll(client, admin):
    event = make_event(client, admin, published=False)
    poll = make_poll(client, admin, event["id"])
    unknown_id = poll["id"] + 1000
    hidden = client.get(f"/api/v1/polls/{poll['id']}")
    unknown = client.get(f"/api/v1/polls/{unknown_id}")
    hidden_body, unknown_body = assert_problem(hidden, 404), assert_problem(unknown, 404)
    assert f"Event {event['id']}" not in hidden_body["detail"]
    assert hidden_body["detail"] == unknown_body["detail"].replace(str(unknown_id), str(poll["id"]))
    assert {k: v for k, v in hidden_body.items() if k not in ("detail", "instance")} == {
        k: v for k, v in unknown_body.items() if k not in ("detail", "instance")
    }
    assert client.get(f"/api/v1/polls/{poll['id']}", headers=admin).status_code == 200  # organizers see it


# 6. Undoing a check-in tells a door key nothing ------------------------------------------------


def test_undo_answers_the_same_whether_or_not_the_registration_exists(client, admin):
    ev, regs = seed(client, admin)
    other_ev, other_regs = seed(client, admin, slug="inne-wydarzenie")
    door = key(client, admin, "checkin")
    codes = client.get(f"/api/v1/events/{other_ev['id']}/checkin-codes", headers=admin).json()["items"]
    checked = client.post(f"/api/v1/events/{other_ev['id']}/checkins", json={"code": codes[0]["code"]}, headers=door)
    assert checked.status_code == 201
    victim = checked.json()["registration_id"]
    session = make_session(client, admin, other_ev["id"])
    answers = []
    for registration_id, params in [
        (2_000_000_000, {}),  # does not exist
        (regs[0]["id"], {}),  # exists in this event, not checked in
        (victim, {}),  # checked in, but in another event
        (victim, {"session_id": session["id"]}),  # a session of another event
        (regs[0]["id"], {"session_id": 2_000_000_000}),  # an unknown session
    ]:
        r = client.delete(f"/api/v1/events/{ev['id']}/checkins/{registration_id}", params=params, headers=door)
        answers.append((r.status_code, r.content, r.headers.get("content-type")))
    assert answers == [(204, b"", None)] * len(answers)
    # the other event's check-in is untouched
    again = client.post(f"/api/v1/events/{other_ev['id']}/checkins", json={"code": codes[0]["code"]}, headers=door)
    assert again.status_code == 200 and again.json()["already_checked_in"] is True
    # and undo in its own event still works
    assert client.delete(f"/api/v1/events/{other_ev['id']}/checkins/{victim}", headers=door).status_code == 204
    assert (
        client.post(
            f"/api/v1/events/{other_ev['id']}/checkins", json={"code": codes[0]["code"]}, headers=door
        ).status_code
        == 201
    )


def test_check_in_with_a_code_of_another_event_answers_like_an_unknown_code(client, admin):
    ev, _ = seed(client, admin)
    other_ev, _ = seed(client, admin, slug="inne-wydarzenie")
    door = key(client, admin, "checkin")
    code = client.get(f"/api/v1/events/{other_ev['id']}/checkin-codes", headers=admin).json()["items"][0]["code"]
    foreign = client.post(f"/api/v1/events/{ev['id']}/checkins", json={"code": code}, headers=door)
    registration_id = code.split("-")[0]
    forged = client.post(
        f"/api/v1/events/{ev['id']}/checkins", json={"code": f"{registration_id}-{'A' * 16}"}, headers=door
    )
    unknown = client.post(f"/api/v1/events/{ev['id']}/checkins", json={"code": f"2000000000-{'A' * 16}"}, headers=door)
    bodies = [assert_problem(r, 404) for r in (foreign, forged, unknown)]
    assert bodies[0] == bodies[1] == bodies[2]


# 7. Consent is the JSON literal true -----------------------------------------------------------


@pytest.mark.parametrize("consent", ["true", 1, "1", "yes", 1.0, False, 0, None])
def test_consent_must_be_json_true(client, admin, consent):
    event = make_event(client, admin)
    response = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1, consent=consent))
    _field_error(response, "body", "consent")
    assert client.get(f"/api/v1/events/{event['id']}/registrations", headers=admin).json()["total"] == 0
    register(client, event["id"], 1, consent=True)
