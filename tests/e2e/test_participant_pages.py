"""Participant pages (issue 14) in a real browser, at desktop and phone sizes, in English and Polish:
proposing a topic, ranking workshops by topic in groups by time slot, the fixes (the loading line
without a token, seat counts after cancelling, an unknown event, the privacy notice, "required"
versus "invalid", date ranges) and every page state checked with axe-core.

Each test makes its own people on events of its own (`setup`), so the shared `world` stays as the
other e2e files expect it.
"""

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.concurrency.server import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import LAPTOP, PHONE, Browsing
from tests.e2e.world import World
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

PRIVACY_URL = "https://www.gmina-serock.pl/ochrona-danych-osobowych"
SLOT_1 = ("2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00")
SLOT_2 = ("2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00")
TOPICS = ["Energia z wiatru", "Rewitalizacja rynków", "Seniorzy w gminie"]  # the first two win
STANDALONE = "Budżet obywatelski w praktyce"  # a workshop without a topic, slot 1 only
PLENARY = "Otwarcie seminarium"

# (language, locale, viewport): both languages, both sizes.
SIZES = {"desktop": LAPTOP, "phone": PHONE}
LANGS = {"en": "en-GB", "pl": "pl-PL"}
BOTH = [pytest.param("en", "desktop", id="en-desktop"), pytest.param("pl", "phone", id="pl-phone")]
ALL = [pytest.param(lang, size, id=f"{lang}-{size}") for lang, size in itertools.product(LANGS, SIZES)]

TEXT = {
    "en": {
        "range_one_month": "29–30 November 2022",
        "range_two_months": "30 November – 1 December 2021",
        "not_found": "Event not found",
        "home": "See all events",
        "no_token": "Open the personal link",
        "recover": "Lost the link? Get a new one by e-mail",
        "register": "Register",
        "required": "This field is required.",
        "bad_email": "Enter a valid e-mail address, e.g. name@example.pl.",
        "consent": "Registration needs your consent: tick the box.",
        "privacy_builtin": "Read how your data is used (privacy notice)",
        "privacy_own": "Read the organizers' privacy notice (opens in a new tab)",
        "privacy_text": "The organizers of this event process your data",
        "propose": "Propose a topic",
        "topic": "Topic",
        "about": "What it is about",
        "send": "Send the proposal",
        "sent": "Thank you: “{title}” has been sent to the organizers.",
        "awaiting": "awaiting approval",
        "add": "Add {item}",
        "save_ranking": "Save my ranking",
        "saved": "Ranking saved ({n} workshops).",
        "every_slot": "In each of these time slots:",
        "runs_twice": "Runs 2 times, you attend once:",
        "vs_signup": "Ranking is not a sign-up",
        "signup": "Sign up",
        "seats_before": "1 free seat of 2",
        "seats_after": "2 free seats of 2",
        "cancel": "Cancel my registration",
        "yes_cancel": "Yes, cancel",
        "cancelled": "Your registration is cancelled.",
        "open_to_all": "Open to all participants, no sign-up needed",
        "vote": "Save my vote",
    },
    "pl": {
        "range_one_month": "29–30 listopada 2022",
        "range_two_months": "30 listopada – 1 grudnia 2021",
        "not_found": "Nie znaleziono wydarzenia",
        "home": "Zobacz wszystkie wydarzenia",
        "no_token": "Otwórz osobisty link",
        "recover": "Nie masz linku? Poproś o nowy e-mailem",
        "register": "Zarejestruj się",
        "required": "To pole jest wymagane.",
        "bad_email": "Podaj poprawny adres e-mail, np. imie@gmina.pl.",
        "consent": "Rejestracja wymaga Twojej zgody: zaznacz pole.",
        "privacy_builtin": "Przeczytaj, jak wykorzystujemy Twoje dane (informacja o prywatności)",
        "privacy_own": (
            "Przeczytaj informację organizatorów o przetwarzaniu danych osobowych (otwiera się w nowej karcie)"
        ),
        "privacy_text": "Twoje dane przetwarzają organizatorzy tego wydarzenia",
        "propose": "Zaproponuj temat",
        "topic": "Temat",
        "about": "Czego dotyczy",
        "send": "Wyślij propozycję",
        "sent": "Dziękujemy: propozycja „{title}” trafiła do organizatorów.",
        "awaiting": "czeka na akceptację",
        "add": "Dodaj: {item}",
        "save_ranking": "Zapisz moją kolejność",
        "saved": "Kolejność zapisana (warsztatów: {n}).",
        "every_slot": "W każdym z tych bloków:",
        "runs_twice": "Odbywa się 2 razy, uczestniczysz raz:",
        "vs_signup": "Kolejność to nie zapis",
        "signup": "Zapisz się",
        "seats_before": "1 wolne miejsce z 2",
        "seats_after": "2 wolne miejsca z 2",
        "cancel": "Anuluj moją rejestrację",
        "yes_cancel": "Tak, anuluj",
        "cancelled": "Twoja rejestracja została anulowana.",
        "open_to_all": "Dla wszystkich uczestników, bez zapisów",
        "vote": "Zapisz mój głos",
    },
}


