from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa, utc_field


class BallotType(StrEnum):
    approval = "approval"  # a set of acceptable topics
    ranked = "ranked"  # an order, most wanted first


class TopicStatus(StrEnum):
    approved = "approved"  # on the ballot
    proposed = "proposed"  # suggested by a participant, waiting for an organizer
    rejected = "rejected"


class PollStatus(StrEnum):
    """Derived when read (app/voting/service.py: status_of), never stored."""

    upcoming = "upcoming"  # before `opens_at`
    open = "open"  # ballots and proposals taken
    closed = "closed"  # after `closes_at`
    published = "published"  # its winners run as workshops: closed for good, whatever the window says


class Poll(SQLModel, table=True):
    __tablename__ = "polls"
    __table_args__ = (
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
        sa.CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="window_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    seats: int
    ballot: BallotType = Field(sa_type=sa.String(16))
    opens_at: datetime | None = utc_field()
    closes_at: datetime | None = utc_field()
    allow_proposals: bool = Field(default=False)
    created_at: datetime = created_at_field()


class Topic(SQLModel, table=True):
    __tablename__ = "topics"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="polls.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    status: TopicStatus = Field(default=TopicStatus.approved, sa_type=sa.String(16))
    proposed_by: int | None = Field(default=None, foreign_key="registrations.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class Ballot(SQLModel, table=True):
    """One ballot per registration and poll; replaced, never duplicated."""

    __tablename__ = "ballots"
    __table_args__ = (sa.UniqueConstraint("poll_id", "registration_id"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="polls.id", ondelete="CASCADE")
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE", index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class BallotChoice(SQLModel, table=True):
    __tablename__ = "ballot_choices"

    ballot_id: int = Field(foreign_key="ballots.id", ondelete="CASCADE", primary_key=True)
    topic_id: int = Field(foreign_key="topics.id", ondelete="CASCADE", primary_key=True)
    rank: int = Field(description="0 = most preferred (ranked ballots); order given (approval ballots).")
