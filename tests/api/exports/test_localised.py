"""Attendee exports for people (`lang=pl|en`): Polish Excel's CSV (`delimiter=semicolon&lang=pl`)
with headers and coded values in the page's language, file names in that language, the filters of
the registrations list (`q` too), and the columns for waiting-list positions and workshops."""

import csv
import io
import re
from datetime import date, datetime
from typing import Any

import openpyxl

from tests.api.exports.helpers import PEOPLE
from tests.api.forms.helpers import GUESTS, add_question
from tests.factories import assert_problem, make_event, make_session, register

COLUMNS = "id,last_name,first_name,category,status,registered_at,waitlist_position,workshops,attended"
POLISH_HEADER = (
    "Nr zgłoszenia;Nazwisko;Imię;Kategoria;Status;Data rejestracji;Miejsce na liście rezerwowej;Warsztaty;Obecność"
)
ALL = ["confirmed", "waitlisted", "cancelled", "pending", "rejected"]
SLUG = "seminarium-lokalne"


def seminar(client, admin) -> dict[str, Any]:
    """Nine people for four seats (five waiting), every third from a ministry, two organizations;
    one confirmed person cancels (the first waiting moves up), one is placed in a workshop."""
    ev = make_event(client, admin, slug=SLUG, capacity=4)
    regs = [
        register(
            client,
            ev["id"],
            i,
            last_name=last,
            first_name=first,
            email=f"osoba{i}@example.pl",
            organization=f"Gmina {'Łódź' if i % 2 else 'Śrem'}",
            category="ministry" if i % 3 == 0 else "local_government",
        )
        for i, (last, first) in enumerate(PEOPLE, start=1)
    ]
    assert [r["status"] for r in regs] == ["confirmed"] * 4 + ["waitlisted"] * 5
    r = client.patch(f"/api/v1/registrations/{regs[1]['id']}", json={"status": "cancelled"}, headers=admin)
    assert r.status_code == 200, r.text
    workshop = make_session(client, admin, ev["id"], title="Transformacja energetyczna")
    r = client.post(
        f"/api/v1/sessions/{workshop['id']}/enrollments", json={"registration_id": regs[0]["id"]}, headers=admin
    )
    assert r.status_code == 201, r.text
    listed = client.get(f"/api/v1/events/{ev['id']}/registrations", params={"limit": 100}, headers=admin).json()
    return {"event": ev, "regs": regs, "workshop": workshop, "by_id": {r["id"]: r for r in listed["items"]}}


def export(client, admin, event_id, **params) -> Any:
    r = client.get(f"/api/v1/events/{event_id}/registrations/export", params=params, headers=admin)
    assert r.status_code == 200, r.text
    return r


def semicolon_rows(body: bytes) -> tuple[str, list[dict[str, str]]]:
    assert body.startswith(b"\xef\xbb\xbf"), body[:10]  # the BOM: Excel reads UTF-8
    text = body.decode("utf-8")[1:]
    return text.split("\r\n")[0], list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_polish_excel_csv_headers_values_and_file_name(client, admin):
    s = seminar(client, admin)
    r = export(
        client, admin, s["event"]["id"], format="csv", delimiter="semicolon", lang="pl", columns=COLUMNS, status=ALL
    )
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    name = re.search(r'filename="([^"]+)"', r.headers["content-disposition"]).group(1)
    assert name == f"uczestnicy-{SLUG}-{date.today().isoformat()}.csv"
    header, rows = semicolon_rows(r.content)
    assert header == POLISH_HEADER
    assert "Łucja" in r.content.decode("utf-8") and "Ż" in r.content.decode("utf-8")
    assert [row["Nazwisko"] for row in rows][:3] == ["Lewandowski", "Lis", "Łęcki"]  # Polish order
    assert len(rows) == len(PEOPLE)
    words = {"confirmed": "potwierdzone", "waitlisted": "lista rezerwowa", "cancelled": "anulowane"}
    categories = {"local_government": "samorząd", "ministry": "ministerstwo"}
    for row in rows:
        reg = s["by_id"][int(row["Nr zgłoszenia"])]
        assert row["Nazwisko"] == reg["last_name"] and row["Imię"] == reg["first_name"]
        assert row["Status"] == words[reg["status"]]
        assert row["Kategoria"] == categories[reg["category"]]
        assert row["Obecność"] == "nie"
        expected = "" if reg["waitlist_position"] is None else str(reg["waitlist_position"])
        assert row["Miejsce na liście rezerwowej"] == expected
        datetime.strptime(row["Data rejestracji"], "%Y-%m-%d %H:%M:%S")
    placed = next(row for row in rows if int(row["Nr zgłoszenia"]) == s["regs"][0]["id"])
    assert placed["Warsztaty"] == "29.11 14:00 Transformacja energetyczna"  # the event's time zone
    assert [row["Warsztaty"] for row in rows].count("") == len(PEOPLE) - 1
    positions = sorted(int(row["Miejsce na liście rezerwowej"]) for row in rows if row["Status"] == "lista rezerwowa")
    assert positions == [1, 2, 3, 4]  # five waited, the first moved up into the cancelled seat


