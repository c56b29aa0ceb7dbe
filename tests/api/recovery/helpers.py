import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.messages.models import OutboxMessage
from tests.mailbox import Box, deliver

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}\b")


def recover(client: TestClient, event_id: int, email: str) -> Any:
    return client.post(f"/api/v1/events/{event_id}/registrations/recover", json={"email": email})


def confirm(client: TestClient, code: str) -> Any:
    return client.post("/api/v1/registrations/recover/confirm", json={"code": code})


def queued(app: FastAPI) -> list[OutboxMessage]:
    """The recovery e-mails in the outbox, oldest first."""
    with Session(app.state.engine) as db:
        return list(
            db.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "recovery.code").order_by(col(OutboxMessage.id))
            ).all()
        )


def code_from_mail(app: FastAPI, box: Box, address: str) -> str:
    """Deliver the outbox to the loopback SMTP server; the code in the newest recovery e-mail to `address`."""
    newest = [m for m in queued(app) if m.recipient == address][-1]
    deliver(app)
    mails = [m for m in box.to(address) if str(m["Message-ID"]).startswith(f"<{newest.uid}@")]
    assert len(mails) == 1, f"no recovery e-mail to {address}"
    text = box.text(mails[0])
    codes = set(CODE.findall(text))
    assert len(codes) == 1, text  # the code to type, and the same code in the link
    assert f"/recover#code={next(iter(codes))}" in text
    return codes.pop()
