"""Calendar text is escaped as RFC 5545 says, in every property: read back by the `icalendar`
parser with each property's value type, and checked line by line in the raw file."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from icalendar.caselessdict import CaselessDict
from icalendar.prop.factory import TypesFactory

from tests.factories import bearer, make_event, make_session, register

TITLE = 'Seminarium, "Partnerstwa"; Łódź\\Kraków'
ROOM = "Sala A; piętro 2, lewe skrzydło"
DESCRIPTION = "Opis: a, b; c\\d\nDruga linia"


class _TypedFactory(TypesFactory):
    """The library parses NAME and other calendar apps' X- properties as raw text: read them
    with their value types (RFC 7986 NAME is TEXT; X-PUBLISHED-TTL is a DURATION)."""

    types_map = CaselessDict(
        {
            **TypesFactory.types_map,
            "name": "text",
            "x-wr-calname": "text",
            "x-wr-timezone": "text",
            "x-published-ttl": "duration",
        }
    )


class TypedCalendar(Calendar):
    types_factory = _TypedFactory()


# A text value: any character but the four RFC 5545 escapes, each escaped (3.3.11).
_TEXT_VALUE = re.compile(r"(?:[^\\,;]|\\[\\;,nN])*")


def _unfolded(raw: bytes) -> list[str]:
    return raw.decode("utf-8").replace("\r\n ", "").split("\r\n")


def _check_raw(raw: bytes, *names: str) -> None:
    """Every line of the text properties `names` holds a well-escaped value; nothing else differs."""
    seen = set()
    for line in _unfolded(raw):
        name, _, value = line.partition(":")
        name = name.split(";")[0]
        if name in names:
            seen.add(name)
            assert _TEXT_VALUE.fullmatch(value), line
    assert seen == set(names)


def _check(raw: bytes, *, name: str) -> Calendar:
    _check_raw(raw, "NAME", "X-WR-CALNAME", "SUMMARY", "LOCATION")
    lines = _unfolded(raw)
    assert "X-PUBLISHED-TTL:PT1H" in lines and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    cal = TypedCalendar.from_ical(raw)
    assert cal["NAME"] == name and cal["X-WR-CALNAME"] == name
    assert cal["X-PUBLISHED-TTL"].td == timedelta(hours=1) and cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert cal["X-WR-TIMEZONE"] == "Europe/Warsaw"
    return cal


@pytest.mark.parametrize("with_session", [True, False])
def test_programme_escapes_every_text(client, admin, with_session):
    event = make_event(client, admin, title=TITLE, venue="Hotel; Serock, Polska")
    if with_session:
        make_session(client, admin, event["id"], title=TITLE, room=ROOM, description=DESCRIPTION)
    response = client.get(f"/api/v1/events/{event['id']}/programme.ics")
    assert response.status_code == 200, response.text
    cal = _check(response.content, name=TITLE)
    [item] = cal.events
    assert str(item["SUMMARY"]) == TITLE
    if with_session:
        assert str(item["LOCATION"]) == f"{ROOM}, Hotel; Serock, Polska"
        assert str(item["DESCRIPTION"]) == DESCRIPTION
    else:
        assert str(item["LOCATION"]) == "Hotel; Serock, Polska"


def test_personal_feed_escapes_every_text(client, admin):
    event = make_event(client, admin, title=TITLE)
    session = make_session(client, admin, event["id"], title=TITLE, room=ROOM)
    person = register(client, event["id"], 1)
    assert (
        client.post(
            "/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(person["token"])
        ).status_code
        == 201
    )
    url = client.post("/api/v1/me/calendar", headers=bearer(person["token"])).json()["url"]
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, response.text
    cal = _check(response.content, name=f"{TITLE} – mój program")
    [item] = cal.events
    assert str(item["SUMMARY"]) == TITLE and str(item["LOCATION"]) == f"{ROOM}, Hotel Narvil, Serock"
