from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa
from app.common.time import UTCDateTime


class SessionKind(StrEnum):
    plenary = "plenary"
    panel = "panel"
    workshop = "workshop"
    break_ = "break"
    meal = "meal"
    social = "social"


# Breaks, meals and social items are in the programme for everyone: they have no places to take
# (nobody enrolls or is placed), and they are never ranked nor assigned.
FOR_EVERYONE = frozenset({SessionKind.break_, SessionKind.meal, SessionKind.social})


class EventSession(SQLModel, table=True):
    """A programme item (plenary, panel, workshop; break, meal, social). Named so it never collides with the
    DB Session."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="times_ordered"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_nonnegative"),
        sa.CheckConstraint("capacity IS NULL OR enrolled <= capacity", name="enrolled_within_capacity"),
        sa.Index("ix_sessions_event_starts", "event_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE")
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    kind: SessionKind = Field(sa_type=sa.String(16))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    room: str | None = Field(default=None, max_length=200)
    capacity: int | None = None
    # Set when the session was made from a poll's winning topic (a topic may run in several slots).
    topic_id: int | None = Field(default=None, foreign_key="topics.id", ondelete="SET NULL", index=True)
    # Enrolled seats; changed only by conditional UPDATEs (see enrollments service).
    enrolled: int = Field(default=0)
    waitlist_seq: int = Field(default=0)
    created_at: datetime = created_at_field()
