from datetime import datetime

from app.auth.models import KEY_LABEL_MAX
from app.common.base import Field, SQLModel, created_at_field


class WebhookEndpoint(SQLModel, table=True):
    """A receiver of event notifications, signed as Standard Webhooks do.

    The signing secret must be known to sign, so it is kept sealed with the installation's key
    (app/keyring), not as a digest; it is shown once, when the endpoint is made.
    """

    __tablename__ = "webhooks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    # Comma-separated event types ("registration.created,checkin.created").
    event_types: str = Field(max_length=1000)
    # Only this event's notices (NULL: every event).
    event_id: int | None = Field(default=None, foreign_key="events.id", ondelete="CASCADE", index=True)
    sealed_secret: str = Field(max_length=300)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    created_by: str = Field(max_length=KEY_LABEL_MAX)
