"""The outbox: the only writer of `outbox` rows.

A notice is queued by the workflow that causes it, in its transaction (a rollback sends
nothing, a commit loses nothing). Deliverers (app/messages/dispatch.py) claim due rows with a
lease, deliver them outside any transaction, and record the outcome.

Delivery is at least once: a deliverer that dies after the receiver accepted a message and
before it recorded that (one statement later) leaves the row claimed; it is sent again once
the lease (`OUTBOX_LEASE_SECONDS`) has run out. Receivers drop the repeat by its stable
`Message-ID` or `webhook-id` (the row's `uid`).
"""

import json
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, update
from sqlmodel import Session, col, select

from app.common.core import table_of
from app.common.time import utcnow
from app.errors import Conflict, NotFound
from app.messages.models import Channel, MessageStatus, OutboxMessage
from app.settings import Settings

QUEUED_FLAG = "outbox_queued"  # Session.info: the request's commit should wake the deliverers
ERASED = "(erased)"
# Kinds whose recipient and text are wiped once sent or failed for good (the person asked to
# be forgotten).
WIPED_WHEN_DONE = frozenset({"registration.erased"})
# Kinds left out of the outbox metrics: a lost-link code is queued only for a registered
# address, and the recovery request must look the same for any address (app/recovery); so is a
# team member's password reset (app/team).
UNCOUNTED = frozenset({"recovery.code", "team.password_reset"})
# An SMTP server's answer may quote the recipient: never an address in logs or stored errors.
ADDRESS = re.compile(r"[^\s<>\"']+@[^\s<>\"']+")
LEASE_RAN_OUT = "the delivery did not finish within its lease (the deliverer died or took too long)"


def new_uid() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _queued(db: Session) -> None:
    db.info[QUEUED_FLAG] = True


def _insert(db: Session, **values: Any) -> None:
    """One pending row, by a Core INSERT: a registration rush queues one per person, and the
    ORM's unit of work would cost more than the rest of the notice."""
    now = utcnow()
    row = {
        "recipient_name": "",
        "language": "pl",
        "subject": "",
        "body_text": "",
        "body_html": "",
        "payload": "",
        "sealed_secret": None,
        "link_claims": None,
        "registration_id": None,
        "webhook_id": None,
        "template_error": None,
        "status": MessageStatus.pending,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
        **values,
    }
    db.flush()  # the rows it refers to (a registration just added) are in the database first
    db.execute(insert(table_of(OutboxMessage)), row)
    _queued(db)


def enqueue_email(
    db: Session,
    *,
    kind: str,
    event_id: int | None,
    registration_id: int | None,
    to: str,
    to_name: str,
    language: str,
    subject: str,
    text: str,
    html: str,
    sealed_secret: str | None = None,
    link_claims: str | None = None,
    template_error: str | None = None,
) -> None:
    _insert(
        db,
        uid=new_uid(),
        channel=Channel.email,
        kind=kind,
        event_id=event_id,
        registration_id=registration_id,
        recipient=to,
        recipient_name=to_name[:210],
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        sealed_secret=sealed_secret,
        link_claims=link_claims,
        template_error=template_error,
    )


def enqueue_webhook(
    db: Session, *, kind: str, event_id: int | None, webhook_id: int, url: str, data: dict[str, Any]
) -> None:
    now = utcnow()
    body = {"type": kind, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}
    _insert(
        db,
        uid=new_uid(),
        channel=Channel.webhook,
        kind=kind,
        event_id=event_id,
        webhook_id=webhook_id,
        recipient=url,
        payload=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        created_at=now,
        next_attempt_at=now,
    )


# --- deliverers -------------------------------------------------------------------------------


def destination(channel: str, webhook_id: int | None) -> str:
    """What one receiver is: the SMTP server, or one webhook endpoint."""
    return f"webhook:{webhook_id}" if channel == Channel.webhook else "email"


