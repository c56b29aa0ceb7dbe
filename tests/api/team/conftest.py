"""The team tests read invitation and reset links where people read them: e-mail from a real
SMTP server on loopback."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from app.team import router
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


@pytest.fixture(autouse=True)
def quick_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(router, "ANSWER_SECONDS", 0.0)
