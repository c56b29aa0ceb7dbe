"""The registration form in a real browser: the event's own questions with places per option,
an invitation code, and registrations that wait for the organizers' approval.

Each test makes its own event through the API (like an organizer's script), so it depends
neither on the journey's order nor on the shared seminar.
"""

import re
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Browsing
from tests.e2e.world import World
from tests.factories import bearer, make_event, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

ROOMS: dict[str, Any] = {
    "label": {"pl": "Nocleg", "en": "Accommodation"},
    "type": "single_choice",
    "required": True,
    "help": {"pl": "Hotel Narvil, noc z 29 na 30 listopada.", "en": "Hotel Narvil, the night of 29 November."},
    "options": [
        {"label": {"pl": "Pokój jednoosobowy", "en": "Single room"}, "capacity": 1},
        {"label": {"pl": "Pokój dwuosobowy", "en": "Double room"}, "capacity": 20},
        {"label": {"pl": "Bez noclegu", "en": "No room"}},
    ],
}
DIET: dict[str, Any] = {"label": {"pl": "Uwagi dotyczące wyżywienia"}, "type": "text"}  # no English: shown in Polish
DELEGATION: dict[str, Any] = {
    "label": {"pl": "Numer delegacji", "en": "Travel order number"},
    "type": "text",
    "required": True,
    "categories": ["ministry"],
}


def add_question(api: httpx.Client, world: World, event_id: int, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"/api/v1/events/{event_id}/questions", json=body, headers=world.admin)
    assert response.status_code == 201, response.text
    question: dict[str, Any] = response.json()
    return question


def fill_basics(page: Page, first: str, last: str, email: str, org: str) -> None:
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Organization").fill(org)
    page.get_by_label(re.compile("I agree to the processing")).check()


def sign_in(page: Page, key: str, event_id: int) -> None:
    page.goto("/admin")
    page.get_by_label("Organizer key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#console")).to_be_visible()
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    page.wait_for_url(f"**/admin/events/{event_id}")  # the event's overview


def open_place(page: Page, event_id: int, name: str, place: str) -> None:
    """One of the event's places, from the console's places menu (its address names it)."""
    page.locator("#places-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**/admin/events/{event_id}/{place}".rstrip("/"))