def claim(
    db: Session,
    *,
    limit: int,
    lease_seconds: float,
    max_attempts: int | None = None,
    busy: Mapping[str, int] | None = None,
    per_destination: int | None = None,
) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `lease_seconds`. Two deliverers never take one row at
    once: PostgreSQL skips rows another deliverer is claiming (FOR UPDATE SKIP LOCKED); SQLite
    has one writer at a time. The caller commits at once.

    A claim is an attempt: `attempts` rises here, so a deliverer that dies or overruns its
    lease uses one up too, and a message whose lease ran out `max_attempts` times is `failed`
    instead of claimed again.

    With `per_destination`, at most that many messages per receiver are in flight (counting the
    caller's `busy` ones), so a receiver that hangs cannot take every delivery slot."""
    now = utcnow()
    candidates = db.exec(
        select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.webhook_id, OutboxMessage.attempts)
        .where(OutboxMessage.status == MessageStatus.pending, col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit if per_destination is None else limit * 8)
        .with_for_update(skip_locked=True)
    ).all()
    taken = dict(busy or {})
    ids: list[int] = []
    exhausted: list[int] = []
    for message_id, channel, webhook_id, attempts in candidates:
        if max_attempts is not None and attempts >= max_attempts:
            exhausted.append(message_id or 0)
            continue
        key = destination(channel, webhook_id)
        if per_destination is not None and taken.get(key, 0) >= per_destination:
            continue
        taken[key] = taken.get(key, 0) + 1
        ids.append(message_id or 0)
        if len(ids) == limit:
            break
    _fail_for_good(db, exhausted, error=LEASE_RAN_OUT)
    if not ids:
        return []
    lease = uuid.uuid4().hex
    db.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .values(
            lease=lease, attempts=OutboxMessage.attempts + 1, next_attempt_at=now + timedelta(seconds=lease_seconds)
        )
    )
    rows = db.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids))
        .execution_options(populate_existing=True)
        .order_by(col(OutboxMessage.id))
    ).all()
    return list(rows)


def _fail_for_good(db: Session, ids: Sequence[int], *, error: str) -> None:
    if ids:
        db.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids))
            .values(status=MessageStatus.failed, last_error=error, lease=None)
            .execution_options(synchronize_session=False)
        )
        _wipe_when_done(db, ids)


def _wipe_when_done(db: Session, ids: Sequence[int]) -> None:
    """The kinds of WIPED_WHEN_DONE among `ids` lose their recipient and text."""
    db.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), col(OutboxMessage.kind).in_(WIPED_WHEN_DONE))
        .values(recipient=ERASED, recipient_name="", body_text="", body_html="", sealed_secret=None, link_claims=None)
        .execution_options(synchronize_session=False)
    )


def _mine(message_id: int, lease: str) -> list[ColumnElement[bool]]:
    return [
        col(OutboxMessage.id) == message_id,
        col(OutboxMessage.lease) == lease,
        col(OutboxMessage.status) == MessageStatus.pending,
    ]


def delivered(db: Session, *, message_id: int, lease: str, transport: str, response_status: int | None = None) -> None:
    """Record a delivery (only by the deliverer still holding the lease); the secret goes."""
    db.execute(
        update(OutboxMessage)
        .where(*_mine(message_id, lease))
        .values(
            status=MessageStatus.sent,
            sent_at=utcnow(),
            transport=transport,
            response_status=response_status,
            last_error=None,
            sealed_secret=None,
            lease=None,
        )
    )
    _wipe_when_done(db, [message_id])


def delivered_many(db: Session, batch: Sequence[tuple[int, str, str, int | None]]) -> None:
    """`delivered` for many messages: (id, lease, transport, response status) each; one UPDATE per
    claim and outcome (a rush's e-mails share them), the lease still checked per row."""
    groups: dict[tuple[str, str, int | None], list[int]] = {}
    for message_id, lease, transport, status in batch:
        groups.setdefault((lease, transport, status), []).append(message_id)
    now = utcnow()
    for (lease, transport, status), ids in groups.items():
        db.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_(ids),
                col(OutboxMessage.lease) == lease,
                col(OutboxMessage.status) == MessageStatus.pending,
            )
            .values(
                status=MessageStatus.sent,
                sent_at=now,
                transport=transport,
                response_status=status,
                last_error=None,
                sealed_secret=None,
                lease=None,
            )
            .execution_options(synchronize_session=False)
        )
    _wipe_when_done(db, [m for m, *_ in batch])


