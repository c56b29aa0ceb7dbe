"""End-to-end fixtures: a real uvicorn server and headless Chromium driven by Playwright.

Skipped (with the reason) when Playwright for Python or the browser at /usr/bin/chromium is
missing; `playwright install` is never needed: the system Chromium is launched directly.
Screenshots of failing tests go to tests/artifacts/ (gitignored). The server sends its e-mails
through a real SMTP server on loopback (tests/mailbox.py), read by the tests as everyone's inbox.
"""

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.concurrency.server import LiveServer, live_server
from tests.dbutil import ROOT
from tests.e2e.world import World, build_world
from tests.mailbox import Box, mailbox

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}  # the common laptop screen: accessibility is checked at it and at PHONE


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium (make browser) to run the e2e tests")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_api: Any) -> Iterator[Any]:
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


INBOX: list[Box] = []  # the session's SMTP server, once the live server runs


def inbox(address: str) -> list[EmailMessage]:
    """The e-mails the live server has sent to `address` so far, oldest first."""
    assert INBOX, "the live server is not running"
    return INBOX[0].to(address)


@pytest.fixture(scope="session")
def smtp_box() -> Iterator[Box]:
    with mailbox() as box:
        INBOX.append(box)
        yield box
        INBOX.remove(box)


@pytest.fixture(scope="session")
def server(browser: Any, smtp_box: Box, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn (one worker) on a fresh migrated SQLite database, sending e-mail to `smtp_box`;
    started only when a browser is there."""
    with live_server(
        "sqlite",
        tmp_path_factory.mktemp("e2e"),
        workers=1,
        extra_env={
            "RATE_LIMIT_STORE": "off",
            "LOG_LEVEL": "WARNING",
            # the webhook test's receiver is on loopback
            "WEBHOOK_ALLOW_PRIVATE": "true",
            "SMTP_URL": smtp_box.url.get_secret_value(),
        },
    ) as live:
        yield live


@pytest.fixture(scope="session")
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="session")
def world(server: LiveServer, api: httpx.Client) -> World:
    """The seminar with its programme, two polls and three earlier registrants (made through the API)."""
    return build_world(api, server.admin_token)


class Browsing:
    """Opens pages (desktop or phone size) and fails the test on any JavaScript or CSP error."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[Any] = []
        self.pages: list[Any] = []
        self.errors: list[str] = []

    def page(self, *, viewport: dict[str, int] = DESKTOP, locale: str = "en-GB") -> Any:
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            locale=locale,
            timezone_id="America/New_York",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def close(self, failed_name: str | None) -> None:
        if failed_name:
            ARTIFACTS.mkdir(exist_ok=True)
            for i, page in enumerate(self.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(ARTIFACTS / f"{failed_name}-{i}.png"), full_page=True)
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    session = Browsing(browser, server.base_url)
    yield session
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    session.close(re.sub(r"[^\w.-]+", "_", request.node.name) if failed else None)
    if not failed:
        # 404s for deliberately missing things are the only console noise we accept.
        errors = [e for e in session.errors if "status of 4" not in e]
        assert not errors, errors


OWNER = {"name": "Anna Nowak", "email": "anna.nowak@gmina-serock.pl", "password": "Seminarium w Serocku 2022"}


def setup_link(server: LiveServer) -> str:
    """The one-time link `make run` prints while the team has no owner yet."""
    env = {**os.environ, "DATABASE_URL": server.database_url, "PUBLIC_BASE_URL": server.base_url}
    done = subprocess.run(
        [sys.executable, "-m", "app.team.setup_link"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().split(": ", 1)[-1]
    assert link.startswith(f"{server.base_url}/admin/setup#token="), done.stdout
    return link


@pytest.fixture(scope="session")
def team_owner(browser: Any, server: LiveServer) -> dict[str, str]:
    """The team's first owner, made once per database on the setup page from the setup link (a phone,
    Polish): a too short password refused first, axe on the page; lands on /admin/login."""
    from playwright.sync_api import expect

    from tests.e2e.axe import assert_accessible

    context = browser.new_context(base_url=server.base_url, viewport=PHONE, locale="pl-PL")
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(setup_link(server))
        expect(page.get_by_role("heading", name="Pierwszy właściciel zespołu organizatorów")).to_be_visible()
        assert "token=" not in page.url  # dropped from the address bar at once
        assert_accessible(page, "team: first owner")
        page.get_by_label("Imię i nazwisko").fill(OWNER["name"])
        page.get_by_label("E-mail").fill(OWNER["email"])
        page.get_by_label("Hasło", exact=True).fill("krotkie")
        page.get_by_label("Powtórz hasło").fill("krotkie")
        page.get_by_role("button", name="Utwórz konto").click()
        expect(page.locator("#password-error")).to_have_text("Hasło musi mieć co najmniej 12 znaków.")
        page.get_by_label("Hasło", exact=True).fill(OWNER["password"])
        page.get_by_label("Powtórz hasło").fill(OWNER["password"])
        page.get_by_role("button", name="Utwórz konto").click()
        page.wait_for_url("**/admin/login")
        expect(page.locator("#notice")).to_have_text("Konto właściciela utworzone. Zaloguj się.")
    finally:
        context.close()
    assert not errors, errors
    return OWNER
