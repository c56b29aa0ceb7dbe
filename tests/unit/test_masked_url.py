"""Addresses shown on screens and in logs never carry a password: the `make run` banner's
e-mail line, the settings' repr, and the masking itself."""

import os
import subprocess
import sys

import pytest

from app.banner import mail_line
from app.common.security import masked_url
from app.settings import Settings
from tests.dbutil import ROOT


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("smtp+starttls://jan:hunter2@mail.gmina.pl:587", "smtp+starttls://jan:***@mail.gmina.pl:587"),
        ("smtps://jan:p%40ss@mail.gmina.pl", "smtps://jan:***@mail.gmina.pl"),
        ("smtp://jan:pa@ss/wo?rd#x@mail.gmina.pl:25", "smtp://jan:***@mail.gmina.pl:25"),  # unencoded @ / ? #
        ("smtp://:hunter2@mail.gmina.pl", "smtp://:***@mail.gmina.pl"),
        (
            "postgresql+psycopg://app:hunter2@db/seminar?password=hunter2",
            "postgresql+psycopg://app:***@db/seminar?password=***",
        ),
        ("smtp://localhost:1025", "smtp://localhost:1025"),  # nothing secret: as it is
        ("smtps://jan@mail.gmina.pl", "smtps://jan@mail.gmina.pl"),
        ("sqlite:///data/seminar.db", "sqlite:///data/seminar.db"),
        ("smtp://jan:hunter2@[::1:25", "***"),  # unreadable: nothing of it
    ],
)
def test_masked_url(url: str, shown: str) -> None:
    assert masked_url(url) == shown
    assert "hunter2" not in masked_url(url) and "pa@ss" not in masked_url(url)


def test_settings_never_show_a_password() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://app:hunter2@db/seminar",
        smtp_url="smtp://jan:hunter3@mail.gmina.pl:587",
        admin_token="hunter4",
    )
    for text in (repr(settings), str(settings)):
        assert "postgresql+psycopg://app:***@db/seminar" in text
        assert not any(secret in text for secret in ("hunter2", "hunter3", "hunter4")), text
    assert settings.database_url.endswith("app:hunter2@db/seminar")  # the value itself is untouched


def test_the_run_banner_shows_the_smtp_url_on_its_own_without_the_password() -> None:
    assert mail_line(Settings(outbox_dir="data/outbox")).endswith("no SMTP_URL: written to data/outbox/*.eml")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SMTP_URL": "smtp+starttls://jan:hunter2@mail.gmina.pl:587"}
    done = subprocess.run(
        [sys.executable, "-m", "app.banner"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "E-mail:",
        "sent",
        "through",
        "SMTP_URL",
        "=",
        "smtp+starttls://jan:***@mail.gmina.pl:587",
    ]
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "$(BIN)/python -m app.banner" in recipe and "SMTP_URL" not in recipe  # the banner's only e-mail line
