from datetime import datetime
from typing import Any

from app.auth.models import KEY_LABEL_MAX
from app.common.base import Field, SQLModel, created_at_field, sa


class AuditEntry(SQLModel, table=True):
    """Who did what, when: exports of personal data, check-ins and other organizer actions.

    `event_id` is deliberately not a foreign key: the trail outlives a deleted event.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_event_id", "event_id", "id"),
        sa.Index("ix_audit_log_action", "action", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor: str = Field(max_length=KEY_LABEL_MAX)  # the credential's label (`Organizer.label`)
    action: str = Field(max_length=200)
    event_id: int | None = None
    target: str | None = Field(default=None, max_length=200)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
