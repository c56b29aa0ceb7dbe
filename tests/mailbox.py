"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed.

    with mailbox() as box:
        app = create_app(settings.model_copy(update={"smtp_url": box.url}))
        ...
        deliver(app)          # the outbox's due messages, through the real SMTP client
        box.messages[0]["Subject"]

`box.refuse = 451` makes the server answer every message with that code (a temporary
failure); `box.refuse = None` accepts again.
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from fastapi import FastAPI
from pydantic import SecretStr

from app.messages.dispatch import Dispatcher


@dataclass
class Box:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: int | None = None
    delay: float = 0.0  # seconds the server waits before answering each message
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> SecretStr:
        return SecretStr(f"smtp://{self.host}:{self.port}")

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def text(self, message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def html(self, message: EmailMessage) -> str:
        part = message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


class _Handler:
    def __init__(self, box: Box) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.delay:
            await asyncio.sleep(self.box.delay)
        if self.box.refuse is not None:
            # as real servers do, the answer quotes the recipient
            return f"{self.box.refuse} mailbox <{envelope.rcpt_tos[0]}> busy, try again later"
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.box.lock:
            self.box.messages.append(parsed)
            self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def mailbox() -> Iterator[Box]:
    box = Box(host="127.0.0.1", port=free_port())
    controller = Controller(_Handler(box), hostname=box.host, port=box.port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def deliver(app: FastAPI) -> int:
    """Deliver every message due now with the app's settings; returns the attempts made."""
    dispatcher = Dispatcher(app.state.engine, app.state.settings, write_gate=app.state.write_gate)
    try:
        return dispatcher.run_once()
    finally:
        dispatcher.stop()