@dataclass
class Setup:
    admin: dict[str, str]
    event: dict[str, Any]  # one month, built-in privacy notice, topics published on both days
    # across two months, the organizers' own privacy notice; a year earlier, so that the organizer
    # console (newest event first) still opens the shared world's event in test_journey
    other: dict[str, Any]
    poll: dict[str, Any]
    topics: dict[str, dict[str, Any]]  # title -> topic
    by_topic: dict[str, list[int]]  # winning topic title -> its session ids, day one first
    standalone: dict[str, Any]
    plenary: dict[str, Any]
    counter: itertools.count  # type: ignore[type-arg]
    # still open for proposals and votes (a poll whose winners are published is closed)
    open_poll: dict[str, Any] = field(default_factory=dict)

    def register(self, api: httpx.Client) -> str:
        """A new confirmed participant of the event; their token."""
        i = next(self.counter)
        response = api.post(f"/api/v1/events/{self.event['id']}/registrations", json=person(i))
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "confirmed"
        return str(response.json()["token"])


@pytest.fixture(scope="module")
def setup(server: LiveServer, api: httpx.Client, world: World) -> Setup:
    """Made after the shared world, whose event (same first day, lower id) stays the organizer console's first."""
    admin = bearer(server.admin_token)
    event = make_event(api, admin, slug="warsztaty-tematyczne", title="Warsztaty tematyczne gmin")
    other = make_event(
        api,
        admin,
        slug="seminarium-grudniowe",
        title="Seminarium na przełomie miesięcy",
        starts_on="2021-11-30",
        ends_on="2021-12-01",
        privacy_url=PRIVACY_URL,
    )
    plenary = make_session(
        api,
        admin,
        event["id"],
        title=PLENARY,
        kind="plenary",
        room="Sala Główna",
        capacity=None,
        starts_at="2022-11-29T10:00:00+01:00",
        ends_at="2022-11-29T11:00:00+01:00",
    )
    standalone = make_session(
        api, admin, event["id"], title=STANDALONE, room="Sala C", capacity=2, starts_at=SLOT_1[0], ends_at=SLOT_1[1]
    )
    response = api.post(
        f"/api/v1/events/{event['id']}/polls",
        headers=admin,
        json={"title": "Tematy warsztatów", "seats": 2, "ballot": "approval", "allow_proposals": True},
    )
    assert response.status_code == 201, response.text
    poll = response.json()
    topics = {}
    for title in TOPICS:
        response = api.post(f"/api/v1/polls/{poll['id']}/topics", headers=admin, json={"title": title})
        assert response.status_code == 201, response.text
        topics[title] = response.json()
    counter = itertools.count(100)
    made = Setup(admin, event, other, poll, topics, {}, standalone, plenary, counter)
    for _ in range(2):
        token = made.register(api)
        response = api.put(
            f"/api/v1/polls/{poll['id']}/ballot",
            headers=bearer(token),
            json={"topic_ids": [topics[t]["id"] for t in TOPICS[:2]]},
        )
        assert response.status_code == 200, response.text
    for start, end in (SLOT_1, SLOT_2):  # the winners run on both days
        response = api.post(
            f"/api/v1/polls/{poll['id']}/publish",
            headers=admin,
            json={
                "starts_at": start,
                "ends_at": end,
                "rooms": [{"room": "Sala A", "capacity": 10}, {"room": "Sala B", "capacity": 10}],
            },
        )
        assert response.status_code == 201, response.text
    response = api.post(
        f"/api/v1/events/{event['id']}/polls",
        headers=admin,
        json={"title": "Temat sesji zamykającej", "seats": 1, "ballot": "approval", "allow_proposals": True},
    )
    assert response.status_code == 201, response.text
    made.open_poll = response.json()
    response = api.post(f"/api/v1/polls/{made.open_poll['id']}/topics", headers=admin, json={"title": "Wnioski"})
    assert response.status_code == 201, response.text
    sessions = api.get(f"/api/v1/events/{event['id']}/sessions?limit=500").json()["items"]
    for title in TOPICS[:2]:
        mine = sorted((s for s in sessions if s["topic_id"] == topics[title]["id"]), key=lambda s: s["starts_at"])
        assert len(mine) == 2, sessions
        made.by_topic[title] = [s["id"] for s in mine]
    return made


