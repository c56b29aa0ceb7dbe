from datetime import datetime
from enum import StrEnum

from app.auth.models import KEY_LABEL_MAX
from app.common.base import Field, SQLModel, created_at_field, sa, utc_field

NAME_MAX = 200
EMAIL_MAX = 254


class MemberRole(StrEnum):
    owner = "owner"  # everything, the team included
    organizer = "organizer"  # everything of their events but the team
    checkin = "checkin"  # the door only
    viewer = "viewer"  # reads; no personal-data exports


class MemberStatus(StrEnum):
    invited = "invited"  # no password yet
    active = "active"
    disabled = "disabled"


class TokenPurpose(StrEnum):
    invitation = "invitation"
    reset = "reset"
    setup = "setup"  # the first owner (no member yet)


class Member(SQLModel, table=True):
    """A person of the organizing team, signing in with e-mail and password (Argon2id hash only)."""

    __tablename__ = "team_members"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX)
    # Lower-cased address: one account per address, whatever its case.
    email_normalized: str = Field(max_length=EMAIL_MAX, unique=True)
    name: str = Field(max_length=NAME_MAX)
    password_hash: str | None = Field(default=None, max_length=200)
    status: MemberStatus = Field(sa_type=sa.String(16), default=MemberStatus.invited)
    role: MemberRole = Field(sa_type=sa.String(16), default=MemberRole.organizer)
    # False: only the events in `team_member_events` (possibly none left, once they are deleted).
    all_events: bool = True
    created_at: datetime = created_at_field()
    created_by: str = Field(max_length=KEY_LABEL_MAX, description="Label of whoever invited them.")
    last_login_at: datetime | None = utc_field()


class MemberEvent(SQLModel, table=True):
    """A member limited to some events: they see and change only these (404 for every other)."""

    __tablename__ = "team_member_events"

    member_id: int = Field(foreign_key="team_members.id", ondelete="CASCADE", primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", primary_key=True, index=True)


class TeamToken(SQLModel, table=True):
    """A single-use link token (invitation, password reset, first-owner setup); SHA-256 digest only."""

    __tablename__ = "team_tokens"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="team_members.id", ondelete="CASCADE", index=True)
    purpose: TokenPurpose = Field(sa_type=sa.String(16))
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    used_at: datetime | None = utc_field()


class TeamSession(SQLModel, table=True):
    """A signed-in browser: the SHA-256 digest of its cookie token; idle and absolute expiry."""

    __tablename__ = "team_sessions"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="team_members.id", ondelete="CASCADE", index=True)
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    # Idle expiry, moved forward as the session is used (never past `created_at` + the absolute limit).
    expires_at: datetime = created_at_field()
    revoked_at: datetime | None = utc_field()
