"""A person's own calendar feed: a separate, revocable, read-only URL."""

import logging
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from tests.factories import assert_problem, bearer, make_event, make_session, register

WARSAW = "Europe/Warsaw"


def _uid(client, kind: str, row: dict) -> str:
    """Stable UIDs, in the domain of the app's public base URL."""
    return f"{kind}-{row['id']}@{urlsplit(client.app.state.settings.public_base_url).hostname}"


def _new_feed(client, token: str) -> str:
    response = client.post("/api/v1/me/calendar", headers=bearer(token))
    assert response.status_code == 201, response.text
    url = response.json()["url"]
    base = client.app.state.settings.public_base_url
    assert url.startswith(f"{base}/api/v1/calendar/cal_") and url.endswith(".ics")
    return urlsplit(url).path  # the test client speaks to the app directly


def _read(client, path: str) -> Calendar:
    response = client.get(path)  # no Authorization header: calendar apps cannot send one
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=300"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    assert "cal_" not in response.headers["content-disposition"]
    return Calendar.from_ical(response.content)


def _enroll(client, token: str, session_id: int) -> str:
    response = client.post("/api/v1/me/enrollments", json={"session_id": session_id}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()["status"]


def test_create_read_rotate_revoke(client, admin):
    event = make_event(client, admin)
    workshop = make_session(client, admin, event["id"], title="Gospodarka wodna – żółte łąki")
    person = register(client, event["id"], 1)
    assert _enroll(client, person["token"], workshop["id"]) == "enrolled"

    first = _new_feed(client, person["token"])
    cal = _read(client, first)
    [item] = cal.events
    assert str(item["SUMMARY"]) == "Gospodarka wodna – żółte łąki"
    assert str(item["STATUS"]) == "CONFIRMED"
    assert str(item["UID"]) == _uid(client, "session", workshop)
    assert item["DTSTART"].params["TZID"] == WARSAW
    assert (str(item.start.tzinfo), item.start.strftime("%H:%M")) == (WARSAW, "14:00")
    assert [tz.tz_name for tz in cal.timezones] == [WARSAW]
    assert "mój program" in str(cal["X-WR-CALNAME"])

    # a new URL replaces the old one, which stops working at once
    second = _new_feed(client, person["token"])
    assert second != first
    assert_problem(client.get(first), 404)
    assert len(_read(client, second).events) == 1

    # revoked: 404; revoking again is harmless; a new one can be made afterwards
    assert client.delete("/api/v1/me/calendar", headers=bearer(person["token"])).status_code == 204
    assert_problem(client.get(second), 404)
    assert client.delete("/api/v1/me/calendar", headers=bearer(person["token"])).status_code == 204
    third = _new_feed(client, person["token"])
    assert len(_read(client, third).events) == 1

    # only the registration token manages the feed; the feed secret is no registration token
    assert_problem(client.post("/api/v1/me/calendar"), 401)
    assert_problem(client.delete("/api/v1/me/calendar"), 401)
    secret = third.removeprefix("/api/v1/calendar/").removesuffix(".ics")
    assert_problem(client.get("/api/v1/me", headers=bearer(secret)), 401)


def test_feed_shows_only_own_places_and_waiting_list_is_tentative(client, admin):
    event = make_event(client, admin)
    full = make_session(client, admin, event["id"], title="Mała sala", capacity=1)
    later = make_session(
        client,
        admin,
        event["id"],
        title="Późne warsztaty",
        room=None,
        starts_at="2022-11-30T10:00:00+01:00",
        ends_at="2022-11-30T11:00:00+01:00",
    )
    other_only = make_session(
        client,
        admin,
        event["id"],
        title="Tylko dla innych",
        starts_at="2022-11-30T12:00:00+01:00",
        ends_at="2022-11-30T13:00:00+01:00",
    )
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    assert _enroll(client, a["token"], full["id"]) == "enrolled"
    assert _enroll(client, a["token"], other_only["id"]) == "enrolled"
    assert _enroll(client, b["token"], full["id"]) == "waitlisted"
    assert _enroll(client, b["token"], later["id"]) == "enrolled"

    feed_a, feed_b = _new_feed(client, a["token"]), _new_feed(client, b["token"])
    items = {str(e["UID"]): e for e in _read(client, feed_b).events}
    assert set(items) == {_uid(client, "session", full), _uid(client, "session", later)}
    waiting, seated = items[_uid(client, "session", full)], items[_uid(client, "session", later)]
    assert str(waiting["STATUS"]) == "TENTATIVE"
    assert str(waiting["SUMMARY"]) == "Mała sala (lista rezerwowa)"
    assert str(seated["STATUS"]) == "CONFIRMED" and str(seated["SUMMARY"]) == "Późne warsztaty"
    assert str(seated["LOCATION"]) == "Hotel Narvil, Serock"
    assert {str(e["SUMMARY"]) for e in _read(client, feed_a).events} == {"Mała sala", "Tylko dla innych"}

    # a leaves the full session: b moves up, and b's feed says so
    assert client.delete(f"/api/v1/me/enrollments/{full['id']}", headers=bearer(a["token"])).status_code == 204
    items = {str(e["UID"]): e for e in _read(client, feed_b).events}
    assert str(items[_uid(client, "session", full)]["STATUS"]) == "CONFIRMED"
    assert str(items[_uid(client, "session", full)]["SUMMARY"]) == "Mała sala"


def test_feed_without_places_shows_the_event(client, admin):
    event = make_event(client, admin, capacity=1)
    make_session(client, admin, event["id"])
    confirmed, waiting = register(client, event["id"], 1), register(client, event["id"], 2)
    assert waiting["status"] == "waitlisted"
    [item] = _read(client, _new_feed(client, confirmed["token"])).events
    assert str(item["SUMMARY"]) == event["title"] and str(item["STATUS"]) == "CONFIRMED"
    [item] = _read(client, _new_feed(client, waiting["token"])).events
    assert str(item["SUMMARY"]) == f"{event['title']} (lista rezerwowa)" and str(item["STATUS"]) == "TENTATIVE"


@pytest.mark.parametrize("erase", [False, True])
def test_cancelled_or_erased_registration_has_no_feed(client, admin, erase):
    event = make_event(client, admin)
    person = register(client, event["id"], 1)
    feed = _new_feed(client, person["token"])
    response = client.delete("/api/v1/me", params={"erase": str(erase).lower()}, headers=bearer(person["token"]))
    assert response.status_code == 200, response.text
    assert_problem(client.get(feed), 404)
    if not erase:  # the token still works after a plain cancellation, but no new feed is made
        assert_problem(client.post("/api/v1/me/calendar", headers=bearer(person["token"])), 409)


@pytest.mark.parametrize(
    "feed",
    [
        "nope",
        "cal_",
        "cal_unknown",
        "reg_abcdef",
        "cal_" + "x" * 5000,
        "cal_%C5%BC%C3%B3%C5%82w",
        "cal_%00",
        "cal_a%20b",
        "..",
        "cal_abc.ics",
    ],
)
def test_bad_feed_strings_are_404(client, admin, feed):
    event = make_event(client, admin)
    person = register(client, event["id"], 1)
    _new_feed(client, person["token"])
    assert_problem(client.get(f"/api/v1/calendar/{feed}.ics"), 404)


def test_registration_token_is_not_a_feed(client, admin):
    event = make_event(client, admin)
    person = register(client, event["id"], 1)
    _new_feed(client, person["token"])
    assert_problem(client.get(f"/api/v1/calendar/{person['token']}.ics"), 404)


def test_feed_secret_is_not_logged(client, admin, caplog):
    event = make_event(client, admin)
    person = register(client, event["id"], 1)
    feed = _new_feed(client, person["token"])
    secret = feed.removeprefix("/api/v1/calendar/").removesuffix(".ics")
    with caplog.at_level(logging.DEBUG):
        _read(client, feed)
        client.get(f"/api/v1/calendar/{secret}x.ics")
    app_records = [r for r in caplog.records if r.name.startswith("app")]
    assert app_records  # the access lines were written ...
    for record in app_records:  # ... by route template, without the secret
        assert secret not in record.getMessage() and secret not in str(vars(record))


def test_pending_is_tentative_and_rejected_has_no_feed(client, admin):
    event = make_event(client, admin, capacity=1, requires_approval=True)
    pending, later = register(client, event["id"], 1), register(client, event["id"], 2)
    assert pending["status"] == "pending"
    feed = _new_feed(client, pending["token"])
    [item] = _read(client, feed).events
    assert str(item["STATUS"]) == "TENTATIVE"
    assert str(item["SUMMARY"]) == f"{event['title']} (czeka na zatwierdzenie)"

    assert client.post(f"/api/v1/registrations/{pending['id']}/reject", headers=admin).status_code == 200
    assert_problem(client.get(feed), 404)
    assert_problem(client.post("/api/v1/me/calendar", headers=bearer(pending["token"])), 409)
    me = client.get("/api/v1/me", headers=bearer(pending["token"]))  # the page still reads, the feed does not
    assert me.status_code == 200 and me.json()["status"] == "rejected"

    # approved onto the waiting list (the seat went to the other): tentative; seated: confirmed
    other = _new_feed(client, later["token"])
    assert client.post(f"/api/v1/registrations/{later['id']}/approve", headers=admin).status_code == 200
    [item] = _read(client, other).events
    assert str(item["STATUS"]) == "CONFIRMED" and str(item["SUMMARY"]) == event["title"]


def test_approved_onto_the_waiting_list_is_tentative(client, admin):
    event = make_event(client, admin, capacity=1, requires_approval=True)
    first, second = register(client, event["id"], 1), register(client, event["id"], 2)
    feed = _new_feed(client, second["token"])
    for person in (first, second):
        assert client.post(f"/api/v1/registrations/{person['id']}/approve", headers=admin).status_code == 200
    [item] = _read(client, feed).events
    assert str(item["STATUS"]) == "TENTATIVE"
    assert str(item["SUMMARY"]) == f"{event['title']} (lista rezerwowa)"


def test_feed_of_a_person_erased_by_an_organizer_is_gone(client, admin):
    event = make_event(client, admin)
    person = register(client, event["id"], 1)
    feed = _new_feed(client, person["token"])
    assert client.post(f"/api/v1/registrations/{person['id']}/erase", headers=admin).status_code == 200
    assert_problem(client.get(feed), 404)
    assert_problem(client.post("/api/v1/me/calendar", headers=bearer(person["token"])), 401)
