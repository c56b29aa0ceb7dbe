from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa, utc_field


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"


class MessageStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(SQLModel, table=True):
    """A notice to deliver: written in the transaction of the change that causes it (app/messages).

    E-mails are rendered when queued; the self-service secret a message carries is not in the
    body but sealed in `sealed_secret` (app/keyring) and put into the body only when sending,
    then wiped. The personal link is signed only when sending, from `link_claims`.
    Webhook deliveries keep their JSON body in `payload`.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        # What the deliverers claim: pending rows whose time has come.
        sa.Index(
            "ix_outbox_due",
            "next_attempt_at",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_outbox_event", "event_id", "id"),
        sa.Index("ix_outbox_webhook", "webhook_id", "id"),
        sa.Index("ix_outbox_registration", "registration_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Stable across retries: the e-mail's Message-ID and the webhook's `webhook-id`.
    uid: str = Field(max_length=40, unique=True)
    channel: Channel = Field(sa_type=sa.String(16))
    kind: str = Field(max_length=64)
    event_id: int | None = Field(default=None, foreign_key="events.id", ondelete="CASCADE")
    registration_id: int | None = Field(default=None, foreign_key="registrations.id", ondelete="SET NULL")
    webhook_id: int | None = Field(default=None, foreign_key="webhooks.id", ondelete="CASCADE")
    # An e-mail address, or the webhook's URL.
    recipient: str = Field(max_length=2000)
    recipient_name: str = Field(default="", max_length=210)
    language: str = Field(default="pl", max_length=2)
    subject: str = Field(default="", max_length=300)
    body_text: str = Field(default="", sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    payload: str = Field(default="", sa_type=sa.Text)
    sealed_secret: str | None = Field(default=None, max_length=300)
    # The personal link's claims ("registration.expiry.version", not a credential): the body holds
    # LINK_MARK, and the deliverer signs these into the link only when sending (app/registrations/links.py).
    link_claims: str | None = Field(default=None, max_length=64)
    status: MessageStatus = Field(default=MessageStatus.pending, sa_type=sa.String(16))
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    # Why the organizer's own template gave way to the built-in text (it failed when rendered).
    template_error: str | None = Field(default=None, max_length=300)
    # HTTP status of the last webhook attempt.
    response_status: int | None = None
    # When the message may be tried (again); a deliverer that claims it pushes this forward by
    # its lease, so a message whose deliverer died is taken up again once the lease runs out.
    next_attempt_at: datetime = created_at_field()
    lease: str | None = Field(default=None, max_length=32)
    # How it went out: smtp, file (no SMTP_URL: an .eml under data/), http.
    transport: str | None = Field(default=None, max_length=16)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = utc_field()


class MessageTemplate(SQLModel, table=True):
    """An organizer's own subject and text for one kind of message of one event and language."""

    __tablename__ = "message_templates"
    __table_args__ = (sa.UniqueConstraint("event_id", "kind", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE")
    kind: str = Field(max_length=64)
    language: str = Field(max_length=2)
    subject: str = Field(max_length=300)
    text: str = Field(sa_type=sa.Text)
    updated_at: datetime = created_at_field()
