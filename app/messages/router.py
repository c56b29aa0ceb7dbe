"""Organizers: the outbox of an event (sent, pending, failed, retry), broadcasts, own templates."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from app.auth.deps import AuditedOrganizerDep, Organizer, OrganizerDep
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.errors import NotFound
from app.events.deps import OrganizerEventDep
from app.messages import outbox, service
from app.messages.models import Channel, MessageStatus, OutboxMessage
from app.messages.notices import LINK_MARK, SECRET_MARK
from app.messages.schemas import (
    BroadcastIn,
    BroadcastOut,
    Language,
    MessageDetail,
    MessagePublic,
    PreviewIn,
    PreviewOut,
    TemplateIn,
    TemplatePublic,
)
from app.webhooks.models import WebhookEndpoint

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["messages"])

KindPath = Annotated[str, Path(max_length=64, pattern=r"^[a-z]+\.[a-z]+$", description="e.g. registration.created")]


def _message(db: SessionDep, who: Organizer, message_id: int) -> OutboxMessage:
    """The message; 404 as for an unknown one when it is outside the key's events (for a webhook
    delivery, the events of its endpoint: a key limited to some never sees those of every event)."""
    row = outbox.get_message(db, message_id=message_id)
    missing = f"Message {message_id} does not exist."
    who.check_event(row.event_id, missing)
    if who.scoped and row.channel == Channel.webhook:
        endpoint = db.get(WebhookEndpoint, row.webhook_id) if row.webhook_id is not None else None
        who.check_event(endpoint.event_id if endpoint is not None else None, missing)
    return row


@router.get("/events/{event_id}/messages", response_model=Page[MessagePublic], status_code=status.HTTP_200_OK)
def list_messages(
    db: SessionDep,
    _: OrganizerDep,
    event: OrganizerEventDep,
    page: PageDep,
    message_status: Annotated[MessageStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[MessagePublic]:
    """E-mails of the event, newest first: who, what, pending, sent or failed (with the last error)."""
    rows, total = outbox.list_messages(
        db, event_id=event.id or 0, status=message_status, kind=kind, limit=page.limit, offset=page.offset
    )
    return Page(
        items=[MessagePublic.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/messages/{message_id}", response_model=MessageDetail, status_code=status.HTTP_200_OK)
def get_message(message_id: IdPath, db: SessionDep, who: OrganizerDep) -> MessageDetail:
    """One e-mail with its text; the personal link or code it carries is never shown."""
    row = _message(db, who, message_id)
    if row.channel != "email":
        raise NotFound(f"Message {message_id} does not exist.")
    detail = MessageDetail.model_validate(row, from_attributes=True)
    return detail.model_copy(
        update={"text": row.body_text.replace(SECRET_MARK, "[hidden]").replace(LINK_MARK, "[hidden]")}
    )


@router.post("/messages/{message_id}/retry", response_model=MessagePublic, status_code=status.HTTP_200_OK)
def retry_message(message_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> MessagePublic:
    """A failed message back to pending, with a fresh set of attempts (409 unless failed). A key
    limited to some events: only messages of those events (a webhook delivery's is its endpoint's)."""
    _message(db, who, message_id)
    return MessagePublic.model_validate(outbox.retry(db, message_id=message_id))


@router.post("/events/{event_id}/broadcasts", response_model=BroadcastOut, status_code=status.HTTP_200_OK)
def broadcast(body: BroadcastIn, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep) -> BroadcastOut:
    """Send one message to the people matching the filters (confirmed by default). With
    `dry_run` (the default) only the number of recipients is returned; otherwise one e-mail per
    person is queued in the outbox, and the audit log keeps who sent it. An event with
    `emails_enabled: false` sends nothing: 409 (`/problems/emails-disabled`) unless a dry run."""
    return BroadcastOut(recipients=service.broadcast(db, event=event, data=body), dry_run=body.dry_run)


@router.get("/events/{event_id}/message-templates", response_model=list[TemplatePublic], status_code=status.HTTP_200_OK)
def list_templates(db: SessionDep, _: OrganizerDep, event: OrganizerEventDep) -> list[TemplatePublic]:
    """Subject and text of each message the event sends, per language: the organizer's own or
    the built-in one. Templates are Jinja: the first line of a built-in one is its subject."""
    return service.list_templates(db, event=event)


@router.post(
    "/events/{event_id}/message-templates/{kind}/preview",
    response_model=PreviewOut,
    status_code=status.HTTP_200_OK,
)
def preview_template(
    kind: KindPath, body: PreviewIn, db: SessionDep, _: OrganizerDep, event: OrganizerEventDep
) -> PreviewOut:
    """A subject and text rendered with sample values, as they would be sent (nothing stored).
    A template that cannot be used: 422 naming the field and the line."""
    return service.preview(db, event=event, kind=kind, data=body)


@router.put(
    "/events/{event_id}/message-templates/{kind}/{language}",
    response_model=TemplatePublic,
    status_code=status.HTTP_200_OK,
)
def set_template(
    kind: KindPath,
    language: Language,
    body: TemplateIn,
    db: SessionDep,
    _: AuditedOrganizerDep,
    event: OrganizerEventDep,
) -> TemplatePublic:
    """Use your own subject and text for one kind of message in one language. They are Jinja
    templates (sandboxed) with the variables of the built-in one; one that does not render with
    sample values is refused (422)."""
    return service.set_template(db, event=event, kind=kind, language=language, data=body)


@router.delete(
    "/events/{event_id}/message-templates/{kind}/{language}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def reset_template(
    kind: KindPath, language: Language, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep
) -> Response:
    """Back to the built-in text."""
    service.reset_template(db, event_id=event.id or 0, kind=kind, language=language)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
