"""Messages in a real browser: the e-mail notes, the lost-link flow, the calendar feed, and the
organizer's outbox, broadcast and webhooks (their own page, /admin/messages, signed in like /admin).

The live server sends every e-mail through a real SMTP server on loopback (conftest's `smtp_box`),
which these tests read as the participants' inbox. Each test makes its own
people, so it does not depend on the journey's order.
"""

import re
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.webhooks.signing import verify
from tests.concurrency.server import LiveServer
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, Browsing
from tests.e2e.conftest import inbox as sent_to
from tests.e2e.world import World
from tests.factories import bearer, person

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import Page, expect

PERSON = {
    "first": "Bożena",
    "last": "Wróblewska-Łęcka",
    "email": "bozena.wroblewska@gmina-pultusk.pl",
    "org": "Gmina Pułtusk",
}
CODE = re.compile(r"/recover#code=([A-Za-z0-9-]+)")
WAIT_SECONDS = 30.0


def inbox(server: LiveServer, address: str) -> list[EmailMessage]:
    """The e-mails sent to `address` so far, oldest first."""
    return sent_to(address)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def wait_for_mail(server: LiveServer, address: str, pattern: re.Pattern[str], *, more_than: int = 0) -> list[str]:
    """The first groups of `pattern` in the e-mails to `address`, once more than `more_than` of them match."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = [m.group(1) for msg in inbox(server, address) if (m := pattern.search(text_of(msg)))]
        if len(found) > more_than:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no e-mail to {address} matching {pattern.pattern} within {WAIT_SECONDS:.0f} s")
        time.sleep(0.2)


def sign_in(page: Page, key: str, event_id: int) -> None:
    """Sign in on /admin and choose the event (other tests' events may come first in the menu)."""
    page.goto("/admin")
    page.get_by_label("Organizer key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#console")).to_be_visible()
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    page.wait_for_url(f"**/admin/events/{event_id}")  # the event's overview


def register_through_the_form(page: Page, world: World) -> None:
    page.get_by_label("First name").fill(PERSON["first"])
    page.get_by_label("Last name").fill(PERSON["last"])
    page.get_by_label("E-mail").fill(PERSON["email"])
    page.get_by_label("Organization").fill(PERSON["org"])
    page.get_by_label(re.compile("I agree to the processing")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/me$"))


def test_lost_link_flow(browsing: Browsing, world: World, server: LiveServer, api: httpx.Client) -> None:
    event_id = world.event["id"]
    page = browsing.page()
    page.goto(f"/events/{world.event['slug']}")
    ics = page.get_by_role("link", name=re.compile("Add the programme to your calendar"))
    expect(ics).to_have_attribute("href", f"/api/v1/events/{event_id}/programme.ics")
    response = api.get(f"/api/v1/events/{event_id}/programme.ics")
    assert response.status_code == 200 and response.text.startswith("BEGIN:VCALENDAR")
    expect(page.locator("#register-email-note")).to_contain_text("you will get an e-mail")

    register_through_the_form(page, world)
    expect(page.locator("#me-notice")).to_contain_text(f"is on its way to {PERSON['email']}")
    old_token = page.evaluate("sessionStorage.getItem('seminar.token')")
    assert wait_for_mail(server, PERSON["email"], re.compile(r"/me#token=(\S+)")) == [old_token]
    page.reload()  # the note is said once
    expect(page.locator("#me")).to_be_visible()
    expect(page.locator("#me-notice")).to_be_empty()

    # A new browser (the personal link is lost): from the event page to the lost-link form.
    page = browsing.page()
    page.goto(f"/events/{world.event['slug']}")
    page.get_by_role("link", name=re.compile("lost your personal link")).click()
    page.wait_for_url(re.compile(rf"/recover\?event={event_id}$"))
    expect(page.get_by_label("Event", exact=True)).to_have_value(str(event_id))
    status = page.locator("#request-status")
    page.get_by_label("E-mail", exact=True).fill("nobody.registered@example.org")
    page.get_by_role("button", name="Send me a new link").click()
    expect(status).to_contain_text("an e-mail with a new link is on its way")
    unknown_answer = status.text_content()
    page.get_by_label("E-mail", exact=True).fill(PERSON["email"])
    page.get_by_role("button", name="Send me a new link").click()
    expect(status).to_be_empty()  # cleared while asking, then the same answer again
    expect(status).to_contain_text("valid for 30 minutes")
    assert status.text_content() == unknown_answer, "the answer must not tell whether the address is registered"
    code = wait_for_mail(server, PERSON["email"], CODE)[-1]

    code_input = page.get_by_role("textbox", name=re.compile("^Code"))
    code_input.fill("ZZZZ-ZZZZ-ZZ")
    page.get_by_role("button", name="Open my registration").click()
    expect(page.locator("#code-error")).to_contain_text("This code is not valid")
    expect(code_input).to_have_attribute("aria-invalid", "true")

    page.goto(f"/recover#code={code}")  # the link in the e-mail
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("#me")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value(PERSON["first"])
    expect(page.get_by_label("Last name")).to_have_value(PERSON["last"])
    expect(page.locator("#me-email")).to_have_text(PERSON["email"])
    expect(page.locator("#me-notice")).to_contain_text("This is your new personal link")
    new_token = page.evaluate("sessionStorage.getItem('seminar.token')")
    assert new_token and new_token != old_token
    assert api.get("/api/v1/me", headers=bearer(old_token)).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(new_token)).json()["email"] == PERSON["email"]

    again = browsing.page()  # the code works once
    again.goto(f"/recover#code={code}")
    expect(again.locator("#error")).to_contain_text("expired or was already used")
    expect(again.get_by_role("button", name="Send me a new link")).to_be_visible()
    assert again.evaluate("location.hash") == "", "the code must leave the address bar"


