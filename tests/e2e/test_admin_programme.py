"""The organizer runs a seminar from /admin alone: sets up the event and its sessions, a topic poll
with topics, approves a participant's proposal, reads the results with the equal-shares explanation,
and publishes the winners into two rooms. At desktop and phone sizes, in Polish and in English;
every state reached is checked with axe. Participants act through the API, as their pages would."""

from typing import Any

import httpx
import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESKTOP, PHONE, Browsing
from tests.e2e.world import World
from tests.factories import bearer, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

TEXT: dict[str, dict[str, str]] = {
    "pl": {
        "signin": "Zaloguj",
        "newEvent": "Przygotuj nowe wydarzenie",
        "pollsPlace": "Głosowania",
        "createEvent": "Utwórz wydarzenie",
        "saveEvent": "Zapisz wydarzenie",
        "slugError": "Użyj tylko małych liter",
        "endsOnError": "Ostatni dzień nie może",
        "created": "Utworzono wydarzenie",
        "saved": "Zapisano wydarzenie",
        "addSession": "Dodaj sesję",
        "endsAtError": "Koniec musi być po początku",
        "saveSession": "Zapisz sesję",
        "edit": "Edytuj",
        "createPoll": "Utwórz ankietę",
        "addTopic": "Dodaj temat",
        "manage": "Zarządzaj ankietą",
        "approve": "Akceptuj propozycję",
        "announce": "Ogłoś e-mailem",
        "announceLabel": "Ogłoś e-mailem ankietę Tematy warsztatów",
        "announced": "Ogłoszenie czeka na wysłanie do 4 osób",
        "poll": "Głosowanie",
        "explain": "Wyjaśnij decyzję",
        "satisfied": "spełniona",
        "bought": "kupiony równymi udziałami",
        "paid": "głosujących zapłaciło po",
        "publish": "Opublikuj zwycięzców",
        "removeRoom": "Usuń ostatnią salę",
        "roomsError": "Podaj co najmniej jedną salę",
        "addRoom": "Dodaj salę",
        "published": "Opublikowano",
        "workshop": "Warsztat",
        "plenary": "Sesja plenarna",
        "tableName": "Sesje",
        "cancel": "Anuluj",
        "privacyError": "Podaj adres https://",
    },
    "en": {
        "signin": "Sign in",
        "newEvent": "Set up a new event",
        "pollsPlace": "Polls",
        "createEvent": "Create the event",
        "saveEvent": "Save the event",
        "slugError": "Use small letters",
        "endsOnError": "The last day cannot",
        "created": "Event created",
        "saved": "Event saved",
        "addSession": "Add the session",
        "endsAtError": "The end must be after the start",
        "saveSession": "Save the session",
        "edit": "Edit",
        "createPoll": "Create the poll",
        "addTopic": "Add the topic",
        "manage": "Manage the poll",
        "approve": "Approve the proposal",
        "announce": "Announce by e-mail",
        "announceLabel": "Announce by e-mail: Tematy warsztatów",
        "announced": "Announcement queued for 4 people",
        "poll": "Poll",
        "explain": "Explain the decision",
        "satisfied": "satisfied",
        "bought": "bought with equal shares",
        "paid": "voters paid",
        "publish": "Publish the winners",
        "removeRoom": "Remove the last room",
        "roomsError": "Give at least one room",
        "addRoom": "Add a room",
        "published": "Published",
        "workshop": "Workshop",
        "plenary": "Plenary",
        "tableName": "Sessions",
        "cancel": "Cancel",
        "privacyError": "Enter an https:// address",
    },
}
CASES = [("desktop", "pl"), ("phone", "en"), ("phone", "pl"), ("desktop", "en")]
TOPICS = ["Wspólne zamówienia publiczne", "Turystyka rzeczna", "Transport zbiorowy"]
PROPOSAL = "Gospodarka wodna w gminach"
# Four approval ballots over the three topics and the approved proposal (index 3): equal shares buys 0 and 3.
BALLOTS = [[0, 3], [0, 1], [3], [0, 2]]


