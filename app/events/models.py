from datetime import date, datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa, utc_field


class GreetingStyle(StrEnum):
    """How messages greet people (app/messages/greeting.py)."""

    formal = "formal"
    informal = "informal"


class Event(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity_nonnegative"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity", name="confirmed_within_capacity"),
        sa.CheckConstraint(
            "reserved_open >= 0 AND confirmed_count + reserved_open <= capacity", name="reserved_within_capacity"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    venue: str = Field(max_length=300)
    timezone: str = Field(max_length=64)
    # Default language of messages to participants (pl, en).
    language: str = Field(default="pl", max_length=2, sa_column_kwargs={"server_default": "pl"})
    # False: no e-mails to participants about this event's decisions (webhooks still go out; a
    # lost-link code and the notice of erasure, which the person asks for, are always sent).
    emails_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # How messages greet people: formal ("Szanowna Pani ...", the default) or informal
    # ("Dzień dobry Anno,"); app/messages/greeting.py.
    greeting: str = Field(default="formal", max_length=16, sa_column_kwargs={"server_default": "formal"})
    starts_on: date
    ends_on: date
    capacity: int
    registration_opens_at: datetime | None = utc_field()
    registration_closes_at: datetime | None = utc_field()
    max_per_organization: int | None = None
    published: bool = Field(default=True)
    # Registrations start `pending` until an organizer approves them (app/registrations/approval.py).
    requires_approval: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The organizer's privacy notice (https), linked from the consent box; unset: the built-in notice.
    privacy_url: str | None = Field(default=None, max_length=2000)
    # Counters kept in the same transaction as the writes that change them; the
    # conditional UPDATE on confirmed_count is what guards capacity.
    confirmed_count: int = Field(default=0)
    waitlist_seq: int = Field(default=0)
    # Seats still held by invitation codes (app/invitations): public registration cannot take them.
    reserved_open: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Bumped whenever its webhooks, message templates or form questions change (app/events/config.py).
    config_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
