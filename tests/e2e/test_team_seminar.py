"""The whole seminar run as a team (issue 25, "Done when"): the owner invites an organizer (for this
event) and a door volunteer on the team place; both set their passwords from the invitation e-mails
(read from the real SMTP server on loopback); the organizer changes the programme, publishes the poll's
winners once (a second publish refused on the page) and writes the assignment with at most one person of
a partnership per workshop; every participant e-mail carries a personal link that opens that person's
page; the volunteer checks a person in on a phone with the check-in role only (an organizer call refused);
the audit log names each person.

With GUIDE_SCREENSHOTS=1 the walk saves the console's places to docs/img/ for the organizer's guide."""

import os
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.concurrency.server import LiveServer
from tests.e2e.conftest import PHONE, Browsing, inbox
from tests.e2e.world import World
from tests.factories import bearer, make_event, make_session, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

SLOT = ("2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00")
PASSWORD = "Drzwi otwarte od dziewiatej"
TEAM_LINK = re.compile(r"/admin/password#token=([A-Za-z0-9_.~%-]+)")
ME_LINK = re.compile(r"/me#link=([A-Za-z0-9_.~%-]+)")
WAIT_SECONDS = 30.0
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = os.environ.get("GUIDE_SCREENSHOTS") == "1"
# two partnerships of two people each; everybody ranks "Energia" first
PEOPLE = [("Bug", 1), ("Bug", 2), ("Narew", 3), ("Narew", 4)]


def ok(response: httpx.Response, code: int = 201) -> Any:
    assert response.status_code == code, response.text
    return response.json()


def shot(page: Page, name: str) -> None:
    """For the (Polish) guide: the page in Polish, the viewport only; then back to English."""
    if SHOTS:
        GUIDE.mkdir(parents=True, exist_ok=True)
        switch = page.locator("#lang-switch")
        switch.click()
        expect(switch).to_have_text("English")
        page.wait_for_timeout(300)  # the places re-render their tables in the new language
        page.screenshot(path=str(GUIDE / f"{name}.png"))
        switch.click()
        expect(switch).to_have_text("Polski")


def mail_to(address: str, pattern: re.Pattern[str]) -> list[str]:
    """The first groups of `pattern` in the e-mails to `address`, waiting for the first one."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not (found := [m.group(1) for msg in inbox(address) if (m := pattern.search(text_of(msg)))]):
        assert time.monotonic() < deadline, f"no e-mail to {address} matching {pattern.pattern}"
        time.sleep(0.2)
    return found


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def prepare(api: httpx.Client, admin: dict[str, str]) -> dict[str, Any]:
    """The event as an organizer's script makes it: two workshops in one slot, an approval poll."""
    event = make_event(api, admin, slug="zespol-seminarium", title="Seminarium zespołu w Serocku")
    eid = event["id"]
    w1, w2 = (
        make_session(api, admin, eid, title=t, room=r, capacity=3, starts_at=SLOT[0], ends_at=SLOT[1])
        for t, r in (("Energia", "Sala A"), ("Cyfryzacja", "Sala B"))
    )
    poll = ok(
        api.post(
            f"/api/v1/events/{eid}/polls", json={"title": "Tematy", "seats": 1, "ballot": "approval"}, headers=admin
        )
    )
    topic = ok(api.post(f"/api/v1/polls/{poll['id']}/topics", json={"title": "Retencja wody"}, headers=admin))
    return {"event": event, "w1": w1, "w2": w2, "poll": poll, "topic": topic}


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin")


def invite(page: Page, eid: int, title: str, email: str, name: str, role: str) -> None:
    form = page.locator("#team-invite-form")
    form.locator("#invite-email").fill(email)
    form.locator("#invite-name").fill(name)
    form.locator("#invite-role").select_option(role)
    form.get_by_label(title).check()
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#team-members")).to_contain_text(email)


def accept(browsing: Browsing, email: str, viewport: dict[str, int]) -> Page:
    """The invited person opens the e-mail's link, sets a password and signs in."""
    [token] = mail_to(email, TEAM_LINK)
    page = browsing.page(viewport=viewport)
    page.goto(f"/admin/password#token={token}")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    page.wait_for_url("**/admin/login")
    sign_in(page, email, PASSWORD)
    return page


