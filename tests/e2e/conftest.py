"""End-to-end fixtures: a real uvicorn server and headless Chromium driven by Playwright.

Skipped (with the reason) when Playwright for Python or the browser at /usr/bin/chromium is
missing; `playwright install` is never needed: the system Chromium is launched directly.
Screenshots of failing tests go to tests/artifacts/ (gitignored).
"""

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.concurrency.server import LiveServer, live_server
from tests.e2e.world import World, build_world

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


@pytest.fixture(scope="session")
def server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn (one worker) on a fresh migrated SQLite database; started only when a browser is there."""
    with live_server(
        "sqlite",
        tmp_path_factory.mktemp("e2e"),
        workers=1,
        extra_env={
            "RATE_LIMIT_STORE": "off",
            "LOG_LEVEL": "WARNING",
            # the webhook test's receiver is on loopback
            "WEBHOOK_ALLOW_PRIVATE": "true",
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
