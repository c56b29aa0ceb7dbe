from datetime import datetime

from app.common.base import Field, SQLModel, created_at_field


class CalendarFeed(SQLModel, table=True):
    """A person's read-only calendar feed secret (calendar apps cannot send a Bearer header).

    Separate from the registration token, stored only as a digest, revocable.
    """

    __tablename__ = "calendar_feeds"

    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE", primary_key=True)
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