def owner_invites(browsing: Browsing, owner: dict[str, str], made: dict[str, Any]) -> tuple[Page, Page]:
    eid, title = made["event"]["id"], made["event"]["title"]
    page = browsing.page()
    sign_in(page, owner["email"], owner["password"])
    page.goto(f"/admin/events/{eid}/team")
    expect(page.locator("#team-invite-form")).to_be_visible()
    invite(page, eid, title, "ola.organizatorka@gmina-serock.pl", "Ola Organizatorka", "organizer")
    invite(page, eid, title, "wit.wolontariusz@gmina-serock.pl", "Wit Wolontariusz", "checkin")
    shot(page, "konsola-zespol")
    organizer = accept(browsing, "ola.organizatorka@gmina-serock.pl", {"width": 1280, "height": 900})
    volunteer = accept(browsing, "wit.wolontariusz@gmina-serock.pl", PHONE)
    return organizer, volunteer


def participants(api: httpx.Client, made: dict[str, Any]) -> list[dict[str, Any]]:
    """Register, vote and rank through the API, as the pages do."""
    eid, out = made["event"]["id"], []
    for partnership, i in PEOPLE:
        body = person(i, email=f"uczestnik.{i}@gmina.pl", partnership=f"Partnerstwo {partnership}")
        created = ok(api.post(f"/api/v1/events/{eid}/registrations", json=body))
        me = bearer(created["token"])
        ranks = {"session_ids": [made["w1"]["id"], made["w2"]["id"]]}
        ok(api.put("/api/v1/me/preferences", json=ranks, headers=me), 200)
        vote = {"topic_ids": [made["topic"]["id"]]}
        ok(api.put(f"/api/v1/polls/{made['poll']['id']}/ballot", json=vote, headers=me), 200)
        out.append(body)
    return out


def publish(page: Page) -> None:
    page.get_by_role("button", name="Manage the poll Tematy").click()
    form = page.locator("#publish-form")
    form.locator("#publish-form-starts-at").fill("2022-11-30T12:00")
    form.locator("#publish-form-ends-at").fill("2022-11-30T13:00")
    form.locator("#pub-room-0").fill("Sala C")
    form.locator("#pub-capacity-0").fill("20")
    form.get_by_role("button", name="Publish").click()
    page.get_by_role("dialog").get_by_role("button", name="Publish").click()


def organizer_runs_it(page: Page, api: httpx.Client, admin: dict[str, str], made: dict[str, Any]) -> None:
    eid = made["event"]["id"]
    page.goto(f"/admin/events/{eid}")
    expect(page.locator("#count-registered .num")).to_have_text(str(len(PEOPLE)))
    shot(page, "konsola-przeglad")
    expect(page.locator('header a[href="/admin/guide"]')).to_have_text("Guide")
    guide = api.get("/admin/guide")
    assert guide.status_code == 200 and guide.headers["content-type"] == "text/plain; charset=utf-8"
    assert "Przewodnik" in guide.text

    # one programme change on the page: a coffee break
    page.goto(f"/admin/events/{eid}/programme")
    form = page.locator("#session-form")
    form.locator("#session-form-title").fill("Przerwa kawowa")
    form.locator("#session-form-kind").select_option("break")
    form.locator("#session-form-starts-at").fill("2022-11-29T11:00")
    form.locator("#session-form-ends-at").fill("2022-11-29T11:30")
    form.get_by_role("button", name="Add the session").click()
    expect(page.locator("#sessions-table")).to_contain_text("Przerwa kawowa")
    shot(page, "konsola-program")

    # the winners published once; the same again is explained and not made
    page.goto(f"/admin/events/{eid}/polls")
    publish(page)
    expect(page.locator("#sessions-table, #place-polls").first).to_contain_text("Retencja wody")
    deadline = time.monotonic() + 10
    while not (made_now := [s for s in api.get(f"/api/v1/events/{eid}/sessions").json()["items"] if s["topic_id"]]):
        assert time.monotonic() < deadline, "the publish made no workshop"
        time.sleep(0.2)
    page.goto(f"/admin/events/{eid}/polls")
    publish(page)
    expect(page.locator("#publish-form-error")).to_contain_text("already run as workshops at that time")
    topics = [s for s in api.get(f"/api/v1/events/{eid}/sessions").json()["items"] if s["topic_id"]]
    assert len(made_now) == len(topics) == 1

    # the assignment with at most one person of a partnership per workshop
    page.goto(f"/admin/events/{eid}/assignment")
    page.locator("#plan-max-partnership").fill("1")
    page.get_by_role("button", name="Try the assignment").click()
    expect(page.locator("#plan-result-heading")).to_have_text("Dry run (nothing saved)")
    page.get_by_role("button", name="Write these seats").click()
    page.get_by_role("dialog").get_by_role("button", name="Write these seats").click()
    expect(page.locator("#plan-result-heading")).to_have_text("Seats written")
    shot(page, "konsola-przydzial")
    for workshop in (made["w1"], made["w2"]):
        rows = ok(api.get(f"/api/v1/sessions/{workshop['id']}/enrollments", headers=admin), 200)["items"]
        enrolled = [r for r in rows if r["status"] == "enrolled"]
        assert len(enrolled) == 2, (workshop["title"], rows)  # without the limit Energia would take three


