from datetime import datetime

from app.auth.models import KEY_LABEL_MAX
from app.common.base import Field, SQLModel, created_at_field, sa


class Attendance(SQLModel, table=True):
    """A person checked in at the door: for the event (`session_id` NULL) or for one session."""

    __tablename__ = "attendance"
    __table_args__ = (
        # At most one check-in per person for the event and per person and session.
        sa.Index(
            "uq_attendance_event_registration",
            "registration_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NULL"),
            postgresql_where=sa.text("session_id IS NULL"),
        ),
        sa.Index(
            "uq_attendance_session_registration",
            "session_id",
            "registration_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        ),
        sa.Index("ix_attendance_registration", "registration_id", "session_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", index=True)
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE")
    session_id: int | None = Field(default=None, foreign_key="sessions.id", ondelete="CASCADE")
    checked_in_at: datetime = created_at_field()
    checked_in_by: str = Field(max_length=KEY_LABEL_MAX, description="Label of the key that checked the person in.")


class CheckinSecret(SQLModel, table=True):
    """The per-event HMAC key from which check-in codes are derived (app/checkin/codes.py).

    Made on first use; replacing it revokes every code of the event at once.
    """

    __tablename__ = "checkin_secrets"

    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", primary_key=True)
    secret: str = Field(max_length=64)
    created_at: datetime = created_at_field()
