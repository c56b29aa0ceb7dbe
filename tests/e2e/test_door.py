"""The door page on a phone, with a check-in-only key: find by name without Polish marks,
check in, undo, counts; a badge's QR text as the camera would hand it over; the vendored QR
reader decoding a real printed badge under the page's Content Security Policy.

Headless Chromium has no camera: the camera's part (getUserMedia, frames into the reader) is
not exercised. What it hands over is: the test dispatches the same `door:decoded` event the
scanner dispatches for each decoded frame, and reads a badge's QR image with the same reader.
"""

import base64
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.concurrency.server import LiveServer
from tests.e2e.conftest import ARTIFACTS, PHONE, Browsing
from tests.e2e.test_pages import checks
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

PEOPLE = [
    ("Łucja", "Żak", "Urząd Miasta Łódź"),
    ("Jan", "Żółw", "Gmina Serock"),
    ("Anna", "Zając", "Gmina Śrem"),
    ("Piotr", "Zawiszak", "Gmina Serock"),  # "zak" inside, and before Żak in Polish order
]
DECODE = "(text) => document.dispatchEvent(new CustomEvent('door:decoded', { detail: text }))"


def _door(api: httpx.Client, admin: dict[str, str]) -> dict[str, Any]:
    event = make_event(api, admin, slug="seminarium-drzwi", title="Seminarium przy drzwiach", capacity=10)
    session = make_session(api, admin, event["id"], title="Warsztat przy drzwiach")
    regs = []
    for i, (first, last, org) in enumerate(PEOPLE, start=1):
        r = api.post(
            f"/api/v1/events/{event['id']}/registrations",
            json=person(900 + i, first_name=first, last_name=last, organization=org, email=f"drzwi{i}@example.pl"),
        )
        assert r.status_code == 201, r.text
        regs.append(r.json())
    r = api.post(
        "/api/v1/organizer-keys",
        json={"name": "Wejście A", "role": "checkin", "event_ids": [event["id"]]},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    r2 = api.get(f"/api/v1/events/{event['id']}/badges", headers=admin)
    assert r2.status_code == 200, r2.text
    return {"event": event, "session": session, "regs": regs, "key": r.json()["key"], "badges": r2.text}


def _count(page: Page) -> Any:
    return expect(page.locator("#count-checked-in .num"))


def _person(page: Page, name: str) -> Any:
    return page.locator("#people li").filter(has_text=name)


def test_door_on_a_phone(browsing: Browsing, server: LiveServer, api: httpx.Client) -> None:
    door = _door(api, bearer(server.admin_token))
    event_id = door["event"]["id"]
    page = browsing.page(viewport=PHONE)
    page.goto(f"/events/{event_id}/door#key={door['key']}")
    expect(page.locator("#event-title")).to_have_text("Seminarium przy drzwiach")
    assert "key=" not in page.url  # the key left the address bar at once
    _count(page).to_have_text("0")
    expect(page.locator("#count-confirmed .num")).to_have_text("4")

    # "Zak" lists Żak first (her surname starts with it), then Zawiszak; check in, the counts follow; undo
    page.get_by_label("Name or organization").fill("Zak")
    expect(page.locator("#people li")).to_have_count(2)
    expect(page.locator("#people li").first).to_contain_text("Łucja Żak")
    expect(_person(page, "Łucja Żak")).to_contain_text("Urząd Miasta Łódź")
    page.get_by_role("button", name="Check in Łucja Żak").click()
    expect(page.locator("#last-text")).to_have_text("Łucja Żak (Urząd Miasta Łódź): checked in.")
    _count(page).to_have_text("1")
    expect(page.locator("#count-missing .num")).to_have_text("3")
    expect(_person(page, "Łucja Żak")).to_contain_text("Checked in at")
    checks(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-door.png"), full_page=True)
    page.locator("#last-undo").click()
    expect(page.locator("#last-text")).to_have_text("Łucja Żak: check-in undone.")
    _count(page).to_have_text("0")
    expect(page.get_by_role("button", name="Check in Łucja Żak")).to_be_visible()

    # by organization, without marks: "lodz" finds Urząd Miasta Łódź; "zolw" finds Żółw
    page.get_by_label("Name or organization").fill("lodz")
    expect(page.locator("#people li")).to_have_count(1)
    expect(_person(page, "Łucja Żak")).to_be_visible()
    page.get_by_label("Name or organization").fill("ZOLW")
    expect(page.locator("#people li")).to_have_count(1)
    page.get_by_role("button", name="Check in Jan Żółw").click()
    _count(page).to_have_text("1")
    page.get_by_role("button", name="Undo the check-in of Jan Żółw").click()
    _count(page).to_have_text("0")
    assert (
        api.get(f"/api/v1/events/{event_id}/checkins/summary", headers=bearer(door["key"])).json()["checked_in"] == 0
    )  # really undone on the server

    # a badge's QR text, as the scanner hands it over: checked in once, however often the camera sees it
    code = re.search(r"<span>(\d+-[A-Z2-7]{16})</span>", door["badges"]).group(1)  # Polish order: Zając first
    posts: list[str] = []
    page.on("request", lambda req: req.method == "POST" and req.url.endswith("/checkins") and posts.append(req.url))
    page.evaluate(DECODE, code)
    expect(page.locator("#last-text")).to_have_text("Anna Zając (Gmina Śrem): checked in.")
    _count(page).to_have_text("1")
    page.evaluate(DECODE, code.lower())
    page.evaluate(DECODE, code)
    expect(page.locator("#last-text")).to_have_text("Anna Zając (Gmina Śrem): checked in.")  # no repeat
    page.evaluate(DECODE, "999-AAAAAAAAAAAAAAAA")
    expect(page.locator("#last-text")).to_have_text("Unknown or revoked code: find the person by name.")
    assert len(posts) == 2  # the badge once, then the unknown code: the repeats were not sent
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date().isoformat()
    expect(page.locator(f'#days tr[data-day="{today}"] td')).to_have_text("1")  # today's arrivals
    expect(page.locator('#days tr[data-day="2022-11-29"] td')).to_have_text("0")  # the event's own days

    # a session: its own check-ins and count
    page.get_by_label("Checking in for").select_option(str(door["session"]["id"]))
    page.get_by_label("Name or organization").fill("zak")
    page.get_by_role("button", name="Check in Łucja Żak").click()
    expect(page.locator("#last-text")).to_contain_text("Not enrolled in this session.")
    row = page.locator(f'#sessions tr[data-session-id="{door["session"]["id"]}"] td').first
    expect(row).to_have_text("1")
    _count(page).to_have_text("1")  # the event's count is arrivals only

    # the key stays for this tab: a reload keeps the phone signed in
    page.reload()
    _count(page).to_have_text("1")


def test_door_in_polish_and_a_wrong_key(browsing: Browsing, server: LiveServer, api: httpx.Client) -> None:
    event = make_event(api, bearer(server.admin_token), slug="seminarium-drzwi-pl", title="Drzwi po polsku")
    page = browsing.page(viewport=PHONE, locale="pl-PL")
    page.goto(f"/events/{event['id']}/door")
    expect(page.get_by_role("heading", name="Zaloguj się kluczem do rejestracji obecności")).to_be_visible()
    page.get_by_label("Klucz do rejestracji obecności").fill("not-a-key")
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.locator("#door-key-error")).to_have_text(
        "Ten klucz nie jest przyjmowany (błędny, wycofany albo do innego wydarzenia)."
    )
    page.get_by_label("Klucz do rejestracji obecności").fill(server.admin_token)  # an organizer key works too
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_label("Imię, nazwisko lub instytucja")).to_be_visible()
    expect(page.locator("#days caption")).to_have_text("Przybycia według dni")
    expect(page.locator("#days tbody tr")).to_have_count(2)  # the event's two days
    checks(page)


