"""E-mail delivery over SMTP (smtplib), or into .eml files when no SMTP_URL is set.

`SMTP_URL` forms: smtp://host:port (plain), smtp+starttls://user:pass@host:port (STARTTLS,
then login), smtps://user:pass@host:port (TLS from the start). Headers are built with the
standard library's `email` package: names and subjects with Polish letters are encoded as
RFC 2047 words, and no field can add a header (control characters, CR and LF included, are
removed from every value first).

Messages to ASCII addresses (all but a few) are built with the `email.mime` classes and
`email.utils`/`email.header` encoders: the same headers and parts as an `EmailMessage`, at a
fraction of the cost (bench/README.md, "Figures behind design choices"), which matters
because deliverers share the web workers' interpreter. An internationalised address keeps the
`EmailMessage` path, whose policy knows how to write it.

`SMTP_TIMEOUT_SECONDS` bounds each command; a `deadline` bounds the whole message (the
deliverer's lease, app/messages/dispatch.py): every command waits at most until then.
"""

import contextlib
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from app.messages.models import OutboxMessage
from app.messages.render import one_line
from app.settings import Settings

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class MailFailed(Exception):
    """The SMTP server could not be reached or refused the message (the text is safe to store)."""


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls://user:pass@host:port or smtps://...")
    port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
    return SmtpTarget(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


def _address(name: str, addr: str) -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def _headers(message: OutboxMessage, sender_addr: str) -> dict[str, str]:
    domain = sender_addr.rpartition("@")[2] or "localhost"
    return {
        "Date": format_datetime(message.created_at),
        "Message-ID": f"<{message.uid}@{domain}>",
        "Auto-Submitted": "auto-generated",
        "Content-Language": one_line(message.language),
    }


def build(message: OutboxMessage, *, text: str, html: str, settings: Settings) -> Message:
    sender_name, sender_addr = parseaddr(settings.mail_from)
    if not (sender_addr.isascii() and message.recipient.isascii()):
        return _build_international(message, text=text, html=html, sender=(sender_name, sender_addr))
    mail = MIMEMultipart("alternative")
    mail["From"] = formataddr((one_line(sender_name), sender_addr), charset="utf-8")
    mail["To"] = formataddr((one_line(message.recipient_name), message.recipient), charset="utf-8")
    subject = one_line(message.subject)
    mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8", header_name="Subject").encode()
    for name, value in _headers(message, sender_addr).items():
        mail[name] = value
    mail.attach(MIMEText(text, "plain", "utf-8"))
    mail.attach(MIMEText(html, "html", "utf-8"))
    return mail


def _build_international(message: OutboxMessage, *, text: str, html: str, sender: tuple[str, str]) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = _address(*sender)
    mail["To"] = _address(message.recipient_name, message.recipient)
    mail["Subject"] = one_line(message.subject)
    for name, value in _headers(message, sender[1]).items():
        mail[name] = value
    mail.set_content(text, charset="utf-8")
    mail.add_alternative(html, subtype="html", charset="utf-8")
    return mail


_connections = threading.local()  # one open SMTP connection per delivery thread
IDLE_SECONDS = 30.0  # a connection idle longer than this is closed rather than reused


class TimeUp(TimeoutError):
    """The message's deadline passed."""


def _left(deadline: float | None, timeout: float) -> float:
    """Seconds the next step may wait: the per-command timeout, or less near the deadline."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeUp("the attempt's time is up")
    return min(timeout, left)


class _Client(smtplib.SMTP):
    """smtplib's client, each command's wait cut short at `deadline` (time.monotonic())."""

    deadline: float | None = None

    def _bound(self) -> None:
        if self.sock is not None:
            self.sock.settimeout(_left(self.deadline, self.timeout))

    def send(self, s: "ReadableBuffer | str") -> None:
        self._bound()
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        self._bound()
        return super().getreply()


class _TlsClient(smtplib.SMTP_SSL, _Client):
    pass


def _connect(target: SmtpTarget, timeout: float, deadline: float | None) -> _Client:
    client: _Client
    wait = _left(deadline, timeout)
    if target.scheme == "smtps":
        client = _TlsClient(target.host, target.port, timeout=wait, context=ssl.create_default_context())
    else:
        client = _Client(target.host, target.port, timeout=wait)
    client.timeout, client.deadline = timeout, deadline
    if target.scheme == "smtp+starttls":
        client.starttls(context=ssl.create_default_context())
    if target.username:
        client.login(target.username, target.password or "")
    return client


def _drop(*, polite: bool = True) -> None:
    """Close this thread's connection; with QUIT first unless the server stopped answering."""
    client = getattr(_connections, "client", None)
    _connections.client = None
    if client is not None:
        if polite:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()
        client.close()


def _reset() -> None:
    """After a refused message the connection stays usable once the transaction is reset."""
    client = getattr(_connections, "client", None)
    if client is not None:
        try:
            client.rset()
        except (smtplib.SMTPException, OSError):
            _drop()


def send(mail: Message, *, settings: Settings, deadline: float | None = None) -> None:
    """Send over this thread's SMTP connection, opened on first use and kept for the next
    messages (a burst of notices then costs one handshake per thread, not one per message).
    A connection the server closed meanwhile is replaced once, at once. Nothing waits past
    `deadline` (time.monotonic()); a message cut short there is not sent again here."""
    assert settings.smtp_url is not None
    url = settings.smtp_url.get_secret_value()
    target = parse_smtp_url(url)
    now = time.monotonic()
    if getattr(_connections, "url", None) != url or now - getattr(_connections, "used", 0.0) > IDLE_SECONDS:
        _drop()
    try:
        _send(mail, url=url, target=target, timeout=settings.smtp_timeout_seconds, deadline=deadline)
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500 or exc.smtp_code in (421,):
            _drop()
        else:
            _reset()
        error = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise MailFailed(f"SMTP {exc.smtp_code}: {error[:200]}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        _reset()
        raise MailFailed(f"SMTP refused the recipient ({len(exc.recipients)})") from exc
    except (smtplib.SMTPException, OSError) as exc:
        _drop(polite=not _timed_out(exc))
        if _timed_out(exc):
            raise MailFailed(
                "SMTP: no answer in time (SMTP_TIMEOUT_SECONDS a command, half of OUTBOX_LEASE_SECONDS a message)"
            ) from exc
        raise MailFailed(f"SMTP: {type(exc).__name__}: {str(exc)[:200]}") from exc


def _send(mail: Message, *, url: str, target: SmtpTarget, timeout: float, deadline: float | None) -> None:
    for attempt in (1, 2):
        client = getattr(_connections, "client", None)
        fresh = client is None
        if client is None:
            client = _connections.client = _connect(target, timeout, deadline)
            _connections.url = url
        client.deadline = deadline
        try:
            client.send_message(mail)
            _connections.used = time.monotonic()
            return
        except smtplib.SMTPServerDisconnected as exc:
            _drop(polite=False)
            # An answer that never came may still have been a message accepted: not again.
            if fresh or attempt == 2 or _timed_out(exc):
                raise
        finally:
            client.deadline = None


def _timed_out(exc: BaseException) -> bool:
    """A wait ran out (smtplib reports a read that timed out as a lost connection)."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def write_file(mail: Message, message: OutboxMessage, *, settings: Settings) -> Path:
    """No SMTP_URL: the message as it would have been sent, under `outbox_dir`. The files
    hold personal links in plain text: the folder is the service user's alone (0700), each
    file too (0600)."""
    folder = Path(settings.outbox_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)  # made earlier, or by someone with a looser umask
    path = folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.uid}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "wb") as out:
        os.fchmod(fd, 0o600)  # a file left by an earlier attempt keeps its mode otherwise
        out.write(bytes(mail))
    return path
