"""The public programme of an event as iCalendar."""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar

from tests.factories import assert_problem, make_event, make_session

WARSAW = "Europe/Warsaw"


def _uid(client, kind: str, row: dict) -> str:
    """Stable UIDs, in the domain of the app's public base URL."""
    return f"{kind}-{row['id']}@{urlsplit(client.app.state.settings.public_base_url).hostname}"


def _ics(response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _local(value: datetime) -> tuple[str, str]:
    return str(value.tzinfo), value.strftime("%Y-%m-%d %H:%M")


def test_programme_sessions_in_event_time_zone(client, admin):
    event = make_event(client, admin, title="Seminarium – Żółć gęślą jaźń")
    first = make_session(client, admin, event["id"])  # 14:00-15:30 Warsaw (+01:00 in November)
    second = make_session(
        client,
        admin,
        event["id"],
        title="Świętokrzyskie łąki",
        kind="plenary",
        room=None,
        description="Opis: zażółć gęślą jaźń",
        capacity=None,
        starts_at="2022-11-30T08:00:00Z",
        ends_at="2022-11-30T09:00:00Z",
    )
    response = client.get(f"/api/v1/events/{event['id']}/programme.ics")
    cal = _ics(response)
    assert response.headers["content-disposition"] == 'inline; filename="seminarium-serock-2022-programme.ics"'
    assert str(cal["X-WR-CALNAME"]) == "Seminarium – Żółć gęślą jaźń"
    assert str(cal["PRODID"]) and str(cal["VERSION"]) == "2.0"
    assert [tz.tz_name for tz in cal.timezones] == [WARSAW]
    # the zone is usable on its own: its offsets in winter and summer
    assert {c["TZOFFSETTO"].td for c in cal.timezones[0].subcomponents} == {timedelta(hours=1), timedelta(hours=2)}

    items = {str(e["UID"]): e for e in cal.events}
    assert set(items) == {_uid(client, "session", first), _uid(client, "session", second)}
    a, b = items[_uid(client, "session", first)], items[_uid(client, "session", second)]
    assert str(a["SUMMARY"]) == "Transformacja energetyczna"
    assert str(a["LOCATION"]) == "Sala A, Hotel Narvil, Serock"
    assert "DESCRIPTION" not in a
    assert a["DTSTART"].params["TZID"] == WARSAW and a["DTEND"].params["TZID"] == WARSAW
    assert _local(a.start) == (WARSAW, "2022-11-29 14:00") and _local(a.end) == (WARSAW, "2022-11-29 15:30")
    assert str(b["SUMMARY"]) == "Świętokrzyskie łąki"
    assert str(b["LOCATION"]) == "Hotel Narvil, Serock"
    assert str(b["DESCRIPTION"]) == "Opis: zażółć gęślą jaźń"
    assert _local(b.start) == (WARSAW, "2022-11-30 09:00")  # 08:00 UTC
    # the raw text carries the local time with its TZID, the Polish letters as UTF-8
    text = response.content.decode("utf-8")
    assert "DTSTART;TZID=Europe/Warsaw:20221129T140000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Warsaw" in text
    # UIDs are stable between downloads (calendar apps update instead of duplicating)
    again = _ics(client.get(f"/api/v1/events/{event['id']}/programme.ics"))
    assert {str(e["UID"]) for e in again.events} == set(items)


def test_summer_time_and_another_zone(client, admin):
    summer = make_event(client, admin, slug="lato", starts_on="2023-06-15", ends_on="2023-06-15")
    make_session(client, admin, summer["id"], starts_at="2023-06-15T12:00:00Z", ends_at="2023-06-15T13:00:00Z")
    cal = _ics(client.get(f"/api/v1/events/{summer['id']}/programme.ics"))
    assert _local(cal.events[0].start) == (WARSAW, "2023-06-15 14:00")  # CEST, +02:00
    assert cal.events[0].start.utcoffset() == timedelta(hours=2)

    lisbon = make_event(client, admin, slug="lizbona", timezone="Europe/Lisbon")
    make_session(client, admin, lisbon["id"])  # 14:00 Warsaw = 13:00 Lisbon
    cal = _ics(client.get(f"/api/v1/events/{lisbon['id']}/programme.ics"))
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Lisbon"]
    assert _local(cal.events[0].start) == ("Europe/Lisbon", "2022-11-29 13:00")


def test_event_without_sessions_is_an_all_day_entry(client, admin):
    event = make_event(client, admin)
    cal = _ics(client.get(f"/api/v1/events/{event['id']}/programme.ics"))
    [item] = cal.events
    assert str(item["SUMMARY"]) == event["title"]
    assert str(item["LOCATION"]) == "Hotel Narvil, Serock"
    assert item.start == date(2022, 11, 29) and item.end == date(2022, 12, 1)  # DTEND is exclusive
    assert str(item["UID"]) == _uid(client, "event", event)


def test_unpublished_and_unknown_events_are_404(client, admin):
    hidden = make_event(client, admin, published=False)
    make_session(client, admin, hidden["id"])
    assert_problem(client.get(f"/api/v1/events/{hidden['id']}/programme.ics"), 404)
    assert_problem(client.get(f"/api/v1/events/{hidden['id']}/programme.ics", headers=admin), 404)
    assert_problem(client.get("/api/v1/events/999999/programme.ics"), 404)
    assert client.get("/api/v1/events/abc/programme.ics").status_code in (404, 422)
    client.patch(f"/api/v1/events/{hidden['id']}", json={"published": True}, headers=admin)
    assert len(_ics(client.get(f"/api/v1/events/{hidden['id']}/programme.ics")).events) == 1
