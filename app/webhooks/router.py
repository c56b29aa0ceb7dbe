"""Webhook endpoints (organizers): register, list, remove, and each endpoint's delivery log.

A key limited to some events reads, makes and removes only endpoints of one of its events;
endpoints of every event (no `event_id`) are not its to make (403) nor to see (404)."""

from typing import Any

from fastapi import APIRouter, Response, status

from app.auth.deps import AuditedOrganizerDep, Organizer, OrganizerDep
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.messages.models import OutboxMessage
from app.settings import SettingsDep
from app.webhooks import service
from app.webhooks.models import WebhookEndpoint
from app.webhooks.schemas import WebhookCreate, WebhookCreated, WebhookDelivery, WebhookPublic

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["webhooks"])


def _fields(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": service.event_types(endpoint),
        "event_id": endpoint.event_id,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "created_by": endpoint.created_by,
    }


def _public(endpoint: WebhookEndpoint) -> WebhookPublic:
    return WebhookPublic(**_fields(endpoint))


def _endpoint(db: SessionDep, who: Organizer, webhook_id: int) -> WebhookEndpoint:
    """The endpoint; 404 as for an unknown one when it is outside the key's events."""
    endpoint = service.get_endpoint(db, webhook_id=webhook_id)
    who.check_event(endpoint.event_id, f"Webhook {webhook_id} does not exist.")
    return endpoint


def _delivery(message: OutboxMessage) -> WebhookDelivery:
    return WebhookDelivery(
        id=message.id,
        msg_id=message.uid,
        type=message.kind,
        status=message.status,
        attempts=message.attempts,
        response_status=message.response_status,
        last_error=message.last_error,
        created_at=message.created_at,
        sent_at=message.sent_at,
    )


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: WebhookCreate, db: SessionDep, who: AuditedOrganizerDep, settings: SettingsDep
) -> WebhookCreated:
    """Register a receiver of the given event types (of one event with `event_id`, else of all).

    The answer carries the signing secret (`whsec_...`) this once. Each delivery is a POST of
    `{type, timestamp, data}` with the Standard Webhooks headers `webhook-id` (the same on every
    retry), `webhook-timestamp` and `webhook-signature`. Only `https` URLs whose host is public;
    private, loopback and link-local targets are refused (422) unless WEBHOOK_ALLOW_PRIVATE is set.
    """
    if body.event_id is None:
        who.check_global("register webhooks of every event; give `event_id`")
    else:
        who.check_event(body.event_id)
    endpoint, secret = service.create_endpoint(
        db, url=body.url, events=body.events, event_id=body.event_id, created_by=who.label, settings=settings
    )
    return WebhookCreated(**_fields(endpoint), secret=secret)


@router.get("/webhooks", response_model=Page[WebhookPublic], status_code=status.HTTP_200_OK)
def list_webhooks(db: SessionDep, who: OrganizerDep, page: PageDep) -> Page[WebhookPublic]:
    """Registered endpoints (without their secrets)."""
    rows, total = service.list_endpoints(db, limit=page.limit, offset=page.offset, within=who.event_ids)
    return Page(items=[_public(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_webhook(webhook_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> Response:
    """Remove the endpoint; its pending deliveries are dropped and its log goes with it."""
    _endpoint(db, who, webhook_id)
    service.delete_endpoint(db, webhook_id=webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=Page[WebhookDelivery], status_code=status.HTTP_200_OK)
def list_deliveries(webhook_id: IdPath, db: SessionDep, who: OrganizerDep, page: PageDep) -> Page[WebhookDelivery]:
    """The endpoint's deliveries, newest first: status (pending, sent, failed), attempts, the last
    HTTP status and error. Never the body."""
    _endpoint(db, who, webhook_id)
    rows, total = service.deliveries(db, webhook_id=webhook_id, limit=page.limit, offset=page.offset)
    return Page(items=[_delivery(r) for r in rows], total=total, limit=page.limit, offset=page.offset)
