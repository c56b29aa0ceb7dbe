"""The organizer runs the seminar from /admin (issue 14): a person opened from the list, moved to the
end of the waiting list, their details edited (a field error, then a new last name), placed in and
taken out of a workshop, their audit trail, cancelled and erased with a confirmation; the assignment
dry run with "place everyone who didn't rank", written;
each workshop's people; the registrations CSV following the filters, in the page's language.

At desktop and phone sizes, in Polish and English, each on an event of its own; every state the
page reaches is checked with axe (no serious or critical violation)."""

import csv
import io
import re
from itertools import count
from typing import Any

import httpx
import pytest

from tests.concurrency.server import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESKTOP, PHONE, Browsing
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

WORKSHOPS = [  # two parallel workshops in each of two time slots, two seats each
    ("Transformacja energetyczna", "Sala A", "2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    ("Cyfryzacja usług publicznych", "Sala B", "2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    ("Partycypacja mieszkańców", "Sala A", "2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00"),
    ("Gospodarka o obiegu zamkniętym", "Sala B", "2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00"),
]
# (first name, last name, organization, workshops ranked); three seats: the last two wait
PEOPLE = [
    ("Łucja", "Żak", "Gmina Łódź", [0, 2]),
    ("Ścibor", "Lis", "Gmina Śrem", [0, 3]),
    ("Ąnna", "Zając", "Urząd Gminy Serock", []),
    ("Żaneta", "Śliwa", "Gmina Łódź", []),
    ("Ignacy", "Łęcki", "Gmina Śrem", []),
]
TEXT = {
    "pl": {
        "waiting": "Lista rezerwowa",
        "peoplePlace": "Uczestnicy",
        "assignmentPlace": "Przydział",
        "toEnd": "{first} {last}: teraz na końcu listy rezerwowej.",
        "place": "Zapisz na: {title}",
        "remove": "Wypisz z: {title}",
        "seat": "Miejsce",
        "statusChanged": "Zmiana statusu",
        "removed": "Wypisanie z warsztatu: {title}",
        "cancelled": "Anulowana",
        "erased": "Dane usunięte",
        "unranked": "Warsztat spoza rankingu",
        "written": "Miejsca zapisane",
        "header": ["Nr zgłoszenia", "Nazwisko", "Imię", "E-mail", "Instytucja"],
        "status": "potwierdzone",
        "delimiter": ";",
        "file": "uczestnicy-{slug}-",
        "workshops": "Warsztaty",
        "position": "Miejsce na liście rezerwowej",
        "statusCol": "Status",
        "last": "Nazwisko",
        "tooShort": "To pole jest wymagane.",
        "edited": "Zmiana danych (Nazwisko)",
        "addressEdited": "Zmiana danych (Forma zwracania się w e-mailach)",
    },
    "en": {
        "waiting": "Waiting list",
        "peoplePlace": "People",
        "assignmentPlace": "Assignment",
        "toEnd": "{first} {last} is now at the end of the waiting list.",
        "place": "Place in {title}",
        "remove": "Remove from {title}",
        "seat": "Seat",
        "statusChanged": "Status changed",
        "removed": "Removed from a workshop: {title}",
        "cancelled": "Cancelled",
        "erased": "Data erased",
        "unranked": "A workshop they did not rank",
        "written": "Seats written",
        "header": ["Registration no.", "Last name", "First name", "E-mail", "Organization"],
        "status": "confirmed",
        "delimiter": ",",
        "file": "{slug}-registrations-",
        "workshops": "Workshops",
        "position": "Waiting-list position",
        "statusCol": "Status",
        "last": "Last name",
        "tooShort": "This field is required.",
        "edited": "Details changed (Last name)",
        "addressEdited": "Details changed (Form of address in e-mails)",
    },
}
_numbers = count(1)


def seminar(api: httpx.Client, admin_token: str) -> dict[str, Any]:
    admin = bearer(admin_token)
    n = next(_numbers)
    ev = make_event(api, admin, slug=f"seminarium-osoby-{n}", title=f"Seminarium organizatorów {n}", capacity=3)
    workshops = [
        make_session(api, admin, ev["id"], title=title, room=room, capacity=2, starts_at=start, ends_at=end)
        for title, room, start, end in WORKSHOPS
    ]
    people = []
    for i, (first, last, org, ranked) in enumerate(PEOPLE, start=1):
        body = person(i, first_name=first, last_name=last, organization=org, email=f"osoba{n}.{i}@example.pl")
        r = api.post(f"/api/v1/events/{ev['id']}/registrations", json=body)
        assert r.status_code == 201, r.text
        reg = r.json()
        if ranked:
            r = api.put(
                "/api/v1/me/preferences",
                json={"session_ids": [workshops[k]["id"] for k in ranked]},
                headers=bearer(reg["token"]),
            )
            assert r.status_code == 200, r.text
        people.append({**reg, "first": first, "last": last})
    assert [p["status"] for p in people] == ["confirmed"] * 3 + ["waitlisted"] * 2
    return {"event": ev, "workshops": workshops, "people": people, "admin": admin}


def go_to(page: Page, s: dict[str, Any], name: str, place: str) -> None:
    """Open one of the event's places from the console's places menu."""
    page.locator("#places-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**/admin/events/{s['event']['id']}/{place}")
    expect(page.locator(f"#place-{place}")).to_be_visible()


def sign_in(page: Page, token: str, s: dict[str, Any], lang: str) -> None:
    page.goto("/admin")
    page.locator("#organizer-key").fill(token)
    page.locator("#signin-form button[type=submit]").click()
    expect(page.locator("#console")).to_be_visible()
    page.select_option("#event-select", str(s["event"]["id"]))
    page.wait_for_url(f"**/admin/events/{s['event']['id']}")  # the event's overview
    go_to(page, s, TEXT[lang]["peoplePlace"], "people")
    expect(page.locator("#regs-table tbody tr")).to_have_count(len(PEOPLE))
    for who in s["people"]:  # this event's people, not those of the event shown first
        expect(page.locator(f'#regs-table tr[data-registration-id="{who["id"]}"]')).to_have_count(1)


def no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scrolling"
    wraps = page.evaluate("""() => [...document.querySelectorAll('#console .table-wrap')]
        .filter((w) => w.querySelector('table') && w.offsetParent !== null)
        .map((w) => [w.getAttribute('tabindex'), w.getAttribute('role'), !!w.getAttribute('aria-label')])""")
    assert wraps and all(w == ["0", "region", True] for w in wraps), wraps


def waitlist(api: httpx.Client, s: dict[str, Any]) -> dict[int, int]:
    items = api.get(
        f"/api/v1/events/{s['event']['id']}/registrations", params={"status": "waitlisted"}, headers=s["admin"]
    ).json()["items"]
    return {r["id"]: r["waitlist_position"] for r in items}


def seats_of(api: httpx.Client, s: dict[str, Any], k: int) -> set[int]:
    items = api.get(f"/api/v1/sessions/{s['workshops'][k]['id']}/enrollments", headers=s["admin"]).json()["items"]
    return {e["registration_id"] for e in items if e["status"] == "enrolled"}


def open_person(page: Page, who: dict[str, Any]) -> None:
    page.get_by_role("link", name=f"{who['first']} {who['last']}", exact=True).click()
    expect(page.locator("#person-heading")).to_have_text(f"{who['first']} {who['last']}")
    expect(page.locator("#person-heading")).to_be_focused()


@pytest.mark.parametrize(
    ("size", "lang"),
    [(DESKTOP, "pl"), (PHONE, "pl"), (DESKTOP, "en"), (PHONE, "en")],
    ids=["desktop-pl", "phone-pl", "desktop-en", "phone-en"],
)
def test_organizer_runs_the_seminar(
    browsing: Browsing, server: LiveServer, api: httpx.Client, size: dict[str, int], lang: str
) -> None:
    s = seminar(api, server.admin_token)
    text = TEXT[lang]
    zak, lis, zajac, sliwa, lecki = s["people"]
    page = browsing.page(viewport=size, locale="pl-PL" if lang == "pl" else "en-GB")
    sign_in(page, server.admin_token, s, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#lists-workshops tbody tr")).to_have_count(len(WORKSHOPS))
    assert_accessible(page, f"{lang}: console with the event")

    # a waiting person goes to the end of the waiting list
    assert waitlist(api, s) == {sliwa["id"]: 1, lecki["id"]: 2}
    open_person(page, sliwa)
    expect(page.locator("#person-facts")).to_contain_text(f"{text['waiting']} #1")
    assert_accessible(page, f"{lang}: person view")
    page.locator("#person-to-end").click()
    expect(page.locator("#live")).to_have_text(text["toEnd"].format(**sliwa))
    expect(page.locator("#person-facts")).to_contain_text(f"{text['waiting']} #2")
    assert waitlist(api, s) == {lecki["id"]: 1, sliwa["id"]: 2}
    expect(page.locator("#person-audit tbody tr").first).to_contain_text(text["statusChanged"])
    expect(page.locator(f'#regs-table tr[data-registration-id="{sliwa["id"]}"]')).to_contain_text("#2")
    assert_accessible(page, f"{lang}: moved to the end, audit trail")

    # the organizer edits the person's details: the API's field error at the field, then the new last name
    # in the list and in the audit trail
    page.locator("#person-edit summary").click()
    page.locator("#pe-last_name").fill("")
    page.locator("#person-edit-form button[type=submit]").click()
    expect(page.locator("#pe-last_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pe-last_name-error")).to_have_text(text["tooShort"])
    expect(page.locator("#pe-last_name")).to_be_focused()
    assert_accessible(page, f"{lang}: details with an error at the field")
    page.locator("#pe-last_name").fill("Śliwińska")
    page.locator("#person-edit-form button[type=submit]").click()
    expect(page.locator("#person-heading")).to_have_text(f"{sliwa['first']} Śliwińska")
    expect(page.locator(f'#regs-table tr[data-registration-id="{sliwa["id"]}"]')).to_contain_text("Śliwińska")
    expect(page.locator("#person-audit tbody tr").first).to_contain_text(text["edited"])
    assert api.get(f"/api/v1/registrations/{sliwa['id']}", headers=s["admin"]).json()["last_name"] == "Śliwińska"
    assert_accessible(page, f"{lang}: details edited, audit trail")
    # the form of address (how e-mails greet the person): set, stored, shown again in the redrawn form
    if page.locator("#person-edit[open]").count() == 0:
        page.locator("#person-edit summary").click()
    expect(page.locator("#pe-form_of_address")).to_have_value("")
    page.locator("#pe-form_of_address").select_option("pani")
    page.locator("#person-edit-form button[type=submit]").click()
    expect(page.locator("#person-audit tbody tr").first).to_contain_text(text["addressEdited"])
    assert api.get(f"/api/v1/registrations/{sliwa['id']}", headers=s["admin"]).json()["form_of_address"] == "pani"
    expect(page.locator("#pe-form_of_address")).to_have_value("pani")

    # a confirmed person placed in a workshop, taken out, placed again; the audit trail shows it
    open_person(page, zajac)
    cyfryzacja = s["workshops"][1]
    page.get_by_role("button", name=text["place"].format(title=cyfryzacja["title"])).click()
    row = page.locator(f'#person-workshops tr[data-session-id="{cyfryzacja["id"]}"]')
    expect(row).to_contain_text(text["seat"])
    assert seats_of(api, s, 1) == {zajac["id"]}
    page.get_by_role("button", name=text["remove"].format(title=cyfryzacja["title"])).click()
    expect(page.get_by_role("button", name=text["place"].format(title=cyfryzacja["title"]))).to_be_visible()
    assert seats_of(api, s, 1) == set()
    expect(page.locator("#person-audit")).to_contain_text(text["removed"].format(title=cyfryzacja["title"]))
    page.get_by_role("button", name=text["place"].format(title=cyfryzacja["title"])).click()
    expect(row).to_contain_text(text["seat"])
    assert seats_of(api, s, 1) == {zajac["id"]}
    if size == PHONE:
        no_sideways_scrolling(page)
    assert_accessible(page, f"{lang}: person placed in a workshop")

    # cancel, then erase: each asks first
    open_person(page, lecki)
    page.locator("#person-cancel").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    assert_accessible(page, f"{lang}: cancel confirmation")
    dialog.locator("button.danger").click()
    expect(page.locator("#person-facts")).to_contain_text(text["cancelled"])
    page.locator("#person-erase").click()
    expect(page.locator("dialog[open]")).to_be_visible()
    assert_accessible(page, f"{lang}: erase confirmation")
    page.locator("dialog[open] button.danger").click()
    expect(page.locator("#person-facts")).to_contain_text(text["erased"])
    expect(page.locator("#person-actions button")).to_have_count(0)  # nothing left to change
    assert_accessible(page, f"{lang}: person erased")
    erased = api.get(f"/api/v1/registrations/{lecki['id']}", headers=s["admin"]).json()
    assert erased["status"] == "cancelled" and erased["erased_at"] and erased["last_name"] != "Łęcki"
    page.locator("#person-close").click()
    expect(page.locator("#person")).to_be_hidden()

    # the assignment dry run, placing the one who ranked nothing too
    go_to(page, s, text["assignmentPlace"], "assignment")
    page.locator("#plan-fill").check()
    with page.expect_response(re.compile(r"/api/v1/events/\d+/assignments$")) as answer:
        page.locator("#plan-dry").click()
    dry = answer.value.json()
    # the world's workshops repeat no topic, so the panel reads rankings by session
    assert answer.value.request.post_data_json == {
        "method": "optimal",
        "dry_run": True,
        "fill_unranked": True,
        "topic_ranks": False,
    }
    expect(page.locator("#plan-ranks")).to_be_visible()
    first = page.locator("#plan-ranks tbody tr").first.locator("td")
    expect(first).to_have_text(
        [
            str(dry["rank_counts"][0]),
            str(dry["baseline"]["rank_counts"][0]),
            str(dry["current"]["rank_counts"][0] if dry["current"]["rank_counts"] else 0),
        ]
    )
    unranked = page.locator("#plan-ranks tbody tr").filter(has_text=text["unranked"]).locator("td").first
    expect(unranked).to_have_text(str(dry["unranked_placements"]))
    assert dry["unranked_placements"] >= 1  # Zając, who ranked nothing, gets a seat on the second day
    expect(page.locator(".plan-slots")).to_have_count(2)  # two days
    expect(page.locator(".plan-slots tbody")).to_have_count(2)  # one time on each
    expect(page.locator(f'.plan-slots tr[data-session-id="{s["workshops"][0]["id"]}"]')).to_contain_text("2 / 2")
    assert seats_of(api, s, 0) == set()  # a dry run writes nothing
    if size == PHONE:
        no_sideways_scrolling(page)
    assert_accessible(page, f"{lang}: dry run")

    # written: each workshop's people
    page.locator("#plan-commit").click()
    with page.expect_response(re.compile(r"/api/v1/events/\d+/assignments$")) as answer:
        page.locator("dialog[open] button.danger").click()
    assert answer.value.request.post_data_json["dry_run"] is False
    expect(page.locator("#plan-result-heading")).to_be_focused()
    expect(page.locator("#plan-result-heading")).to_have_text(text["written"])
    assert seats_of(api, s, 0) == {zak["id"], lis["id"]}
    day_two = seats_of(api, s, 2) | seats_of(api, s, 3)
    assert zajac["id"] in day_two
    lists = page.locator("#plan-lists")
    expect(lists.locator(f'[data-session-id="{s["workshops"][0]["id"]}"] li')).to_have_count(2)
    holder = 2 if zajac["id"] in seats_of(api, s, 2) else 3
    expect(lists.locator(f'[data-session-id="{s["workshops"][holder]["id"]}"]')).to_contain_text("Ąnna Zając")
    assert_accessible(page, f"{lang}: seats written, workshop lists")

    # the registrations CSV follows the filters on screen, in the page's language
    page.go_back()  # back to the people place
    page.wait_for_url(f"**/admin/events/{s['event']['id']}/people")
    page.select_option("#f-status", "confirmed")
    page.locator("#f-organization").fill("gmina łódź")
    page.locator("#filters button[type=submit]").click()
    expect(page.locator("#regs-table tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    expect(page.locator("#live")).to_contain_text(download.value.suggested_filename)
    assert download.value.suggested_filename.startswith(text["file"].format(slug=s["event"]["slug"]))
    assert download.value.suggested_filename.endswith(".csv")
    body = download.value.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=text["delimiter"]))
    assert list(rows[0])[:5] == text["header"]
    assert [(r[text["last"]], r[text["statusCol"]], r[text["position"]]) for r in rows] == [("Żak", text["status"], "")]
    assert rows[0][text["workshops"]] == "29.11 14:00 Transformacja energetyczna; 30.11 09:00 Partycypacja mieszkańców"
    assert_accessible(page, f"{lang}: filtered list downloaded")