def test_the_filters_of_the_list_apply(client, admin):
    s = seminar(client, admin)
    ev = s["event"]["id"]
    cases: list[dict[str, Any]] = [
        {"status": "waitlisted"},
        {"status": "confirmed", "category": "ministry"},
        {"organization": "gmina  ŚREM"},
        {"q": "zak"},  # folded: finds Żak
        {"q": "lodz", "category": "local_government"},  # the organization's words count
    ]
    for filters in cases:
        listed = client.get(
            f"/api/v1/events/{ev}/registrations", params={**filters, "limit": 100}, headers=admin
        ).json()["items"]
        params = {**filters} if "status" in filters else {**filters, "status": ALL}
        _, rows = semicolon_rows(
            export(client, admin, ev, delimiter="semicolon", lang="pl", columns="id,status", **params).content
        )
        assert sorted(int(row["Nr zgłoszenia"]) for row in rows) == sorted(r["id"] for r in listed), filters
        assert rows, filters  # every case matches somebody
    _, rows = semicolon_rows(export(client, admin, ev, delimiter="semicolon", lang="pl", q="zak").content)
    assert [row["Nazwisko"] for row in rows] == ["Żak"]
    audit = client.get(
        "/api/v1/audit-log", params={"action": "export.registrations", "limit": 1}, headers=admin
    ).json()["items"][0]
    assert audit["details"]["filters"]["q"] == "zak" and audit["details"]["lang"] == "pl"


def test_without_lang_the_codes_stay(client, admin):
    s = seminar(client, admin)
    r = export(client, admin, s["event"]["id"], columns=COLUMNS, status=ALL)
    assert f'"{SLUG}-registrations-' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == COLUMNS.split(",")
    assert {row["status"] for row in rows} == {"confirmed", "waitlisted", "cancelled"}
    assert {row["category"] for row in rows} == {"local_government", "ministry"}
    assert {row["attended"] for row in rows} == {"no"}
    assert sorted(row["waitlist_position"] for row in rows if row["waitlist_position"]) == ["1", "2", "3", "4"]
    assert sum(bool(row["workshops"]) for row in rows) == 1


def test_english_headers_and_words(client, admin):
    s = seminar(client, admin)
    r = export(
        client, admin, s["event"]["id"], lang="en", columns="last_name,status,category,attended", status=["waitlisted"]
    )
    assert f'"{SLUG}-registrations-' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == ["Last name", "Status", "Category", "Attended"]
    assert {row["Status"] for row in rows} == {"waiting list"}
    assert {row["Attended"] for row in rows} == {"no"}
    assert "local government" in {row["Category"] for row in rows}


def test_polish_workbook(client, admin):
    s = seminar(client, admin)
    r = export(client, admin, s["event"]["id"], format="xlsx", lang="pl", columns=COLUMNS, status=ALL)
    assert re.search(rf'filename="uczestnicy-{SLUG}-[0-9-]+\.xlsx"', r.headers["content-disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.title == "Uczestnicy"
    header = [c.value for c in sheet[1]]
    assert ";".join(header) == POLISH_HEADER
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {row["Status"] for row in rows} == {"potwierdzone", "lista rezerwowa", "anulowane"}
    assert {row["Obecność"] for row in rows} == {"nie"}
    assert all(isinstance(row["Data rejestracji"], datetime) for row in rows)
    assert sorted(row["Miejsce na liście rezerwowej"] for row in rows if row["Miejsce na liście rezerwowej"]) == [
        1,
        2,
        3,
        4,
    ]


def test_polish_numbers_take_a_decimal_comma(client, admin):
    ev = make_event(client, admin, slug=SLUG)
    question = add_question(client, admin, ev["id"], GUESTS)
    register(client, ev["id"], 1, answers={str(question["id"]): 1.5})
    _, rows = semicolon_rows(
        export(client, admin, ev["id"], delimiter="semicolon", lang="pl", columns="last_name").content
    )
    assert rows[0]["Liczba osób towarzyszących"] == "1,5"
    plain = export(client, admin, ev["id"], columns="last_name").content.decode("utf-8-sig")
    assert "1.5" in plain and "1,5" not in plain


def test_session_list_in_polish(client, admin):
    s = seminar(client, admin)
    workshop = s["workshop"]["id"]
    r = client.get(
        f"/api/v1/sessions/{workshop}/attendees/export",
        headers=admin,
        params={
            "delimiter": "semicolon",
            "lang": "pl",
            "columns": "last_name,first_name,enrollment_status,enrollment_source,workshops",
        },
    )
    assert r.status_code == 200, r.text
    assert f'filename="lista-{SLUG}-sesja-{workshop}-' in r.headers["content-disposition"]
    header, rows = semicolon_rows(r.content)
    assert header == "Nazwisko;Imię;Zapis na sesję;Sposób zapisu;Warsztaty"
    assert rows == [
        {
            "Nazwisko": "Żak",
            "Imię": "Łucja",
            "Zapis na sesję": "miejsce",
            "Sposób zapisu": "organizator",
            "Warsztaty": "29.11 14:00 Transformacja energetyczna",
        }
    ]


def test_unknown_language_is_refused(client, admin):
    ev = make_event(client, admin, slug=SLUG)
    r = client.get(f"/api/v1/events/{ev['id']}/registrations/export", params={"lang": "de"}, headers=admin)
    body = assert_problem(r, 422)
    assert any(e["loc"][-1] == "lang" for e in body["errors"])
    r = client.get(f"/api/v1/events/{ev['id']}/registrations/export", params={"q": "x" * 101}, headers=admin)
    assert_problem(r, 422)