def test_an_option_with_one_place_goes_to_one_person(browsing: Browsing, world: World, api: httpx.Client) -> None:
    event = make_event(api, world.admin, slug="forms-rooms", title="Seminarium z noclegiem")
    rooms = add_question(api, world, event["id"], ROOMS)
    diet = add_question(api, world, event["id"], DIET)
    delegation = add_question(api, world, event["id"], DELEGATION)
    single = rooms["options"][0]["id"]

    a = browsing.page()
    a.goto(f"/events/{event['slug']}")
    group = a.get_by_role("group", name=re.compile("^Accommodation"))
    expect(group).to_be_visible()
    expect(group).to_contain_text("Hotel Narvil, the night of 29 November.")
    expect(group.locator(f'[data-option-id="{single}"]')).to_be_enabled()
    expect(group.locator("label", has_text="Single room")).to_contain_text("1 place left")
    expect(a.locator(f"#q-{diet['id']}")).to_be_visible()
    expect(a.locator(f'label[for="q-{diet["id"]}"] [lang="pl"]')).to_have_text(DIET["label"]["pl"])  # no English label
    expect(a.locator(f"#q-{delegation['id']}")).to_have_count(0)  # only for ministries
    a.get_by_label(DIET["label"]["pl"]).fill("wegetariańskie")
    a.get_by_label("Category").select_option("ministry")
    expect(a.get_by_label(re.compile("^Travel order number"))).to_be_visible()
    expect(a.get_by_label(DIET["label"]["pl"])).to_have_value("wegetariańskie")  # kept across the re-render
    a.get_by_label("Category").select_option("local_government")
    expect(a.locator(f"#q-{delegation['id']}")).to_have_count(0)

    b = browsing.page()  # B opens the form while the single room is still free
    b.goto(f"/events/{event['slug']}")
    expect(b.get_by_role("group", name=re.compile("^Accommodation"))).to_be_visible()

    fill_basics(a, "Anna", "Zawadzka", "anna.zawadzka@gmina-serock.pl", "Gmina Serock")
    a.get_by_role("button", name="Register").click()  # the required room is missing: 422 next to it
    expect(a.locator(f"#q-{rooms['id']}-error")).to_have_text("Please answer this question.")
    expect(a.locator(f'[name="answers.{rooms["id"]}"]').first).to_be_focused()
    a.get_by_label("Single room").check()
    a.get_by_label("Everyone").check()
    a.get_by_role("button", name="Register").click()
    a.wait_for_url(re.compile(r"/me$"))
    expect(a.locator("#me-status")).to_contain_text("Your seat is confirmed")
    expect(a.get_by_label("Single room")).to_be_checked()
    expect(a.get_by_label("Single room")).to_be_enabled()  # full, but it is this person's place
    expect(a.get_by_label(DIET["label"]["pl"])).to_have_value("wegetariańskie")
    expect(a.get_by_label("Everyone")).to_be_checked()
    expect(a.locator("#participants-list")).to_contain_text("Anna Zawadzka")

    fill_basics(b, "Bartosz", "Nowak", "bartosz.nowak@gmina-serock.pl", "Gmina Serock")
    b.get_by_label("Single room").check()
    b.get_by_role("button", name="Register").click()  # taken meanwhile: 409 names the option
    expect(b.locator(f"#q-{rooms['id']}-error")).to_contain_text("“Single room” has just filled up")
    expect(b.locator(f'[data-option-id="{single}"]')).to_be_disabled()
    b_rooms = b.get_by_role("group", name=re.compile("^Accommodation"))
    expect(b_rooms.locator("label", has_text="Single room")).to_contain_text("full")

    c = browsing.page()  # a newcomer sees it full at once
    c.goto(f"/events/{event['slug']}")
    expect(c.locator(f'[data-option-id="{single}"]')).to_be_disabled()
    b.get_by_label("Double room").check()
    b.get_by_role("button", name="Register").click()
    b.wait_for_url(re.compile(r"/me$"))
    expect(b.get_by_label("Double room")).to_be_checked()
    expect(b.locator(f'[data-option-id="{single}"]')).to_be_disabled()
    b.get_by_label("No room").check()  # change the answer on the personal page
    b.get_by_label("Participants of this event").check()
    b.get_by_role("button", name="Save my answers").click()
    expect(b.locator("#answers-status")).to_have_text("Your answers are saved.")
    me = api.get("/api/v1/me", headers=bearer(b.evaluate("sessionStorage.getItem('seminar.token')"))).json()
    assert me["answers"][str(rooms["id"])] == [rooms["options"][2]["id"]] and me["listing"] == "participants"

    # The organizer sees places taken, and what cannot change once people answered.
    admin = browsing.page()
    sign_in(admin, world.admin_token, event["id"])
    open_place(admin, event["id"], "Form and invitations", "form")
    item = admin.locator(f'#questions-admin [data-question-id="{rooms["id"]}"]')
    expect(item.locator(f'[data-option-id="{single}"]')).to_contain_text("chosen by 1 of 1, 0 left")
    item.get_by_role("button", name="Edit Nocleg").click()
    admin.get_by_label("Places for option 1").fill("0")
    admin.get_by_role("button", name="Save the question").click()
    expect(admin.locator("#qe-opt-0-cap-error")).to_have_text(
        "Already chosen by 1: the number of places cannot be lower than that."
    )
    expect(admin.get_by_label("Places for option 1")).to_be_focused()
    admin.get_by_label("Places for option 1").fill("2")
    admin.get_by_role("button", name="Save the question").click()
    expect(item.locator(f'[data-option-id="{single}"]')).to_contain_text("chosen by 1 of 2, 1 left")
    item.get_by_role("button", name="Delete Nocleg").click()
    admin.get_by_role("dialog").get_by_role("button", name="Delete the question").click()
    expect(admin.locator("#questions-error")).to_contain_text("it cannot be deleted")


