"""axe finds no serious or critical violation on the door page and the page for an unknown
address, on a phone (390x844, Polish) and a laptop (1366x768, English); the participant pages
(/, /events/..., /me, /recover) are checked the same way, state by state, in
test_participant_pages.test_every_page_state_is_accessible.

The door's event has workshops with long unbreakable titles, so that its per-session table is
wider than a phone and scrolls sideways: the box must be a named region the keyboard reaches.
"""

import httpx
import pytest

from tests.concurrency.server import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import LAPTOP, PHONE, Browsing
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

TEXT = {
    "pl": {"find": "Imię, nazwisko lub instytucja", "check_in": "Potwierdź obecność", "home": "Opublikowane wydarzenia",
           "not_found": "Nie ma takiej strony", "admin": "Panel organizatora"},
    "en": {"find": "Name or organization", "check_in": "Check in", "home": "Published events",
           "not_found": "Page not found", "admin": "Organizer console"},
}  # fmt: skip
FIELD_ERRORS = """async () => {
  const { ApiError, fieldErrors } = await import('/static/js/api.js');
  const ctx = { first_day: '2022-11-29', last_day: '2022-11-30', timezone: 'Europe/Warsaw' };
  const err = new ApiError(422, { type: 'x/validation-error', errors: [
    { loc: ['body', 'starts_at'], msg: 'The session must take place within ...', type: 'outside_event_days', ctx }] });
  return fieldErrors(err).starts_at;
}"""


@pytest.fixture(scope="module")
def door(server: LiveServer, api: httpx.Client) -> dict[str, object]:
    admin = bearer(server.admin_token)
    event = make_event(api, admin, slug="dostepnosc-drzwi", title="Seminarium: dostępność przy drzwiach")
    for i in range(2):
        title = f"Warsztat {i + 1}: elektromobilność/transport/wodór/fotowoltaika/magazyny"  # no place to wrap
        make_session(api, admin, event["id"], title=title, room=f"Sala konferencyjna nr {i + 1}")
    for i, last in enumerate(["Żak", "Zawiszak"]):
        body = person(950 + i, last_name=last, email=f"dostepnosc{i}@example.pl")
        assert api.post(f"/api/v1/events/{event['id']}/registrations", json=body).status_code == 201
    r = api.post("/api/v1/organizer-keys", json={"name": "Wejście", "role": "checkin", "event_ids": [event["id"]]},
                 headers=admin)  # fmt: skip
    assert r.status_code == 201, r.text
    return {"id": event["id"], "key": r.json()["key"]}


@pytest.mark.parametrize(
    ("viewport", "lang"),
    [pytest.param(PHONE, "pl", id="phone-pl"), pytest.param(LAPTOP, "en", id="laptop-en")],
)
def test_door_and_not_found_pages_are_accessible(
    browsing: Browsing, door: dict[str, object], viewport: dict[str, int], lang: str
) -> None:
    text = TEXT[lang]
    page: Page = browsing.page(viewport=viewport, locale="pl-PL" if lang == "pl" else "en-GB")
    page.goto(f"/events/{door['id']}/door")
    expect(page.locator("#signin")).to_be_visible()
    assert_accessible(page, f"{lang}: door, sign-in")

    page.goto(f"/events/{door['id']}/door#key={door['key']}")
    page.reload()  # a fragment change alone does not load the page again
    page.get_by_label(text["find"]).fill("zak")
    expect(page.locator("#people li")).to_have_count(2)
    expect(page.locator("#people li").first).to_contain_text("Żak")  # the surname starting with "zak" first
    who = "Łucja Żak" if lang == "pl" else "Łucja Zawiszak"  # each run checks in its own person
    page.get_by_role("button", name=f"{text['check_in']}: {who}" if lang == "pl" else f"Check in {who}").click()
    expect(page.locator("#last-text")).to_contain_text(who)
    sessions = page.locator("#sessions")
    expect(sessions.locator("caption")).to_be_visible()
    if viewport == PHONE:  # the table is wider than the phone: it scrolls in its box, not the page
        assert page.evaluate("(b) => b.scrollWidth > b.clientWidth", sessions.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways"
    assert_accessible(page, f"{lang}: door, a check-in done")
    expect(sessions).to_have_attribute("tabindex", "0")

    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(text["not_found"])
    expect(page.get_by_role("main").get_by_role("link", name=text["home"])).to_have_attribute("href", "/")
    expect(page.get_by_role("main").get_by_role("link", name=text["admin"])).to_have_attribute("href", "/admin")
    assert_accessible(page, f"{lang}: page not found")
    # a session outside the event's days: the page's own words, with the days from the API's answer
    expected = {
        "pl": "Sesja musi się odbyć w dniach wydarzenia: od 2022-11-29 do 2022-11-30 (strefa czasowa Europe/Warsaw).",
        "en": "The session must take place within the event's days: 2022-11-29 to 2022-11-30 (Europe/Warsaw).",
    }
    assert page.evaluate(FIELD_ERRORS) == expected[lang]