def open_page(browsing: Browsing, lang: str, size: str, path: str) -> Page:
    page = browsing.page(viewport=SIZES[size], locale=LANGS[lang])
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


def open_me(browsing: Browsing, lang: str, size: str, token: str) -> Page:
    page = open_page(browsing, lang, size, f"/me#token={token}")
    expect(page.locator("#me")).to_be_visible()
    return page


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scrolling"


@pytest.mark.parametrize(("lang", "size"), ALL)
def test_every_page_state_is_accessible(
    browsing: Browsing, setup: Setup, api: httpx.Client, lang: str, size: str
) -> None:
    text = TEXT[lang]
    page = open_page(browsing, lang, size, "/")
    card = page.locator(".card", has_text=setup.event["title"])
    expect(card).to_contain_text(f"{text['range_one_month']} · {setup.event['venue']}")
    expect(page.locator(".card", has_text=setup.other["title"])).to_contain_text(text["range_two_months"])
    expect(page.locator("#loading")).to_be_hidden()
    no_horizontal_scroll(page)
    assert_accessible(page, f"{lang}/{size}: index")

    page.goto(f"/events/{setup.event['slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(setup.event["title"])
    expect(page.locator("#event-meta")).to_have_text(f"{text['range_one_month']} · {setup.event['venue']}")
    expect(page.locator("#programme .session").first).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page, f"{lang}/{size}: event")

    page.get_by_role("button", name=text["register"], exact=True).click()  # empty: every field "required"
    expect(page.locator("#first_name-error")).to_have_text(text["required"])
    expect(page.locator("#email-error")).to_have_text(text["required"])
    expect(page.locator("#consent-error")).to_have_text(text["consent"])
    assert_accessible(page, f"{lang}/{size}: event with errors")

    page.locator("#email").fill("not-an-address")  # a wrong value says what is wrong, not "required"
    page.get_by_role("button", name=text["register"], exact=True).click()
    expect(page.locator("#email-error")).to_have_text(text["bad_email"])
    expect(page.locator("#first_name-error")).to_have_text(text["required"])
    assert text["bad_email"] != text["required"]

    page.goto("/events/no-such-event")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["not_found"])
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_role("main").get_by_role("link", name=text["home"]).click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/events/999999")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["not_found"])
    expect(page.locator("#loading")).to_be_hidden()
    expect(page.locator("#event-nav")).to_be_hidden()  # no links to parts that are not there
    assert_accessible(page, f"{lang}/{size}: unknown event")

    page.goto("/me")
    expect(page.locator("#no-token")).to_be_visible()
    expect(page.locator("#no-token")).to_contain_text(text["no_token"])
    expect(page.locator("#loading")).to_be_hidden()
    expect(page.get_by_role("link", name=text["recover"])).to_have_attribute("href", "/recover")
    assert_accessible(page, f"{lang}/{size}: me without a token")

    page.goto(f"/me#token={setup.register(api)}")
    expect(page.locator("#me")).to_be_visible()
    expect(page.locator("#prefs-list li").first).to_be_visible()
    expect(page.locator("#loading")).to_be_hidden()
    no_horizontal_scroll(page)
    assert_accessible(page, f"{lang}/{size}: me with a token")

    page.goto(f"/recover?event={setup.event['id']}")
    expect(page.locator("#event")).to_have_value(str(setup.event["id"]))
    assert_accessible(page, f"{lang}/{size}: recover")


