"""Team access in the browser: the setup link `make run` prints creates the first owner, who signs
in on /admin/login and lands on /admin; the forgot-password form; axe on the three pages."""

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

PASSWORD = "Seminarium w Serocku 2022"


def setup_link(server: LiveServer) -> str:
    env = {**os.environ, "DATABASE_URL": server.database_url, "PUBLIC_BASE_URL": server.base_url}
    done = subprocess.run(
        [sys.executable, "-m", "app.team.setup_link"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().split(": ", 1)[-1]
    assert link.startswith(f"{server.base_url}/admin/setup#token="), done.stdout
    return link


def test_first_owner_from_the_setup_link_signs_in_and_lands_on_the_console(
    browsing: Browsing, server: LiveServer
) -> None:
    page = browsing.page(viewport=PHONE, locale="pl-PL")
    page.goto(setup_link(server))
    expect(page.get_by_role("heading", name="Pierwszy właściciel zespołu organizatorów")).to_be_visible()
    assert "token=" not in page.url  # dropped from the address bar at once
    assert_accessible(page, "team: first owner")
    page.get_by_label("Imię i nazwisko").fill("Anna Nowak")
    page.get_by_label("E-mail").fill("anna.nowak@gmina-serock.pl")
    page.get_by_label("Hasło", exact=True).fill("krotkie")
    page.get_by_label("Powtórz hasło").fill("krotkie")
    page.get_by_role("button", name="Utwórz konto").click()
    expect(page.locator("#password-error")).to_have_text("Hasło musi mieć co najmniej 12 znaków.")
    page.get_by_label("Hasło", exact=True).fill(PASSWORD)
    page.get_by_label("Powtórz hasło").fill(PASSWORD)
    page.get_by_role("button", name="Utwórz konto").click()

    page.wait_for_url("**/admin/login")
    expect(page.locator("#notice")).to_have_text("Konto właściciela utworzone. Zaloguj się.")
    assert_accessible(page, "team: sign in")
    page.get_by_label("E-mail").fill("anna.nowak@gmina-serock.pl")
    page.get_by_label("Hasło").fill("Zle haslo do konta")
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.locator("#login-error")).to_have_text("Nieprawidłowy adres e-mail lub hasło.")
    page.get_by_label("Hasło").fill(PASSWORD)
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
