"""The pages themselves: Polish by default for Polish browsers, phone layout, labels and landmarks."""

import httpx
import pytest

from tests.e2e.conftest import ARTIFACTS, PHONE, Browsing
from tests.e2e.world import World

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((n) => n.offsetParent !== null)
  .filter((n) => !(n.labels && n.labels.length) && !n.getAttribute('aria-label') && !n.textContent.trim())
  .map((n) => n.outerHTML)"""


def checks(page: Page) -> None:
    """Landmarks, one h1, every visible control named, no page wider than the screen."""
    assert page.locator("header, main, footer").count() >= 2
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scrolling"


def test_polish_for_polish_browsers_and_the_choice_is_remembered(browsing: Browsing, world: World) -> None:
    page = browsing.page(locale="pl-PL")
    page.goto(f"/events/{world.event['slug']}")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("button", name="Zarejestruj się")).to_be_visible()
    expect(page.get_by_role("heading", name="wtorek, 29 listopada 2022")).to_be_visible()
    expect(page.locator(f'[data-session-id="{world.workshops[3]["id"]}"] .seats')).to_have_text("2 wolne miejsca z 2")
    page.get_by_role("button", name="Zarejestruj się").click()  # empty form: Polish field errors
    expect(page.locator("#consent-error")).to_have_text("Rejestracja wymaga Twojej zgody: zaznacz pole.")
    expect(page.locator("#first_name-error")).to_have_text("To pole jest wymagane.")
    page.get_by_role("button", name="Switch language to English").click()
    expect(page.get_by_role("button", name="Register")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("button", name="Register")).to_be_visible()
    page.get_by_role("button", name="Zmień język na polski").click()
    expect(page.get_by_role("heading", name="Program", exact=True)).to_be_visible()


def test_pages_at_phone_width(browsing: Browsing, world: World, api: httpx.Client) -> None:
    """Screenshots of every main page at 390 px go to tests/artifacts/phone-*.png for a human look."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browsing.page(viewport=PHONE, locale="pl-PL")
    page.goto("/")
    expect(page.get_by_role("link", name=world.event["title"])).to_be_visible()
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-index.png"), full_page=True)

    page.get_by_role("link", name=world.event["title"]).click()
    expect(page.locator("#programme .session").first).to_be_visible()
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-event.png"), full_page=True)

    page.goto(f"/me#token={world.others[0]['token']}")
    expect(page.locator("#me")).to_be_visible()
    expect(page.locator("#prefs-list li").first).to_be_visible()
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-me.png"), full_page=True)

    page.goto(f"/recover?event={world.event['id']}")
    expect(page.get_by_label("Wydarzenie")).to_have_value(str(world.event["id"]))
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-recover.png"), full_page=True)

    page.goto("/admin")
    checks(page)
    page.get_by_label("Klucz organizatora").fill(world.admin_token)
    page.get_by_role("button", name="Zaloguj").click()
    page.get_by_label("Wydarzenie", exact=True).select_option(str(world.event["id"]))  # others' events may come first
    page.wait_for_url(f"**/admin/events/{world.event['id']}")  # the event's overview
    page.locator("#places-nav").get_by_role("link", name="Głosowania").click()
    expect(page.locator("#results .chart li").first).to_be_visible()
    page.locator("#places-nav").get_by_role("link", name="Przydział").click()
    page.get_by_role("button", name="Próbne przydzielenie").click()
    expect(page.locator("#plan-chart")).to_be_visible()
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-admin.png"), full_page=True)

    page.locator("header").get_by_role("link", name="Wiadomości").click()  # signed in by the key this tab keeps
    page.wait_for_url("**/admin/messages")
    expect(page.locator("#outbox-table")).not_to_be_empty()
    checks(page)
    page.screenshot(path=str(ARTIFACTS / "phone-admin-messages.png"), full_page=True)


def test_a_wrong_personal_link_says_so(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto("/me#token=not-a-real-token")
    expect(page.locator("#error")).to_have_text("This personal link is not valid (or the registration was removed).")
    assert page.evaluate("sessionStorage.getItem('seminar.token')") is None
    page.goto("/me")
    expect(page.locator("#no-token")).to_be_visible()