def toast(page: Page, text: str) -> None:
    """The status line says it, and stays in view wherever the page is scrolled."""
    box = page.locator("#live")  # the console's one status line
    expect(box).to_contain_text(text)
    expect(box).to_have_attribute("role", "status")
    expect(box).to_be_in_viewport()


def sign_in(page: Page, key: str, lang: str) -> None:
    page.goto("/admin")
    page.locator("#organizer-key").fill(key)
    page.get_by_role("button", name=TEXT[lang]["signin"], exact=True).click()
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#events-table")).to_be_visible()  # /admin: the events, then "set up a new event"
    expect(page.locator("#event-form")).to_be_hidden()


def create_event(page: Page, api: httpx.Client, world: World, lang: str, slug: str) -> dict[str, Any]:
    tx = TEXT[lang]
    page.get_by_role("button", name=tx["newEvent"]).click()
    form = page.locator("#event-form")
    expect(form.locator("#event-form-title")).to_be_focused()
    form.locator("#event-form-title").fill(f"Seminarium partnerstw {slug}")
    form.locator("#event-form-slug").fill("Zła Nazwa")
    form.locator("#event-form-venue").fill("Hotel Narvil, Serock")
    form.locator("#event-form-starts-on").fill("2026-05-12")
    form.locator("#event-form-ends-on").fill("2026-05-11")
    form.locator("#event-form-capacity").fill("150")
    form.locator("#event-form-max-per-organization").fill("3")
    form.locator("#event-form-registration-opens-at").fill("2020-01-10T09:00")
    form.locator("#event-form-registration-closes-at").fill("2030-05-01T12:00")
    form.locator("#event-form-language").select_option("en")
    form.get_by_role("button", name=tx["createEvent"]).click()
    # the API's errors at the fields: first the slug's pattern, then the days in the wrong order
    expect(form.locator("#event-form-slug-error")).to_contain_text(tx["slugError"])
    expect(form.locator("#event-form-slug")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#event-form-slug")).to_be_focused()
    assert_accessible(page, f"admin {lang}: event form with an error")
    form.locator("#event-form-slug").fill(slug)
    form.get_by_role("button", name=tx["createEvent"]).click()
    expect(form.locator("#event-form-ends-on-error")).to_contain_text(tx["endsOnError"])
    expect(form.locator("#event-form-slug")).not_to_have_attribute("aria-invalid", "true")
    form.locator("#event-form-ends-on").fill("2026-05-13")
    form.get_by_role("button", name=tx["createEvent"]).click()
    toast(page, tx["created"])
    events = api.get("/api/v1/events?limit=500", headers=world.admin).json()["items"]
    event = next(e for e in events if e["slug"] == slug)
    assert (event["timezone"], event["capacity"], event["max_per_organization"], event["language"]) == (
        "Europe/Warsaw",
        150,
        3,
        "en",
    )
    assert event["registration_opens_at"] == "2020-01-10T08:00:00Z"  # Warsaw time, not the browser's (New York)
    assert event["registration_closes_at"] == "2030-05-01T10:00:00Z"
    expect(page.locator("#event-select")).to_have_value(str(event["id"]))
    page.wait_for_url(f"**/admin/events/{event['id']}/programme")  # the new event's programme place
    expect(page.locator('#places-nav a[aria-current="page"]')).to_have_attribute("data-place-link", "programme")
    # edit it: the venue changes
    page.locator("#event-form-venue").fill("Hotel Zegrzyński, Serock")
    page.get_by_role("button", name=tx["saveEvent"]).click()
    toast(page, tx["saved"])
    assert api.get(f"/api/v1/events/{event['id']}").json()["venue"] == "Hotel Zegrzyński, Serock"
    set_privacy_notice(page, event, lang)
    return event


def save_event(page: Page, event: dict[str, Any], lang: str) -> Any:
    """Click "save the event" and return the API's answer to it."""
    path = f"/api/v1/events/{event['id']}"
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(path)) as answer:
        page.get_by_role("button", name=TEXT[lang]["saveEvent"]).click()
    return answer.value


