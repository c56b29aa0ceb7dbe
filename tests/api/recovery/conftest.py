"""The recovery tests read the codes where people read them: e-mail from a real SMTP server."""

import pytest

from app.recovery import router
from tests.mailbox_fixtures import app, box, empty_box

__all__ = ["app", "box", "empty_box"]


@pytest.fixture(autouse=True)
def quick_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fixed answer time, except where a test sets it (test_timing.py)."""
    monkeypatch.setattr(router, "ANSWER_SECONDS", 0.0)
