"""The team tests read invitation and reset links where people read them: e-mail from a real
SMTP server on loopback."""

import pytest

from app.team import router
from tests.mailbox_fixtures import app, box, empty_box

__all__ = ["app", "box", "empty_box"]


@pytest.fixture(autouse=True)
def quick_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(router, "ANSWER_SECONDS", 0.0)
