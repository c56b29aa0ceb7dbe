"""Team access in the browser: the setup link `make run` prints creates the first owner (conftest's
`team_owner`), who signs in on /admin/login and lands on /admin; the forgot-password form; axe on the three pages."""

import os
import subprocess
import sys

import pytest

from tests.concurrency.server import LiveServer
from tests.dbutil import ROOT
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, Browsing

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")
from playwright.sync_api import expect


def test_first_owner_from_the_setup_link_signs_in_and_lands_on_the_console(
    browsing: Browsing, server: LiveServer, team_owner: dict[str, str]
) -> None:
    # the setup page itself is walked by the `team_owner` fixture (shared with test_team_seminar.py)
    page = browsing.page(viewport=PHONE, locale="pl-PL")
    page.goto("/admin/login")
    expect(page.get_by_role("heading", name="Logowanie do panelu organizatora")).to_be_visible()
    assert_accessible(page, "team: sign in")
    page.get_by_label("E-mail").fill(team_owner["email"])
    page.get_by_label("Hasło").fill("Zle haslo do konta")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.locator("#login-error")).to_have_text("Nieprawidłowy adres e-mail lub hasło.")
    page.get_by_label("Hasło").fill(team_owner["password"])
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url("**/admin")
    me = page.evaluate(
        """async () => {
            const res = await fetch('/api/v1/auth/me', {credentials: 'same-origin'});
            return [res.status, (await res.json()).csrf_token === sessionStorage.getItem('seminar.csrf')];
        }"""
    )
    assert me == [200, True]
    env = {**os.environ, "DATABASE_URL": server.database_url, "PUBLIC_BASE_URL": server.base_url}
    again = subprocess.run(
        [sys.executable, "-m", "app.team.setup_link"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.stdout.strip() == f"sign in at {server.base_url}/admin/login"  # no second setup link

    page.goto("/admin/password")
    expect(page.get_by_role("heading", name="Nie pamiętasz hasła?")).to_be_visible()
    assert_accessible(page, "team: password")
    page.get_by_label("E-mail").fill("ktos@example.pl")
    page.get_by_role("button", name="Wyślij link").click()
    expect(page.locator("#done")).to_contain_text("Jeśli ten adres należy do zespołu")