def backoff(attempts: int, settings: Settings) -> float:
    """Seconds before attempt `attempts + 1`: exponential with ±20% jitter, capped."""
    base = min(settings.outbox_backoff_seconds * 2.0 ** max(attempts - 1, 0), settings.outbox_backoff_cap_seconds)
    return base * random.uniform(0.8, 1.2)


def attempt_failed(
    db: Session,
    *,
    message: OutboxMessage,
    lease: str,
    error: str,
    settings: Settings,
    response_status: int | None = None,
) -> MessageStatus:
    """Record a failed attempt (counted when claimed): back off and try again, or `failed` after
    the last attempt. The error is stored without addresses (servers quote the recipient)."""
    attempts = message.attempts
    final = attempts >= settings.outbox_max_attempts
    status = MessageStatus.failed if final else MessageStatus.pending
    recorded = db.execute(
        update(OutboxMessage)
        .where(*_mine(message.id or 0, lease))
        .values(
            status=status,
            last_error=ADDRESS.sub("<address>", error)[:500],
            response_status=response_status,
            lease=None,
            next_attempt_at=utcnow() + timedelta(seconds=0 if final else backoff(attempts, settings)),
        )
        .returning(col(OutboxMessage.id))
    ).first()
    if final and recorded is not None:
        _wipe_when_done(db, [message.id or 0])
    return status


# --- organizers -------------------------------------------------------------------------------


def list_messages(
    db: Session, *, event_id: int, status: MessageStatus | None, kind: str | None, limit: int, offset: int
) -> tuple[Sequence[OutboxMessage], int]:
    cond: list[ColumnElement[bool]] = [
        col(OutboxMessage.event_id) == event_id,
        col(OutboxMessage.channel) == Channel.email,
    ]
    if status is not None:
        cond.append(col(OutboxMessage.status) == status)
    if kind:
        cond.append(col(OutboxMessage.kind) == kind)
    total = db.exec(select(func.count()).select_from(OutboxMessage).where(*cond)).one()
    rows = db.exec(
        select(OutboxMessage).where(*cond).order_by(col(OutboxMessage.id).desc()).limit(limit).offset(offset)
    ).all()
    return rows, total


def messages_of(db: Session, *, registration_id: int) -> Sequence[OutboxMessage]:
    """E-mails to one person, oldest first (their data export)."""
    return db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.registration_id == registration_id, OutboxMessage.channel == Channel.email)
        .order_by(col(OutboxMessage.id))
    ).all()


def get_message(db: Session, *, message_id: int) -> OutboxMessage:
    message = db.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"Message {message_id} does not exist.")
    return message


def retry(db: Session, *, message_id: int) -> OutboxMessage:
    """A failed message back to pending, with a fresh set of attempts."""
    message = get_message(db, message_id=message_id)
    if message.status != MessageStatus.failed:
        raise Conflict(f"Message {message_id} is {message.status}; only failed messages can be retried.")
    message.status, message.attempts, message.next_attempt_at, message.lease = MessageStatus.pending, 0, utcnow(), None
    db.add(message)
    db.flush()
    _queued(db)
    return message


def backlog(db: Session) -> dict[str, int]:
    """Messages per status (for /metrics), lost-link codes left out (UNCOUNTED)."""
    counts = {s.value: 0 for s in MessageStatus}
    for status, n in db.exec(
        select(OutboxMessage.status, func.count())
        .where(col(OutboxMessage.kind).not_in(UNCOUNTED))
        .group_by(OutboxMessage.status)
    ).all():
        counts[str(status)] = n
    return counts


def forget_registration(db: Session, *, registration_id: int) -> None:
    """Erasure: messages to the person not sent yet are dropped, past ones lose what identifies
    them (the notice that erasure is done is queued afterwards, unlinked, and wiped once sent)."""
    db.execute(
        delete(OutboxMessage).where(
            col(OutboxMessage.registration_id) == registration_id,
            col(OutboxMessage.channel) == Channel.email,
            col(OutboxMessage.status) == MessageStatus.pending,
        )
    )
    db.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.registration_id) == registration_id)
        .values(
            recipient=ERASED,
            recipient_name="",
            body_text="",
            body_html="",
            sealed_secret=None,
            link_claims=None,
            registration_id=None,
        )
    )