def set_privacy_notice(page: Page, event: dict[str, Any], lang: str) -> None:
    """The organizer's privacy notice: an https address (anything else is refused at the field); empty: built in."""
    field = page.locator("#event-form-privacy-url")
    expect(field).to_have_value("")
    field.fill("http://www.gmina-serock.pl/rodo")
    assert save_event(page, event, lang).status == 422
    expect(page.locator("#event-form-privacy-url-error")).to_contain_text(TEXT[lang]["privacyError"])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    assert_accessible(page, f"admin {lang}: privacy notice address refused")
    field.fill("https://www.gmina-serock.pl/ochrona-danych")
    saved = save_event(page, event, lang)
    assert saved.status == 200 and saved.json()["privacy_url"] == "https://www.gmina-serock.pl/ochrona-danych"
    expect(page.locator("#event-form-privacy-url")).to_have_value("https://www.gmina-serock.pl/ochrona-danych")
    expect(page.locator("#event-form-privacy-url")).not_to_have_attribute("aria-invalid", "true")
    page.locator("#event-form-privacy-url").fill("")  # back to the built-in notice
    cleared = save_event(page, event, lang)
    assert cleared.status == 200 and cleared.json()["privacy_url"] is None


def add_session(page: Page, lang: str, title: str, kind: str, starts: str, ends: str, room: str, capacity: str) -> None:
    form = page.locator("#session-form")
    form.locator("#session-form-title").fill(title)
    form.locator("#session-form-kind").select_option(kind)
    form.locator("#session-form-starts-at").fill(starts)
    form.locator("#session-form-ends-at").fill(ends)
    form.locator("#session-form-room").fill(room)
    form.locator("#session-form-capacity").fill(capacity)
    form.get_by_role("button", name=TEXT[lang]["addSession"]).click()


