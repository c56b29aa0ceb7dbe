"""The console with places (issue 25): every place of an event on a phone and a desktop with axe, deep links
and the back button, a duplicate publish explained (not made), sessions deleted in bulk with one question,
a session outside the event's days refused with the API's reason, and the improve-only re-run listing who
would move before anything is written."""

import re
from typing import Any

import httpx
import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, Browsing
from tests.e2e.world import World
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

PLACES = ["programme", "people", "form", "polls", "assignment", "messages", "exports", "door", "team"]
UNTRANSLATED = re.compile(r"\b(?:c?team|c?door|console|bulk|moves|plan|sessions|pub)\.[a-zA-Z]+")  # a key, not a text
SLOT = ("2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00")


def ok(response: httpx.Response, code: int = 201) -> Any:
    assert response.status_code == code, response.text
    return response.json()


def set_up(api: httpx.Client, admin: dict[str, str]) -> dict[str, Any]:
    """Two one-seat workshops in one slot, ranked the same by two people and written; a poll published once."""
    event = make_event(api, admin, slug="konsola-miejsca", title="Konsola: seminarium w Serocku")
    eid = event["id"]
    w1 = make_session(api, admin, eid, title="Energia", room="Sala A", capacity=1, starts_at=SLOT[0], ends_at=SLOT[1])
    w2 = make_session(
        api, admin, eid, title="Cyfryzacja", room="Sala B", capacity=1, starts_at=SLOT[0], ends_at=SLOT[1]
    )
    people = [
        ok(api.post(f"/api/v1/events/{eid}/registrations", json=person(i, email=f"k{i}@gmina.pl"))) for i in (1, 2)
    ]
    for p in people:
        ok(
            api.put("/api/v1/me/preferences", json={"session_ids": [w1["id"], w2["id"]]}, headers=bearer(p["token"])),
            200,
        )
    ok(api.post(f"/api/v1/events/{eid}/assignments", json={"method": "optimal", "dry_run": False}, headers=admin), 200)
    ok(api.patch(f"/api/v1/sessions/{w1['id']}", json={"capacity": 2}, headers=admin), 200)  # a seat frees up
    poll = ok(
        api.post(
            f"/api/v1/events/{eid}/polls", json={"title": "Tematy", "seats": 1, "ballot": "approval"}, headers=admin
        )
    )
    topic = ok(api.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Retencja wody"}, headers=admin))
    for p in people:
        ok(
            api.put(
                f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": [topic["id"]]}, headers=bearer(p["token"])
            ),
            200,
        )
    publish = {"starts_at": "2022-11-30T12:00:00+01:00", "ends_at": "2022-11-30T13:00:00+01:00",
               "rooms": [{"room": "Sala C", "capacity": 20}]}  # fmt: skip
    ok(api.post(f"/api/v1/polls/{poll['id']}/publish", json=publish, headers=admin))
    return {"event": event, "w1": w1, "w2": w2, "people": people, "poll": poll}


def sign_in(page: Page, key: str, path: str) -> None:
    page.goto(path)
    page.get_by_label("Organizer key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#console")).to_be_visible()


def visit_every_place(page: Page, eid: int, size: str) -> None:
    page.goto("/admin")
    expect(page.locator("#events-table")).to_be_visible()
    assert_accessible(page, f"console {size}: events")
    page.goto(f"/admin/events/{eid}")
    expect(page.locator("#todo")).to_be_visible()
    assert_accessible(page, f"console {size}: overview")
    for place in PLACES:
        page.locator("#places-nav").get_by_role("link", name=re.compile(r"^\S")).nth(PLACES.index(place) + 1).click()
        page.wait_for_url(re.compile(f"/admin/events/{eid}/{place}$"))
        expect(page.locator(f"#place-{place}")).to_be_visible()
        expect(page.locator(f'#places-nav a[aria-current="page"][data-place-link="{place}"]')).to_have_count(1)
        expect(page.locator(f"#place-{place} h2").first).to_be_focused()
        assert_accessible(page, f"console {size}: {place}")
        shown = page.locator(f"#place-{place}").inner_text()
        assert not UNTRANSLATED.search(shown), (place, UNTRANSLATED.findall(shown))


