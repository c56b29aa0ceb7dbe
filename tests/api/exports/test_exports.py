"""Attendee exports: CSV and XLSX round trips, Polish order and letters, filters, columns, auth."""

import io
from datetime import datetime

import openpyxl

from tests.api.exports.helpers import POLISH_ORDER, key, parse_csv, seed
from tests.factories import assert_problem, bearer, make_session, register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(client, admin, event_id, **params):
    r = client.get(f"/api/v1/events/{event_id}/registrations/export", params=params, headers=admin)
    assert r.status_code == 200, r.text
    return r


def test_csv_round_trip_polish_letters_and_order(client, admin):
    ev, regs = seed(client, admin)
    r = export(client, admin, ev["id"])
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"{ev['slug']}-registrations-" in disposition
    assert disposition.endswith('.csv"')
    assert r.headers["cache-control"] == "no-store"
    rows = parse_csv(r.content)
    assert [row["last_name"] for row in rows] == POLISH_ORDER
    assert rows[0].keys() >= {
        "last_name",
        "first_name",
        "email",
        "organization",
        "category",
        "consent_at",
        "consent_version",
        "attended",
        "checked_in_at",
    }
    zak = rows[-1]
    assert (zak["first_name"], zak["organization"], zak["category"]) == ("Łucja", "Gmina Łódź", "local_government")
    assert zak["consent_version"] == "2022-11-v1"
    datetime.strptime(zak["consent_at"], "%Y-%m-%d %H:%M:%S")
    assert zak["attended"] == "no" and zak["checked_in_at"] == ""
    # no secret of any kind in the file
    text = r.content.decode("utf-8-sig")
    for reg in regs:
        assert reg["token"] not in text and reg["token"].removeprefix("reg_") not in text
    assert "token" not in text and "digest" not in text


def test_csv_semicolon_delimiter(client, admin):
    ev, _ = seed(client, admin)
    r = export(client, admin, ev["id"], delimiter="semicolon", columns="last_name,first_name,organization")
    first_line = r.content.decode("utf-8-sig").split("\r\n")[0]
    assert first_line == "last_name;first_name;organization"
    assert not r.content.decode("utf-8-sig").startswith("sep=")
    rows = parse_csv(r.content, delimiter=";")
    assert rows[2] == {"last_name": "Łęcki", "first_name": "Ignacy", "organization": "Gmina Łódź"}


