"""Single-use link tokens (invitation, password reset, first-owner setup): the only writer of
`team_tokens`. The secret travels in the e-mail or the printed link; only its SHA-256 digest
is stored. A new token of a member and purpose ends the earlier unused ones; using one is a
conditional UPDATE, so of two requests with one token exactly one succeeds."""

from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.errors import AppError
from app.team.models import TeamToken, TokenPurpose

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)
SETUP_LIFETIME = timedelta(hours=24)
PREFIX = "team"


class TokenInvalid(AppError):
    status, code, title = 400, "team-token-invalid", "Invalid link"


def issue(db: Session, *, member_id: int | None, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """A fresh token; the member's earlier unused tokens of this purpose (the setup token: every
    earlier one) stop working."""
    now = utcnow()
    if member_id is None:
        db.execute(delete(TeamToken).where(col(TeamToken.purpose) == purpose, col(TeamToken.member_id).is_(None)))
    else:
        end_unused(db, member_id=member_id, purposes=(purpose,))
    secret = new_secret(PREFIX)
    db.add(
        TeamToken(
            member_id=member_id, purpose=purpose, token_digest=digest(secret), created_at=now, expires_at=now + lifetime
        )
    )
    db.flush()
    return secret


def end_unused(db: Session, *, member_id: int, purposes: tuple[TokenPurpose, ...] = tuple(TokenPurpose)) -> None:
    now = utcnow()
    db.execute(
        update(TeamToken)
        .where(
            col(TeamToken.member_id) == member_id,
            col(TeamToken.purpose).in_(purposes),
            col(TeamToken.used_at).is_(None),
            col(TeamToken.expires_at) > now,
        )
        .values(expires_at=now)
    )


def use(db: Session, *, secret: str, purposes: tuple[TokenPurpose, ...]) -> TeamToken:
    """Use the token up (400 for an unknown, used or expired one: one answer for all three)."""
    now = utcnow()
    row = db.exec(select(TeamToken).where(TeamToken.token_digest == digest(secret))).first()
    if row is None or row.purpose not in purposes or row.used_at is not None or row.expires_at <= now:
        raise invalid()
    used = db.exec(
        update(TeamToken)
        .where(col(TeamToken.id) == id_of(row), col(TeamToken.used_at).is_(None), col(TeamToken.expires_at) > now)
        .values(used_at=now)
        .returning(col(TeamToken.id))
    ).first()
    if used is None:
        raise invalid()
    return row


def invalid() -> TokenInvalid:
    return TokenInvalid("The link is unknown, already used or expired; ask for a new one.")