def test_calendar_feed_and_language(browsing: Browsing, world: World, api: httpx.Client) -> None:
    created = api.post(f"/api/v1/events/{world.event['id']}/registrations", json=person(71, language="en"))
    assert created.status_code == 201, created.text
    me = bearer(created.json()["token"])
    page = browsing.page()
    page.goto(f"/me#token={created.json()['token']}")
    expect(page.locator("#me")).to_be_visible()
    section = page.locator("#calendar-section")
    expect(section.get_by_role("link", name=re.compile("whole programme"))).to_have_attribute(
        "href", f"/api/v1/events/{world.event['id']}/programme.ics"
    )

    feed_url = page.locator("#feed-url")
    section.get_by_role("button", name="Create my calendar address").click()
    expect(feed_url).to_have_text(re.compile(r"/api/v1/calendar/\S+\.ics$"))
    expect(section).to_contain_text("This address is personal")
    first = urlsplit(feed_url.text_content() or "").path
    feed = api.get(first)
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text

    section.get_by_role("button", name=re.compile("Make a new address")).click()
    expect(page.locator("#feed-status")).to_have_text("New calendar address made; the previous one no longer works.")
    second = urlsplit(feed_url.text_content() or "").path
    assert second != first
    assert api.get(first).status_code == 404 and api.get(second).status_code == 200

    section.get_by_role("button", name="Turn the calendar address off").click()
    expect(page.locator("#feed-box")).to_be_hidden()
    expect(section.get_by_role("button", name="Create my calendar address")).to_be_visible()
    assert api.get(second).status_code == 404

    language = page.get_by_label("Language of e-mails")
    expect(language).to_have_value("en")
    language.select_option("pl")
    expect(page.locator("#language-status")).to_have_text("Language of e-mails saved.")
    assert api.get("/api/v1/me", headers=me).json()["language"] == "pl"


