from typing import Literal, get_args

from pydantic import Field, field_validator

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, UtcOutput
from app.messages.models import MessageStatus

WebhookEventType = Literal[
    "registration.created",
    "registration.approved",
    "registration.rejected",
    "registration.promoted",
    "registration.cancelled",
    "registration.erased",
    "enrollment.created",
    "enrollment.promoted",
    "assignment.committed",
    "checkin.created",
    "poll.opened",
    "poll.published",
]
# Every notice an endpoint may subscribe to (the outbox's webhook kinds).
WEBHOOK_EVENT_TYPES: tuple[str, ...] = get_args(WebhookEventType)


class WebhookCreate(RequestModel):
    url: str = Field(
        min_length=1,
        max_length=2000,
        examples=["https://hooks.example.org/seminar"],
        description="Where to POST the notices: `https` (plain `http` and private, loopback or "
        "link-local addresses only when WEBHOOK_ALLOW_PRIVATE is set); no credentials in the URL.",
    )
    events: list[WebhookEventType] = Field(
        min_length=1, max_length=len(WEBHOOK_EVENT_TYPES), examples=[["registration.created", "checkin.created"]]
    )
    event_id: Id | None = Field(default=None, description="Only this event's notices; omit for every event.")

    @field_validator("events", mode="after")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class WebhookPublic(ResponseModel):
    id: int
    url: str
    events: list[str]
    event_id: int | None
    active: bool
    created_at: UtcOutput
    created_by: str


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="The signing secret (`whsec_...`, Standard Webhooks); shown only now.")


class WebhookDelivery(ResponseModel):
    """One notice to the endpoint and how its delivery went (never its body)."""

    id: int
    msg_id: str = Field(description="The `webhook-id` header: the same on every retry (drop repeats by it).")
    type: str
    status: MessageStatus
    attempts: int
    response_status: int | None = Field(description="HTTP status of the last attempt (null: no answer).")
    last_error: str | None
    created_at: UtcOutput
    sent_at: UtcOutput | None