def set_up_sessions(page: Page, api: httpx.Client, event: dict[str, Any], lang: str) -> None:
    tx = TEXT[lang]
    add_session(page, lang, "Otwarcie seminarium", "plenary", "2026-05-12T10:00", "2026-05-12T09:00", "Sala Główna", "")
    expect(page.locator("#session-form-ends-at-error")).to_contain_text(tx["endsAtError"])
    expect(page.locator("#session-form-ends-at")).to_be_focused()
    assert_accessible(page, f"admin {lang}: session form with an error")
    page.locator("#session-form-ends-at").fill("2026-05-12T11:00")
    page.locator("#session-form").get_by_role("button", name=tx["addSession"]).click()
    expect(page.locator("#sessions-table tbody tr")).to_have_count(1)
    add_session(
        page, lang, "Panel: partnerstwa po 2027", "workshop", "2026-05-13T09:00", "2026-05-13T10:30", "Sala A", "40"
    )
    rows = page.locator("#sessions-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("10:00")
    expect(rows.nth(0)).to_contain_text(tx["plenary"])
    region = page.locator("#sessions-table")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_accessible_name(tx["tableName"])
    # edit the second one: it is a panel, in another room
    page.get_by_role(
        "button",
        name=f"{tx['edit']}: Panel: partnerstwa po 2027" if lang == "pl" else "Edit Panel: partnerstwa po 2027",
    ).click()
    expect(page.locator("#session-form-title")).to_have_value("Panel: partnerstwa po 2027")
    expect(page.locator("#session-form-starts-at")).to_have_value("2026-05-13T09:00")
    page.locator("#session-form-kind").select_option("panel")
    page.locator("#session-form-room").fill("Sala Kominkowa")
    page.get_by_role("button", name=tx["saveSession"]).click()
    expect(rows.nth(1)).to_contain_text("Sala Kominkowa")
    sessions = api.get(f"/api/v1/events/{event['id']}/sessions").json()["items"]
    assert [(s["kind"], s["starts_at"], s["capacity"]) for s in sessions] == [
        ("plenary", "2026-05-12T08:00:00Z", None),
        ("panel", "2026-05-13T07:00:00Z", 40),
    ]
    assert_accessible(page, f"admin {lang}: sessions")


def people_vote(api: httpx.Client, event: dict[str, Any], poll: dict[str, Any], slug: str) -> list[str]:
    """Four confirmed participants; the first proposes a topic (before the organizer approves it)."""
    tokens = []
    for i in range(1, 5):
        r = api.post(f"/api/v1/events/{event['id']}/registrations", json=person(i, email=f"p{i}.{slug}@gmina.pl"))
        assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
        tokens.append(r.json()["token"])
    r = api.post(
        f"/api/v1/polls/{poll['id']}/proposals",
        json={"title": PROPOSAL, "description": "Retencja i susze"},
        headers=bearer(tokens[0]),
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed", r.text
    return tokens


@pytest.mark.parametrize(("size", "lang"), CASES, ids=[f"{s}-{lang}" for s, lang in CASES])
def test_organizer_runs_programme_and_poll(
    browsing: Browsing, world: World, api: httpx.Client, size: str, lang: str
) -> None:
    tx = TEXT[lang]
    slug = f"seminarium-{size}-{lang}"
    page = browsing.page(viewport=DESKTOP if size == "desktop" else PHONE, locale="pl-PL" if lang == "pl" else "en-GB")
    sign_in(page, world.admin_token, lang)
    assert_accessible(page, f"admin {lang}: signed in")
    event = create_event(page, api, world, lang, slug)
    assert_accessible(page, f"admin {lang}: event created")
    set_up_sessions(page, api, event, lang)

    # a poll with three topics, in the polls place
    page.locator("#places-nav").get_by_role("link", name=tx["pollsPlace"]).click()
    page.wait_for_url(f"**/admin/events/{event['id']}/polls")
    form = page.locator("#poll-form")
    form.locator("#poll-form-title").fill("Tematy warsztatów")
    form.locator("#poll-form-seats").fill("2")
    form.locator("#poll-form-allow-proposals").check()
    form.get_by_role("button", name=tx["createPoll"]).click()
    expect(page.locator("#poll-manage")).to_be_visible()
    polls = api.get(f"/api/v1/events/{event['id']}/polls", headers=world.admin).json()["items"]
    assert [(p["title"], p["seats"], p["ballot"], p["allow_proposals"]) for p in polls] == [
        ("Tematy warsztatów", 2, "approval", True)
    ]
    poll = polls[0]
    for title in TOPICS:
        page.locator("#topic-form-title").fill(title)
        page.get_by_role("button", name=tx["addTopic"]).click()
        expect(page.locator("#topics-list")).to_contain_text(title)
    expect(page.locator("#topics-list > li")).to_have_count(3)
    assert_accessible(page, f"admin {lang}: poll with topics")

    # a participant's proposal, approved from the console
    tokens = people_vote(api, event, poll, slug)
    page.get_by_role("button", name=f"{tx['manage']} Tematy warsztatów").click()
    proposals = page.locator("#proposals-table")
    expect(proposals).to_contain_text(PROPOSAL)
    expect(proposals).to_have_attribute("role", "region")
    assert_accessible(page, f"admin {lang}: a proposal waiting")
    page.get_by_role("button", name=f"{tx['approve']} {PROPOSAL}").click()
    expect(page.locator("#topics-list > li")).to_have_count(4)
    expect(page.locator("#topics-list")).to_contain_text(PROPOSAL)
    expect(page.locator("#proposals-table tbody tr")).to_have_count(0)
    topics = {t["title"]: t for t in api.get(f"/api/v1/polls/{poll['id']}").json()["topics"]}
    assert topics[PROPOSAL]["status"] == "approved"
    ids = [topics[title]["id"] for title in [*TOPICS, PROPOSAL]]
    for token, ballot in zip(tokens, BALLOTS, strict=True):
        r = api.put(
            f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [ids[i] for i in ballot]}, headers=bearer(token)
        )
        assert r.status_code == 200, r.text

    page.get_by_role("button", name=tx["announceLabel"]).click()
    page.get_by_role("dialog").get_by_role("button", name=tx["announce"]).click()
    toast(page, tx["announced"])

    # results with the explanation
    page.locator("#results-controls").get_by_label(tx["poll"], exact=True).select_option(label="Tematy warsztatów")
    page.get_by_label(tx["explain"]).check()
    explained = api.get(
        f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares", "explain": "true"}, headers=world.admin
    ).json()
    winners = [next(t for t, v in topics.items() if v["id"] == w) for w in explained["winners"]]
    assert winners == [TOPICS[0], PROPOSAL]
    rounds = page.locator("#explain-rounds tbody tr")
    expect(rounds).to_have_count(len(explained["explanation"]["rounds"]))
    expect(rounds.nth(0)).to_contain_text(winners[0])
    expect(rounds.nth(0)).to_contain_text(tx["bought"])
    expect(rounds.nth(0)).to_contain_text(tx["paid"])
    expect(page.locator("#explain-budget")).to_contain_text("4")
    expect(page.locator("#results-properties .badge.ok")).to_have_count(2)  # EJR and PJR
    expect(page.locator("#results-properties")).to_contain_text(tx["satisfied"])
    expect(page.locator("#explain-not-bought > li")).to_have_count(len(explained["explanation"]["not_bought"]))
    expect(page.locator("#explain-rounds-wrap")).to_have_attribute("tabindex", "0")
    assert_accessible(page, f"admin {lang}: results explained")

    # publish the winners into two rooms; one room is too few
    publish = page.locator("#publish-form")
    publish.locator("#publish-form-starts-at").fill("2026-05-12T14:00")
    publish.locator("#publish-form-ends-at").fill("2026-05-12T15:30")
    publish.locator("#pub-room-0").fill("Sala A")
    publish.locator("#pub-capacity-0").fill("80")
    publish.get_by_role("button", name=tx["removeRoom"]).click()
    publish.get_by_role("button", name=tx["publish"]).click()
    page.get_by_role("dialog").get_by_role("button", name=tx["publish"]).click()
    expect(page.locator("#pub-rooms-error")).to_contain_text(tx["roomsError"])
    assert_accessible(page, f"admin {lang}: publish with an error")
    publish.get_by_role("button", name=tx["addRoom"]).click()
    expect(page.locator("#pub-room-1")).to_be_focused()
    page.locator("#pub-room-1").fill("Sala B")
    page.locator("#pub-capacity-1").fill("70")
    publish.get_by_role("button", name=tx["publish"]).click()
    page.get_by_role("dialog").get_by_role("button", name=tx["publish"]).click()
    toast(page, tx["published"])
    made = page.locator("#publish-result-table tbody tr")
    expect(made).to_have_count(2)
    expect(made.nth(0)).to_contain_text(winners[0])
    expect(made.nth(0)).to_contain_text("Sala A")
    expect(made.nth(1)).to_contain_text(PROPOSAL)
    expect(made.nth(0)).to_contain_text("14:00")
    expect(page.locator("#sessions-table tbody tr")).to_have_count(4)
    expect(page.locator("#sessions-table")).to_contain_text(tx["workshop"])
    sessions = [s for s in api.get(f"/api/v1/events/{event['id']}/sessions").json()["items"] if s["topic_id"]]
    assert [(s["topic_id"], s["room"], s["capacity"], s["starts_at"]) for s in sessions] == [
        (explained["winners"][0], "Sala A", 80, "2026-05-12T12:00:00Z"),
        (explained["winners"][1], "Sala B", 70, "2026-05-12T12:00:00Z"),
    ]
    assert_accessible(page, f"admin {lang}: winners published")
