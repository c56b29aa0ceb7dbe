"""Webhook endpoints: the only writer of the `webhooks` table.

Deliveries are outbox rows (app/messages/outbox.py), queued for the endpoints `subscribed` names
and sent by app/webhooks/delivery.py; this module reads them back as each endpoint's log.
"""

from collections.abc import Sequence

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from app.errors import Invalid, NotFound
from app.events import config
from app.events.service import get_event
from app.keyring.service import seal, unseal
from app.messages.models import Channel, OutboxMessage
from app.settings import Settings
from app.webhooks.models import WebhookEndpoint
from app.webhooks.schemas import WEBHOOK_EVENT_TYPES
from app.webhooks.security import check_target
from app.webhooks.signing import new_secret


def event_types(endpoint: WebhookEndpoint) -> list[str]:
    return [kind for kind in endpoint.event_types.split(",") if kind]


def create_endpoint(
    db: Session,
    *,
    url: str,
    events: Sequence[str],
    event_id: int | None,
    created_by: str,
    settings: Settings,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (the caller shows it once; it is kept sealed)."""
    unknown = [kind for kind in events if kind not in WEBHOOK_EVENT_TYPES]
    if unknown or not events:
        raise Invalid(f"Unknown event types: {', '.join(unknown)}." if unknown else "No event types.", field="events")
    check_target(url, allow_private=settings.webhook_allow_private)
    if event_id is not None:
        get_event(db, event_id=event_id, include_unpublished=True)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url,
        event_types=",".join(dict.fromkeys(events)),
        event_id=event_id,
        sealed_secret=seal(db, settings, secret),
        created_by=created_by,
    )
    db.add(endpoint)
    db.flush()
    config.touch(db, event_id=event_id)
    return endpoint, secret


def get_endpoint(db: Session, *, webhook_id: int) -> WebhookEndpoint:
    endpoint = db.get(WebhookEndpoint, webhook_id)
    if endpoint is None:
        raise NotFound(f"Webhook {webhook_id} does not exist.")
    return endpoint


def list_endpoints(
    db: Session,
    *,
    limit: int,
    offset: int,
    within: frozenset[int] | None = None,
) -> tuple[list[WebhookEndpoint], int]:
    """Every endpoint, or with `within` only those of these events (not those of every event)."""
    cond = [col(WebhookEndpoint.event_id).in_(sorted(within))] if within is not None else []
    rows = db.exec(
        select(WebhookEndpoint).where(*cond).order_by(col(WebhookEndpoint.id)).limit(limit).offset(offset)
    ).all()
    total = db.exec(select(func.count()).select_from(WebhookEndpoint).where(*cond)).one()
    return list(rows), total


def delete_endpoint(db: Session, *, webhook_id: int) -> None:
    """Remove the endpoint; its deliveries (sent or still pending) go with it."""
    endpoint = get_endpoint(db, webhook_id=webhook_id)
    db.delete(endpoint)
    db.flush()
    config.touch(db, event_id=endpoint.event_id)


def subscribed(db: Session, *, kind: str, event_id: int | None) -> list[WebhookEndpoint]:
    """Active endpoints that want notices of `kind` about `event_id` (those of every event too)."""
    every_event = col(WebhookEndpoint.event_id).is_(None)
    scope = every_event if event_id is None else or_(every_event, col(WebhookEndpoint.event_id) == event_id)
    rows = db.exec(
        select(WebhookEndpoint).where(col(WebhookEndpoint.active), scope).order_by(col(WebhookEndpoint.id))
    ).all()
    return [endpoint for endpoint in rows if kind in event_types(endpoint)]


def signing_secret(db: Session, *, endpoint: WebhookEndpoint, settings: Settings) -> str:
    """The endpoint's `whsec_...` secret, unsealed for signing a delivery."""
    return unseal(db, settings, endpoint.sealed_secret)


def deliveries(db: Session, *, webhook_id: int, limit: int, offset: int) -> tuple[list[OutboxMessage], int]:
    """The endpoint's delivery log, newest first; 404 for an unknown endpoint."""
    get_endpoint(db, webhook_id=webhook_id)
    mine = (col(OutboxMessage.webhook_id) == webhook_id, col(OutboxMessage.channel) == Channel.webhook)
    rows = db.exec(
        select(OutboxMessage).where(*mine).order_by(col(OutboxMessage.id).desc()).limit(limit).offset(offset)
    ).all()
    total = db.exec(select(func.count()).select_from(OutboxMessage).where(*mine)).one()
    return list(rows), total
