from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.dbutil import reset
from tests.mailbox import Box, mailbox


@pytest.fixture
def box() -> Iterator[Box]:
    with mailbox() as b:
        yield b


@pytest.fixture
def mail_app(settings: Settings, box: Box) -> Iterator[FastAPI]:
    """The app sending through the loopback SMTP server; retries wait a minute unless a test
    makes them due."""
    app = create_app(
        settings.model_copy(
            update={
                "smtp_url": box.url,
                "mail_from": "Sekretariat Seminarium <biuro@seminarium.example>",
                "outbox_backoff_seconds": 60.0,
                "outbox_max_attempts": 3,
                "smtp_timeout_seconds": 2.0,
            }
        )
    )
    reset(app.state.engine)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def mail_client(mail_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(mail_app, raise_server_exceptions=False) as c:
        yield c