@pytest.mark.parametrize(("lang", "size"), BOTH)
def test_the_consent_box_links_to_the_privacy_notice(browsing: Browsing, setup: Setup, lang: str, size: str) -> None:
    text = TEXT[lang]
    page = open_page(browsing, lang, size, f"/events/{setup.other['slug']}")
    expect(page.locator("#event-meta")).to_have_text(f"{text['range_two_months']} · {setup.other['venue']}")
    own = page.get_by_role("link", name=text["privacy_own"])
    expect(own).to_have_attribute("href", PRIVACY_URL)
    expect(own).to_have_attribute("target", "_blank")
    expect(own).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator("#privacy-notice")).to_be_hidden()
    described = page.locator("#consent").get_attribute("aria-describedby") or ""
    assert "consent-privacy" in described.split()

    page.goto(f"/events/{setup.event['slug']}")  # unset: the built-in notice, opened from the link
    builtin = page.get_by_role("link", name=text["privacy_builtin"])
    expect(page.locator("#privacy-notice")).to_be_visible()
    expect(page.locator("#privacy-notice p").first).to_be_hidden()
    builtin.click()
    expect(page.locator("#privacy-notice p").first).to_be_visible()
    expect(page.locator("#privacy-notice")).to_contain_text(text["privacy_text"])
    expect(page.locator("#privacy-notice summary")).to_be_focused()
    assert_accessible(page, f"{lang}/{size}: event with the privacy notice open")


@pytest.mark.parametrize(("lang", "size"), BOTH)
def test_propose_a_topic(browsing: Browsing, setup: Setup, api: httpx.Client, lang: str, size: str) -> None:
    text = TEXT[lang]
    page = open_me(browsing, lang, size, setup.register(api))
    proposal = page.get_by_role("form", name=text["propose"])
    expect(proposal).to_have_count(1)
    proposal.get_by_role("button", name=text["send"]).click()  # nothing typed: "required", nothing sent
    title_box = proposal.locator("input[name=title]")
    expect(proposal.locator("[data-error-for=title]")).to_have_text(text["required"])
    expect(title_box).to_have_attribute("aria-invalid", "true")
    expect(title_box).to_be_focused()

    title = f"Wspólny transport szkolny ({lang})"
    title_box.fill(title)
    proposal.get_by_label(text["about"]).fill("Jak gminy dzielą koszty dowozu uczniów.")
    proposal.get_by_role("button", name=text["send"]).click()
    proposal = page.get_by_role("form", name=text["propose"])
    expect(proposal.get_by_role("status")).to_have_text(text["sent"].format(title=title))
    expect(proposal.locator("ul.proposals li", has_text=title)).to_contain_text(text["awaiting"])
    expect(proposal.locator("input[name=title]")).to_have_value("")
    seen = api.get(f"/api/v1/polls/{setup.open_poll['id']}", headers=setup.admin).json()["topics"]
    made = [t for t in seen if t["title"] == title]
    assert len(made) == 1 and made[0]["status"] == "proposed"
    assert made[0]["description"] == "Jak gminy dzielą koszty dowozu uczniów."
    ballot = page.get_by_role("form", name=setup.open_poll["title"])
    expect(ballot.get_by_label(title)).to_have_count(0)  # not on the ballot until approved

    response = api.patch(f"/api/v1/topics/{made[0]['id']}", headers=setup.admin, json={"status": "approved"})
    assert response.status_code == 200, response.text
    page.reload()
    ballot = page.get_by_role("form", name=setup.open_poll["title"])
    ballot.get_by_label(title).check()
    ballot.get_by_role("button", name=text["vote"]).click()
    expect(ballot.get_by_role("status")).not_to_be_empty()
    no_horizontal_scroll(page)