def test_an_invitation_code_admits_outside_the_window(browsing: Browsing, world: World, api: httpx.Client) -> None:
    event = make_event(
        api,
        world.admin,
        slug="forms-invited",
        title="Spotkanie zamknięte",
        registration_opens_at="2021-01-01T09:00:00+01:00",
        registration_closes_at="2021-02-01T09:00:00+01:00",
    )
    admin = browsing.page()
    sign_in(admin, world.admin_token, event["id"])
    open_place(admin, event["id"], "Form and invitations", "form")
    expect(admin.locator("#invites-table")).to_contain_text("No invitation codes yet.")
    admin.get_by_label(re.compile("^Name")).fill("Prelegenci")
    admin.get_by_label("How many people it admits").fill("2")
    admin.get_by_label("Seats to hold").fill("1")
    admin.get_by_role("button", name="Create the code").click()
    box = admin.locator("#invite-code-box")
    expect(box).to_be_focused()
    expect(box).to_contain_text("shown only now")
    code = (admin.locator("#invite-code").text_content() or "").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    row = admin.locator("#invites-table tbody tr", has_text="Prelegenci")
    expect(row).to_contain_text("0 of 2")
    expect(row).to_contain_text("active")

    page = browsing.page()
    page.goto(f"/events/{event['slug']}")
    expect(page.locator("#register-window")).to_have_text("Registration is closed.")
    expect(page.get_by_role("button", name="Register")).to_be_disabled()
    page.get_by_role("button", name="I have an invitation code").click()
    code_input = page.get_by_role("textbox", name=re.compile("^Invitation code"))
    expect(code_input).to_be_focused()
    code_input.fill("AAAA-BBBB-CCCC")
    expect(page.get_by_role("button", name="Register")).to_be_enabled()
    fill_basics(page, "Celina", "Wiśniewska", "celina.wisniewska@gmina-serock.pl", "Gmina Serock")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#invitation_code-error")).to_contain_text("This invitation code is not valid for this event")
    expect(code_input).to_be_focused()
    code_input.fill(code.lower())  # letter case does not matter
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("#me-status")).to_contain_text("Your seat is confirmed")

    admin.reload()
    expect(admin.locator("#invites-table tbody tr", has_text="Prelegenci")).to_contain_text("1 of 2")
    admin.get_by_role("button", name="Withdraw Prelegenci").click()
    admin.get_by_role("dialog").get_by_role("button", name="Withdraw the code").click()
    expect(admin.locator("#invites-table tbody tr", has_text="Prelegenci")).to_contain_text("withdrawn")


def test_pending_registrations_are_approved_on_the_admin_page(
    browsing: Browsing, world: World, api: httpx.Client
) -> None:
    event = make_event(api, world.admin, slug="forms-approval", title="Warsztaty z akceptacją", requires_approval=True)
    other = api.post(
        f"/api/v1/events/{event['id']}/registrations", json=person(81, first_name="Dorota", last_name="Kamińska")
    )
    assert other.status_code == 201 and other.json()["status"] == "pending", other.text

    page = browsing.page()
    page.goto(f"/events/{event['slug']}")
    expect(page.locator("#register-approval")).to_contain_text("The organizers review each registration")
    fill_basics(page, "Edward", "Lis", "edward.lis@gmina-serock.pl", "Gmina Serock")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/me$"))
    status = page.locator("#me-status")
    expect(status).to_contain_text("awaits the organizers' approval")
    expect(status).to_have_attribute("data-status", "pending")

    admin = browsing.page()
    sign_in(admin, world.admin_token, event["id"])
    open_place(admin, event["id"], "Programme", "programme")
    setting = admin.locator("#event-form").get_by_label("Registrations need my approval")  # the event's own form
    expect(setting).to_be_checked()
    expect(setting).to_have_accessible_description(re.compile("until you approve them in the registrations list"))
    open_place(admin, event["id"], "Overview", "")
    expect(admin.locator("#todo")).to_contain_text("2 registration(s) wait for your approval")  # the overview says so
    admin.locator("#todo").get_by_role("link", name=re.compile("wait for your approval")).click()
    admin.wait_for_url(f"**/admin/events/{event['id']}/people")
    admin.get_by_label("Status", exact=True).select_option("pending")
    admin.get_by_role("button", name="Filter").click()
    expect(admin.locator("#regs-table tbody tr")).to_have_count(2)
    admin.get_by_role("button", name="Approve Edward Lis").click()
    expect(admin.locator("#approve-status")).to_have_text("Edward Lis approved.")
    expect(admin.locator("#regs-table tbody tr")).to_have_count(1)
    admin.get_by_role("checkbox", name="Select Dorota Kamińska").check()
    admin.get_by_role("button", name="Approve selected (1)").click()
    expect(admin.locator("#approve-status")).to_have_text("Approved: 1.")
    expect(admin.locator("#regs-table")).to_contain_text("No registrations match.")

    page.reload()
    expect(status).to_contain_text("Your seat is confirmed")
    assert api.get("/api/v1/me", headers=bearer(other.json()["token"])).json()["status"] == "confirmed"
