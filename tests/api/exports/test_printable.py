"""Sign-in sheets, badges, the partnership summary and the programme list."""

import io

import openpyxl

from tests.api.exports.helpers import parse_csv, seed
from tests.factories import bearer, make_session, register


def test_sign_in_sheet_escapes_and_keeps_polish_letters(client, admin):
    ev, regs = seed(client, admin, title="Seminarium <b>sieciujące</b>")
    evil = register(
        client,
        ev["id"],
        77,
        last_name="<script>alert(1)</script>",
        first_name="Zoë & Żaneta",
        email="evil@example.pl",
        organization='Gmina "Ząbki"',
    )
    session = make_session(
        client,
        admin,
        ev["id"],
        title="Warsztat: Ślady <i>",
        room="Sala Łabędź",
        starts_at="2022-11-29T14:00:00Z",
        ends_at="2022-11-29T15:30:00Z",
    )
    for reg in (regs[0], regs[2], evil):
        client.post("/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(reg["token"]))
    r = client.get(f"/api/v1/sessions/{session['id']}/sign-in-sheet", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    html = r.text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Zoë &amp; Żaneta" in html and "Gmina &quot;Ząbki&quot;" in html
    assert "<b>" not in html and "Seminarium &lt;b&gt;sieciujące&lt;/b&gt;" in html
    assert "Warsztat: Ślady &lt;i&gt;" in html and "Sala Łabędź" in html
    assert "2022-11-29 15:00–16:30 (Europe/Warsaw)" in html  # 14:00Z in Warsaw (CET)
    assert html.count('<td class="sign"></td>') == 3
    # Polish order; punctuation is ignored, so "<script>..." sorts as "scriptalert1script"
    order = [html.index(name) for name in ("Lis", "&lt;script&gt;", "Żak")]
    assert order == sorted(order)


def test_badges_have_qr_codes_and_printable_codes(client, admin):
    ev, _ = seed(client, admin)
    r = client.get(f"/api/v1/events/{ev['id']}/badges", headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert html.count('class="badge"') == 9 and html.count("<svg") == 9
    codes = client.get(f"/api/v1/events/{ev['id']}/checkin-codes", headers=admin).json()["items"]
    assert all(c["code"] in html for c in codes)
    assert "Łucja<br>Żak" in html and html.index("Lewandowski") < html.index("Żak")


def test_partnership_summary_json_and_files(client, admin):
    ev, _ = seed(client, admin)
    register(client, ev["id"], 40, partnership="Partnerstwo Łaby", organization="Gmina Żary", email="x@y.pl")
    register(client, ev["id"], 41, partnership=None, organization="Fundacja Ą", email="z@y.pl")
    register(client, ev["id"], 42, partnership="partnerstwo łaby", organization="gmina żary", email="q@y.pl")
    body = client.get(f"/api/v1/events/{ev['id']}/partnerships", headers=admin).json()
    assert (body["people"], body["organizations"]) == (12, 5)
    names = [p["partnership"] for p in body["partnerships"]]
    assert names[0] == "Partnerstwo Doliny Bugu" and names[-1] is None
    bugu = body["partnerships"][0]
    assert bugu["people"] == 9 and [o["organization"] for o in bugu["organizations"]] == ["Gmina Łódź", "Gmina Śrem"]
    rows = parse_csv(client.get(f"/api/v1/events/{ev['id']}/partnerships/export", headers=admin).content)
    assert rows[0] == {"partnership": "Partnerstwo Doliny Bugu", "organization": "Gmina Łódź", "people": "5"}
    r = client.get(f"/api/v1/events/{ev['id']}/partnerships/export", params={"format": "xlsx"}, headers=admin)
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(2, 3).value == 5 and sheet.cell(1, 1).font.bold


def test_programme_list_with_rooms_and_local_times(client, admin):
    ev, _ = seed(client, admin)
    make_session(
        client,
        admin,
        ev["id"],
        title="Drugi",
        room="Sala B",
        starts_at="2022-11-30T09:00:00+01:00",
        ends_at="2022-11-30T10:00:00+01:00",
    )
    make_session(client, admin, ev["id"], title="Pierwszy", room="Sala Ą")
    rows = parse_csv(client.get(f"/api/v1/events/{ev['id']}/sessions/export", headers=admin).content)
    assert [(r["title"], r["room"], r["starts_at"]) for r in rows] == [
        ("Pierwszy", "Sala Ą", "2022-11-29 14:00:00"),
        ("Drugi", "Sala B", "2022-11-30 09:00:00"),
    ]
    assert rows[0]["enrolled"] == "0" and rows[0]["checked_in"] == "0"