class Receiver:
    """A webhook receiver on loopback that answers 200 and keeps what it got."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.arrived.set()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/seminar"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


def edit_and_preview_a_template(page: Page, api: httpx.Client, world: World) -> None:
    """The e-mail texts: the variables of a kind listed, a broken text refused naming its line, a
    preview with sample data, saved, then back to the built-in text."""
    section = page.locator("#templates-heading").locator("xpath=..")
    section.get_by_label("E-mail", exact=True).select_option(label="Poll opened")
    expect(section.get_by_label("Subject")).to_have_value(re.compile("poll_title"))
    expect(section.locator("#tpl-origin")).to_have_text("The built-in text.")
    expect(section.get_by_role("region", name="Variables: Poll opened")).to_contain_text("{{ poll_closes }}")
    expect(section.get_by_role("region", name="Variables: Poll opened")).to_contain_text("personal link")
    text = section.get_by_label("Text")
    text.fill("{{ greeting }}\n\nGłosujemy: {{ poll_title }}.\n{% if poll_closes %}\nDo {{ poll_closes }}.\n")
    section.get_by_role("button", name="Preview").click()
    expect(section.locator("#template-error")).to_contain_text("line 5")
    expect(text).to_have_attribute("aria-invalid", "true")
    text.fill("{{ greeting }}\n\nGłosujemy: {{ poll_title }}.\nTwoja strona: {{ me_url }}")
    section.get_by_role("button", name="Preview").click()
    preview = section.get_by_role("region", name="Preview with sample data")
    expect(preview).to_contain_text("Szanowna Pani Zofia Żak,")
    expect(preview).to_contain_text("Głosujemy: Tematy warsztatów.")
    expect(preview).to_contain_text("/me#link=")
    assert_accessible(page, "messages: template preview")
    section.get_by_role("button", name="Save this text").click()
    expect(section.locator("#tpl-origin")).to_have_text("The organizers' own text.")
    listed = api.get(f"/api/v1/events/{world.event['id']}/message-templates", headers=world.admin).json()
    [saved] = [x for x in listed if x["kind"] == "poll.opened" and x["language"] == "pl"]
    assert saved["custom"] and "Głosujemy" in saved["text"]
    section.get_by_role("button", name="Back to the built-in text").click()
    expect(section.locator("#tpl-origin")).to_have_text("The built-in text.")


def open_me_from_the_link_of(browsing: Browsing, server: LiveServer, api: httpx.Client, address: str) -> None:
    """The broadcast's personal link opens the person's page in a new browser (where they choose how
    to be addressed); the link leaves the address bar; a changed link is refused with a way to get a
    new one."""
    link = wait_for_mail(server, address, re.compile(r"/me#link=(\S+)"))[-1]
    page = browsing.page()
    page.goto(f"/me#link={link}")
    expect(page.locator("#me")).to_be_visible()
    expect(page.locator("#me-email")).to_have_text(address)
    assert page.evaluate("location.hash") == "", "the link must leave the address bar"
    assert page.evaluate("sessionStorage.getItem('seminar.token')") == f"link.{link}"
    expect(page.locator("#personal-link")).to_contain_text(f"/me#link={link}")
    assert_accessible(page, "me: opened from an e-mail's personal link")
    page.get_by_label("How should we address you?").select_option("pani")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#details-status")).not_to_be_empty()
    assert api.get("/api/v1/me", headers=bearer(f"link.{link}")).json()["form_of_address"] == "pani"
    other = browsing.page()
    other.goto(f"/me#link={link[:-3]}xyz")
    expect(other.locator("#error")).to_contain_text("This personal link is not valid")
    expect(other.get_by_role("link", name=re.compile("Lost the link"))).to_be_visible()


def test_outbox_broadcast_and_webhooks(
    browsing: Browsing, world: World, api: httpx.Client, receiver: Receiver, server: LiveServer
) -> None:
    event_id = world.event["id"]
    somebody = world.others[0]["body"]["email"]
    wait_for_sent(api, world, somebody)
    page = browsing.page()
    sign_in(page, world.admin_token, world.event["id"])
    page.locator("#places-nav").get_by_role("link", name="Messages", exact=True).click()  # the messages place
    page.wait_for_url(f"**/admin/events/{event_id}/messages")
    page.get_by_role("link", name="Open the messages page").click()  # their own page, signed in by the tab's key
    page.wait_for_url(re.compile(r"/admin/messages$"))
    expect(page.locator("#console")).to_be_visible()
    expect(page.locator("#signin")).to_be_hidden()
    expect(page.locator("#event-select")).to_have_value(str(event_id))
    expect(page.locator("#outbox-table tbody tr").first).to_be_visible()
    assert_accessible(page, "messages: signed in")

    # Outbox: the confirmation to an earlier registrant, read without its secret link.
    page.get_by_label("Message status").select_option("sent")
    page.get_by_role("button", name="Show", exact=True).click()
    row = page.locator("#outbox-table tbody tr", has_text=somebody).filter(has_text="New registration")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sent")
    row.get_by_role("button", name=re.compile("^Read")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("/me#token=[hidden]")
    assert world.others[0]["token"] not in (dialog.text_content() or "")
    assert_accessible(page, "messages: one e-mail read")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Broadcast: count first, a change asks for a new count, then send to exactly that many.
    expected = api.post(
        f"/api/v1/events/{event_id}/broadcasts",
        headers=world.admin,
        json={"subject": "x", "text": "x", "dry_run": True},
    ).json()["recipients"]
    assert expected > 1
    form = page.locator("#broadcast-form")
    form.get_by_label("Subject").fill("Zmiana sali: warsztaty w Sali B")
    form.get_by_label("Text").fill("Dzień dobry,\nwarsztaty popołudniowe odbędą się w Sali B.")
    send = form.locator("#broadcast-send")
    expect(send).to_be_disabled()
    form.get_by_role("button", name="Count recipients").click()
    expect(page.locator("#broadcast-status")).to_have_text(f"{expected} people match. Nothing has been sent yet.")
    expect(send).to_have_text(f"Send to {expected} people")
    expect(page.locator("#live")).to_have_text(f"{expected} people match. Nothing has been sent yet.")
    assert_accessible(page, "messages: recipients counted")
    form.get_by_label("Subject").fill("Zmiana sali: warsztaty w Sali C")
    expect(send).to_be_disabled()
    form.get_by_role("button", name="Count recipients").click()
    expect(send).to_be_enabled()
    send.click()
    expect(page.locator("#broadcast-status")).to_have_text(
        f"{expected} e-mails queued; follow them in the outbox above."
    )
    queued = api.get(f"/api/v1/events/{event_id}/messages", params={"kind": "broadcast"}, headers=world.admin).json()
    assert queued["total"] == expected
    assert {m["subject"] for m in queued["items"]} == {"Zmiana sali: warsztaty w Sali C"}

    edit_and_preview_a_template(page, api, world)
    open_me_from_the_link_of(browsing, server, api, somebody)

    # Webhooks: add one for new registrations, see the secret once, check a signed delivery, delete.
    hooks = page.locator("#webhooks-heading").locator("xpath=..")
    hooks.get_by_label("Address (URL)").fill(receiver.url)
    hooks.get_by_label(re.compile("^registration.created")).check()
    hooks.get_by_role("button", name="Add endpoint").click()
    secret = page.locator("#webhook-secret")
    expect(secret).to_have_text(re.compile(r"^whsec_\S+$"))
    row = page.locator("#webhooks-table tbody tr", has_text=receiver.url)
    expect(row).to_contain_text("registration.created")
    expect(row).to_contain_text(world.event["title"])
    assert_accessible(page, "messages: webhook secret shown")

    created = api.post(f"/api/v1/events/{event_id}/registrations", json=person(72))
    assert created.status_code == 201, created.text
    assert receiver.arrived.wait(WAIT_SECONDS), "no webhook delivery arrived"
    headers, body = receiver.received[0]
    assert verify(
        secret.text_content() or "",
        headers["webhook-id"],
        headers["webhook-timestamp"],
        body,
        headers["webhook-signature"],
    ), "the secret shown must sign the deliveries"
    hook_id = int(row.get_attribute("data-webhook-id") or 0)
    wait_for_delivered(api, world, hook_id)
    row.get_by_role("button", name=re.compile("^Deliveries")).click()
    delivery = page.locator("#deliveries-table tbody tr").first
    expect(delivery).to_contain_text("registration.created")
    expect(delivery).to_contain_text("Sent")
    expect(delivery).to_contain_text("200")
    assert_accessible(page, "messages: webhook deliveries")

    row.get_by_role("button", name=re.compile("^Delete")).click()
    page.get_by_role("dialog").get_by_role("button", name="Delete endpoint").click()
    expect(row).to_have_count(0)
    assert all(h["url"] != receiver.url for h in api.get("/api/v1/webhooks", headers=world.admin).json()["items"])

    page.get_by_role("link", name="Organizer console").click()  # and back, still signed in
    page.wait_for_url(re.compile(r"/admin$"))
    expect(page.locator("#console")).to_be_visible()
    page.locator(f'#events-table tr[data-event-id="{event_id}"] th a').click()  # the events, then this one's overview
    page.wait_for_url(f"**/admin/events/{event_id}")
    page.locator("#places-nav").get_by_role("link", name="People", exact=True).click()
    expect(page.locator("#regs-table tbody tr").first).to_be_visible()


def test_messages_page_at_phone_width(browsing: Browsing, world: World) -> None:
    """Opened directly in a new tab: its own sign-in form; on a phone no page-wide sideways scrolling."""
    page = browsing.page(viewport=PHONE, locale="pl-PL")
    page.goto("/admin/messages")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wiadomości i webhooki")
    assert_accessible(page, "messages pl: sign in")
    page.get_by_label("Klucz organizatora").fill(world.admin_token)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.locator("#console")).to_be_visible()
    page.get_by_label("Wydarzenie", exact=True).select_option(str(world.event["id"]))
    expect(page.locator("#outbox-table tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scrolling"
    regions = page.evaluate("""() => [...document.querySelectorAll('#console .table-wrap')]
        .filter((w) => w.querySelector('table')).map((w) => [w.getAttribute('role'), w.getAttribute('tabindex')])""")
    assert regions and all(r == ["region", "0"] for r in regions), regions
    assert_accessible(page, "messages pl: phone, signed in")
    page.get_by_role("button", name="Wyloguj").click()
    expect(page.locator("#signin")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('seminar.organizerKey')") is None


def wait_for_sent(api: httpx.Client, world: World, address: str) -> None:
    """Until the outbox has delivered the confirmation to `address` (delivery runs in the server)."""
    deadline = time.monotonic() + WAIT_SECONDS
    path = f"/api/v1/events/{world.event['id']}/messages"
    while True:
        items = api.get(path, params={"status": "sent", "limit": 500}, headers=world.admin).json()["items"]
        if any(m["to"] == address and m["kind"] == "registration.created" for m in items):
            return
        assert time.monotonic() < deadline, f"the confirmation to {address} was not delivered"
        time.sleep(0.2)


def wait_for_delivered(api: httpx.Client, world: World, hook_id: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        items = api.get(f"/api/v1/webhooks/{hook_id}/deliveries", headers=world.admin).json()["items"]
        if items and items[0]["status"] == "sent":
            return
        assert time.monotonic() < deadline, f"webhook {hook_id}: no delivery marked sent"
        time.sleep(0.2)
