"""Fixtures for a test folder whose shared app sends e-mail to a real SMTP server on loopback
(tests/mailbox.py). A conftest imports them by name: `from tests.mailbox_fixtures import app, box, empty_box`."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from tests.mailbox import Box, mailbox


@pytest.fixture(scope="session")
def box() -> Iterator[Box]:
    with mailbox() as b:
        yield b


@pytest.fixture(scope="session")
def app(settings: Settings, box: Box) -> Iterator[FastAPI]:
    """The shared app, sending its outbox to `box` when a test calls tests.mailbox.deliver."""
    application = create_app(settings.model_copy(update={"smtp_url": box.url}))
    yield application
    application.state.engine.dispose()


@pytest.fixture(autouse=True)
def empty_box(box: Box) -> None:
    with box.lock:
        box.messages.clear()
        box.envelopes.clear()