def links_open_pages(browsing: Browsing, api: httpx.Client, people: list[dict[str, Any]]) -> None:
    for i, who in enumerate(people):
        mail_to(who["email"], ME_LINK)
        messages = inbox(who["email"])
        assert messages and all(ME_LINK.search(text_of(m)) for m in messages), [m["Subject"] for m in messages]
        for message in messages:
            link = ME_LINK.search(text_of(message))
            assert link is not None
            me = ok(api.get("/api/v1/me", headers=bearer(f"link.{link.group(1)}")), 200)
            assert me["email"] == who["email"], me
        if i < 2:  # a sample in the browser
            page = browsing.page()
            page.goto(f"/me#link={ME_LINK.search(text_of(messages[-1])).group(1)}")  # type: ignore[union-attr]
            expect(page.get_by_label("Last name")).to_have_value(who["last_name"])
            expect(page.get_by_label("Partnership")).to_have_value(who["partnership"])
            page.context.close()


def volunteer_checks_in(page: Page, made: dict[str, Any], who: dict[str, Any]) -> None:
    eid = made["event"]["id"]
    page.goto(f"/events/{eid}/door")
    expect(page.locator("#event-title")).to_have_text(made["event"]["title"])
    name = f"{who['first_name']} {who['last_name']}"
    page.get_by_label("Name or organization").fill(who["last_name"])
    page.get_by_role("button", name=f"Check in {name}").click()
    expect(page.locator("#last-text")).to_contain_text(f"{name} ({who['organization']}): checked in.")
    shot(page, "drzwi-telefon")
    refused = page.evaluate(
        """async (eid) => {
            const res = await fetch(`/api/v1/events/${eid}/sessions`, {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('seminar.csrf')},
              body: JSON.stringify({title: 'Nie wolno', kind: 'break', starts_at: '2022-11-29T12:00:00+01:00',
                                    ends_at: '2022-11-29T12:30:00+01:00'})});
            return res.status;
        }""",
        eid,
    )
    assert refused == 403


def test_the_seminar_run_by_a_team(
    browsing: Browsing, server: LiveServer, api: httpx.Client, world: World, team_owner: dict[str, str]
) -> None:
    made = prepare(api, world.admin)
    organizer, volunteer = owner_invites(browsing, team_owner, made)
    people = participants(api, made)
    organizer_runs_it(organizer, api, world.admin, made)
    links_open_pages(browsing, api, people)
    volunteer_checks_in(volunteer, made, people[0])

    entries = ok(api.get(f"/api/v1/audit-log?event_id={made['event']['id']}&limit=500", headers=world.admin), 200)
    actors = {e["actor"] for e in entries["items"]}
    named = {re.sub(r"^user:\d+:", "", a) for a in actors if a.startswith("user:")}
    assert {"Ola Organizatorka", "Wit Wolontariusz"} <= named, actors