def test_xlsx_round_trip(client, admin):
    ev, _ = seed(client, admin)
    r = export(client, admin, ev["id"], format="xlsx")
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["last_name", "first_name"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["A"].width > 10
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == POLISH_ORDER
    consent = rows[0][header.index("consent_at")]
    assert isinstance(consent, datetime) and consent.tzinfo is None
    assert rows[-1][1] == "Łucja"
    assert rows[0][header.index("attended")] is False


def test_dates_in_the_event_time_zone(client, admin):
    ev, regs = seed(client, admin, timezone="Asia/Tokyo")
    utc = client.get(f"/api/v1/registrations/{regs[0]['id']}", headers=admin).json()["consent_at"]
    expected = (
        datetime.fromisoformat(utc.replace("Z", "+00:00"))
        .astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
        .replace(tzinfo=None, microsecond=0)
    )
    rows = parse_csv(export(client, admin, ev["id"], columns="last_name,consent_at").content)
    got = next(r for r in rows if r["last_name"] == "Żak")
    assert datetime.strptime(got["consent_at"], "%Y-%m-%d %H:%M:%S") == expected


def test_filters(client, admin):
    ev, regs = seed(client, admin, capacity=9)
    extra = register(client, ev["id"], 50, last_name="Ćwik", category="ministry", partnership="Partnerstwo Wisły")
    assert extra["status"] == "waitlisted"
    url = f"/api/v1/events/{ev['id']}/registrations/export"

    def names(**params):
        return [r["last_name"] for r in parse_csv(client.get(url, params=params, headers=admin).content)]

    assert "Ćwik" not in names()  # default: confirmed
    assert names(status="waitlisted") == ["Ćwik"]
    assert len(names(status=["confirmed", "waitlisted"])) == 10
    assert names(category="ministry", status="waitlisted") == ["Ćwik"]
    assert names(category="ministry") == []
    assert names(organization="  gmina ŁÓDŹ ") == ["Lewandowski", "Lis", "Łęcki", "Źrebiec", "Żak"]
    assert names(partnership="partnerstwo wisły", status="waitlisted") == ["Ćwik"]
    assert_problem(client.get(url, params={"status": "maybe"}, headers=admin), 422)
    assert_problem(client.get(url, params={"format": "pdf"}, headers=admin), 422)


def test_columns_choice_and_unknown_column(client, admin):
    ev, _ = seed(client, admin)
    url = f"/api/v1/events/{ev['id']}/registrations/export"
    rows = parse_csv(client.get(url, params={"columns": "email, last_name"}, headers=admin).content)
    assert list(rows[0]) == ["email", "last_name"]
    for bad in ("last_name,token", "token_digest", "email,email"):
        body = assert_problem(client.get(url, params={"columns": bad}, headers=admin), 422)
        assert body["errors"][0]["loc"] == ["query", "columns"]


def test_session_attendees_export(client, admin):
    ev, regs = seed(client, admin)
    session = make_session(client, admin, ev["id"], capacity=3)
    for reg in regs[:5]:  # Żak, Łukasz, Lis enrolled; Zając, Lewandowski waitlisted
        assert (
            client.post(
                "/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(reg["token"])
            ).status_code
            == 201
        )
    url = f"/api/v1/sessions/{session['id']}/attendees/export"
    r = client.get(url, headers=admin)
    assert r.status_code == 200 and f"session-{session['id']}-attendees" in r.headers["content-disposition"]
    rows = parse_csv(r.content)
    assert [(x["last_name"], x["enrollment_status"]) for x in rows] == [
        ("Lis", "enrolled"),
        ("Łukasz", "enrolled"),
        ("Żak", "enrolled"),
    ]
    waiting = parse_csv(client.get(url, params={"status": "waitlisted"}, headers=admin).content)
    assert [x["last_name"] for x in waiting] == ["Lewandowski", "Zając"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, params={"format": "xlsx"}, headers=admin).content))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["Lis", "Łukasz", "Żak"]
    assert_problem(client.get("/api/v1/sessions/99999/attendees/export", headers=admin), 404)
    assert_problem(client.get("/api/v1/events/99999/registrations/export", headers=admin), 404)


def test_exports_need_an_organizer_key(client, admin):
    ev, regs = seed(client, admin)
    session = make_session(client, admin, ev["id"])
    door = key(client, admin, "checkin")
    urls = [
        f"/api/v1/events/{ev['id']}/registrations/export",
        f"/api/v1/sessions/{session['id']}/attendees/export",
        f"/api/v1/events/{ev['id']}/partnerships",
        f"/api/v1/events/{ev['id']}/partnerships/export",
        f"/api/v1/events/{ev['id']}/sessions/export",
        f"/api/v1/sessions/{session['id']}/sign-in-sheet",
        f"/api/v1/events/{ev['id']}/badges",
        f"/api/v1/events/{ev['id']}/checkin-codes",
        "/api/v1/audit-log",
    ]
    for url in urls:
        assert_problem(client.get(url), 401)
        assert_problem(client.get(url, headers=bearer(regs[0]["token"])), 401)
        assert_problem(client.get(url, headers=door), 403)
        assert client.get(url, headers=admin).status_code == 200, url


def test_name_change_moves_the_person(client, admin):
    ev, regs = seed(client, admin)
    r = client.patch("/api/v1/me", json={"last_name": "Ąbel"}, headers=bearer(regs[0]["token"]))  # Żak -> Ąbel
    assert r.status_code == 200, r.text
    rows = parse_csv(export(client, admin, ev["id"], columns="last_name").content)
    assert [x["last_name"] for x in rows][:2] == ["Ąbel", "Lewandowski"]


def test_streams_in_pages(app, client, admin):
    """More rows than one keyset page: order and completeness hold across page boundaries."""
    from app.exports.query import ExportSpec, stream_rows

    ev, _ = seed(client, admin)
    for i in range(10, 16):
        register(client, ev["id"], i, last_name="Lis", first_name=f"Ada{i}", email=f"lis{i}@example.pl")
    spec = ExportSpec(event_id=ev["id"])
    rows = list(stream_rows(app.state.engine, spec, page_size=4))
    assert len(rows) == 15 and len({r.id for r in rows}) == 15
    assert [r.sort_key for r in rows] == sorted(r.sort_key for r in rows)