def test_console_places(browsing: Browsing, world: World, api: httpx.Client) -> None:
    made = set_up(api, world.admin)
    eid = made["event"]["id"]

    # a deep link signs in at its own place; the menu and the back button move between places
    page = browsing.page()
    sign_in(page, world.admin_token, f"/admin/events/{eid}/polls")
    expect(page.locator("#place-polls")).to_be_visible()
    expect(page.locator("#place-people")).to_be_hidden()
    page.locator("#places-nav").get_by_role("link", name="People").click()
    page.wait_for_url(f"**/admin/events/{eid}/people")
    expect(page.locator("#regs-table tbody tr")).to_have_count(2)
    page.go_back()
    page.wait_for_url(f"**/admin/events/{eid}/polls")
    expect(page.locator("#place-polls")).to_be_visible()
    expect(page.locator('#places-nav a[aria-current="page"]')).to_have_text("Polls")
    page.go_forward()
    expect(page.locator("#place-people")).to_be_visible()

    # the overview says what needs doing and links to its place; /admin links to the door page
    page.goto(f"/admin/events/{eid}")
    expect(page.locator("#count-registered .num")).to_have_text("2")
    expect(page.locator("#todo")).to_be_visible()
    page.goto("/admin")
    expect(page.locator(f'#events-table a[href="/events/{eid}/door"]')).to_have_count(1)

    # the same winners published again into the same time: explained, nothing made
    page.goto(f"/admin/events/{eid}/polls")
    page.get_by_role("button", name="Manage the poll Tematy").click()
    expect(page.locator("#publish-done-note")).to_be_visible()
    form = page.locator("#publish-form")
    form.locator("#publish-form-starts-at").fill("2022-11-30T12:00")
    form.locator("#publish-form-ends-at").fill("2022-11-30T13:00")
    form.locator("#pub-room-0").fill("Sala C")
    form.locator("#pub-capacity-0").fill("20")
    form.get_by_role("button", name="Publish").click()
    page.get_by_role("dialog").get_by_role("button", name="Publish").click()
    expect(page.locator("#publish-form-error")).to_contain_text("already run as workshops at that time")
    topics = [s for s in api.get(f"/api/v1/events/{eid}/sessions").json()["items"] if s["topic_id"]]
    assert len(topics) == 1

    # programme: a break and a meal added (kinds), one outside the event's days refused with the reason,
    # then both deleted together after one question
    page.goto(f"/admin/events/{eid}/programme")
    session_form = page.locator("#session-form")
    for title, kind, day in (
        ("Przerwa kawowa", "break", "11-29"),
        ("Obiad", "meal", "11-29"),
        ("Kolacja", "social", "12-01"),
    ):
        session_form.locator("#session-form-title").fill(title)
        session_form.locator("#session-form-kind").select_option(kind)
        session_form.locator("#session-form-starts-at").fill(f"2022-{day}T11:00")
        session_form.locator("#session-form-ends-at").fill(f"2022-{day}T11:30")
        session_form.get_by_role("button", name="Add the session").click()
        if day == "12-01":
            expect(page.locator("#session-form-starts-at-error")).to_contain_text(
                "within the event's days: 2022-11-29 to 2022-11-30 (Europe/Warsaw)"
            )
        else:
            expect(page.locator("#sessions-table")).to_contain_text(title)
    kinds = {s["title"]: s["kind"] for s in api.get(f"/api/v1/events/{eid}/sessions").json()["items"]}
    assert (kinds["Przerwa kawowa"], kinds["Obiad"]) == ("break", "meal") and "Kolacja" not in kinds
    page.get_by_role("checkbox", name="Select Przerwa kawowa").check()
    page.get_by_role("checkbox", name="Select Obiad").check()
    page.get_by_role("button", name="Delete selected (2)").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete 2").click()
    expect(page.locator("#sessions-table")).not_to_contain_text("Przerwa kawowa")
    left = {s["title"] for s in api.get(f"/api/v1/events/{eid}/sessions").json()["items"]}
    assert not left & {"Przerwa kawowa", "Obiad"} and {"Energia", "Cyfryzacja"} <= left

    # improve only: the dry run lists who would move, nothing written until "write"
    page.goto(f"/admin/events/{eid}/assignment")
    page.get_by_label("Improve only (a re-run").check()
    page.get_by_role("button", name="Try the assignment").click()
    moves = page.locator("#plan-moves-table tbody tr")
    expect(moves).to_have_count(1)
    expect(moves.first).to_contain_text("Cyfryzacja")
    expect(moves.first).to_contain_text("Energia")
    assert_accessible(page, "console: improve-only moves")
    w1_people = api.get(f"/api/v1/sessions/{made['w1']['id']}/enrollments", headers=world.admin).json()["items"]
    assert len([p for p in w1_people if p["status"] == "enrolled"]) == 1  # a dry run writes nothing
    page.get_by_role("button", name="Write these seats").click()
    page.get_by_role("dialog").get_by_role("button", name="Write these seats").click()
    expect(page.locator("#plan-moves-heading")).to_have_text("Who moved: 1")
    w1_people = api.get(f"/api/v1/sessions/{made['w1']['id']}/enrollments", headers=world.admin).json()["items"]
    assert len([p for p in w1_people if p["status"] == "enrolled"]) == 2

    # every place, phone and desktop, with axe
    for size, viewport in (("phone", PHONE), ("desktop", {"width": 1366, "height": 768})):
        other = browsing.page(viewport=viewport)
        sign_in(other, world.admin_token, "/admin")
        visit_every_place(other, eid, size)