def test_the_vendored_reader_decodes_a_printed_badge(browsing: Browsing, server: LiveServer, api: httpx.Client) -> None:
    """jsQR (static/vendor) loads under the page's CSP and reads the QR of a real badge."""
    admin = bearer(server.admin_token)
    event = make_event(api, admin, slug="seminarium-qr", title="QR")
    r = api.post(f"/api/v1/events/{event['id']}/registrations", json=person(990, email="qr@example.pl"))
    assert r.status_code == 201, r.text
    html = api.get(f"/api/v1/events/{event['id']}/badges", headers=admin).text
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    if "xmlns=" not in svg:  # inline in the badge page; as a file it needs its namespace
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    code = re.search(r"<span>(\d+-[A-Z2-7]{16})</span>", html).group(1)
    page = browsing.page(viewport=PHONE)
    page.goto(f"/events/{event['id']}/door")
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    decoded = page.evaluate(
        """async (src) => {
      const scan = await import('/static/js/door-scan.js');
      const read = await scan.qrReader('jsqr');
      const img = new Image();
      img.src = src;
      await img.decode();
      const big = document.createElement('canvas');  // as a camera would see it: larger, on white
      big.width = big.height = 480;
      const g = big.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 480, 480);
      g.imageSmoothingEnabled = false;
      g.drawImage(img, 40, 40, 400, 400);
      return { text: await read(big), jsqr: typeof window.jsQR };
    }""",
        src,
    )
    assert decoded == {"text": code, "jsqr": "function"}