@pytest.mark.parametrize(("lang", "size"), BOTH)
def test_workshops_ranked_by_topic_in_groups_by_slot(
    browsing: Browsing, setup: Setup, api: httpx.Client, lang: str, size: str
) -> None:
    text = TEXT[lang]
    token = setup.register(api)
    page = open_me(browsing, lang, size, token)
    prefs = page.locator("#prefs-form")
    expect(page.locator("#prefs-section")).to_contain_text(text["vs_signup"])
    first, second = TOPICS[:2]
    for title in (first, second, STANDALONE):  # a topic on two days is one choice
        expect(prefs.locator("li", has_text=title)).to_have_count(1)
    groups = prefs.locator(".rank-group")
    expect(groups).to_have_count(2)
    both = groups.filter(has_text=first)
    expect(both.locator(".rank-group-heading")).to_contain_text(text["every_slot"])
    expect(both.locator(".rank-group-heading")).to_contain_text("14:00–15:30")
    expect(both.locator(".rank-group-heading")).to_contain_text("09:00–10:30")
    expect(both.locator("li", has_text=first)).to_contain_text(text["runs_twice"])
    one = groups.filter(has_text=STANDALONE)
    expect(one.locator(".rank-group-heading")).to_contain_text(re.compile(r"29.*14:00–15:30"))
    expect(one.locator(".rank-group-heading")).not_to_contain_text("09:00")

    prefs.get_by_role("button", name=text["add"].format(item=second)).click()
    prefs.get_by_role("button", name=text["add"].format(item=first)).click()
    expect(groups).to_have_count(1)  # the group whose choices are all ranked goes away
    prefs.get_by_role("button", name=text["save_ranking"]).click()
    expect(page.locator("#prefs-status")).to_have_text(text["saved"].format(n=2))
    saved = api.get("/api/v1/me/preferences", headers=bearer(token)).json()["session_ids"]
    assert saved == setup.by_topic[second] + setup.by_topic[first]  # each topic in any slot, in its place

    page.reload()  # the saved sessions come back as two choices
    expect(page.locator("#prefs-list ol > li")).to_have_count(2)
    expect(page.locator("#prefs-list ol > li").first).to_contain_text(second)
    no_horizontal_scroll(page)


@pytest.mark.parametrize(("lang", "size"), BOTH)
def test_plenary_without_seats_of_its_own_has_no_sign_up(
    browsing: Browsing, setup: Setup, api: httpx.Client, lang: str, size: str
) -> None:
    text = TEXT[lang]
    page = open_me(browsing, lang, size, setup.register(api))
    plenary = page.locator(f'#programme [data-session-id="{setup.plenary["id"]}"]')
    expect(plenary).to_contain_text(text["open_to_all"])
    expect(plenary.get_by_role("button")).to_have_count(0)
    workshop = page.locator(f'#programme [data-session-id="{setup.standalone["id"]}"]')
    expect(workshop.locator("button", has_text=text["signup"])).to_have_count(1)


@pytest.mark.parametrize(("lang", "size"), BOTH)
def test_cancelling_refreshes_the_seat_counts(
    browsing: Browsing, setup: Setup, api: httpx.Client, lang: str, size: str
) -> None:
    text = TEXT[lang]
    token = setup.register(api)
    response = api.post("/api/v1/me/enrollments", headers=bearer(token), json={"session_id": setup.standalone["id"]})
    assert response.status_code == 201, response.text
    page = open_me(browsing, lang, size, token)
    seats = page.locator(f'#programme [data-session-id="{setup.standalone["id"]}"] .seats')
    expect(seats).to_have_text(text["seats_before"])
    page.get_by_role("button", name=text["cancel"]).click()
    page.get_by_role("dialog").get_by_role("button", name=text["yes_cancel"]).click()
    expect(page.locator("#me-status")).to_have_text(text["cancelled"])
    expect(seats).to_have_text(text["seats_after"])  # the seat this person held is free again
    mine = api.get(f"/api/v1/sessions/{setup.standalone['id']}").json()
    assert mine["seats_left"] == 2
