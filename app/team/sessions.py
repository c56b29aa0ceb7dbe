"""Server-side sessions of signed-in team members: the only writer of `team_sessions`.

The browser holds a random token in the `seminar_session` cookie (HttpOnly, SameSite=Lax,
Secure over HTTPS); the table holds its SHA-256 digest. A session ends after `IDLE` without
use (each use moves that forward, written at most every `TOUCH_EVERY`), after `ABSOLUTE` in
any case, at sign-out, when the member is disabled, and when their password is reset.

The CSRF token is derived from the cookie's token (HMAC), so it needs no storage: the page gets
it at sign-in (and from GET /auth/me) and sends it as `X-CSRF-Token` with every write.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.db import Gate, unit_of_work
from app.team.models import Member, MemberEvent, MemberStatus, TeamSession

COOKIE = "seminar_session"
CSRF_HEADER = "X-CSRF-Token"
IDLE = timedelta(hours=12)
ABSOLUTE = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Signed:
    """A live session with its member and the events the member is limited to (None: every event)."""

    session: TeamSession
    member: Member
    event_ids: frozenset[int] | None


def csrf_of(token: str) -> str:
    return hmac.new(token.encode(), b"csrf", hashlib.sha256).hexdigest()


def csrf_matches(token: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_of(token).encode(), (sent or "").encode())


def start(db: Session, *, member: Member) -> str:
    """A new session of the member; returns the cookie's token."""
    now = utcnow()
    token = new_secret("ses")
    db.add(
        TeamSession(
            member_id=id_of(member), token_digest=digest(token), created_at=now, last_seen_at=now, expires_at=now + IDLE
        )
    )
    member.last_login_at = now
    db.add(member)
    db.flush()
    return token


def scope_of(db: Session, member: Member) -> frozenset[int] | None:
    if member.all_events:
        return None
    rows = db.exec(select(MemberEvent.event_id).where(MemberEvent.member_id == member.id)).all()
    return frozenset(rows)


def find(db: Session, *, token: str) -> Signed | None:
    """The live session of an active member whose digest matches, or None."""
    now = utcnow()
    row = db.exec(
        select(TeamSession, Member)
        .join(Member, col(Member.id) == col(TeamSession.member_id))
        .where(
            TeamSession.token_digest == digest(token),
            col(TeamSession.revoked_at).is_(None),
            col(TeamSession.expires_at) > now,
            Member.status == MemberStatus.active,
        )
    ).first()
    if row is None:
        return None
    session, member = row
    return Signed(session=session, member=member, event_ids=scope_of(db, member))


def due_for_touch(session: TeamSession) -> bool:
    return utcnow() - session.last_seen_at >= TOUCH_EVERY


def touch(db: Session, *, session_id: int) -> None:
    """Move the idle expiry forward (never past the absolute limit)."""
    row = db.get(TeamSession, session_id)
    if row is None or row.revoked_at is not None:
        return
    now = utcnow()
    row.last_seen_at = now
    row.expires_at = min(now + IDLE, row.created_at + ABSOLUTE)
    db.add(row)
    db.flush()


def touch_in_own_transaction(engine: Engine, gate: Gate | None, *, session_id: int) -> None:
    """`touch` in a short write transaction of its own (a read request has none to write in)."""
    unit_of_work(engine, lambda db: touch(db, session_id=session_id), gate=gate)


def revoke(db: Session, *, token: str) -> None:
    db.execute(
        update(TeamSession)
        .where(col(TeamSession.token_digest) == digest(token), col(TeamSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all(db: Session, *, member_id: int) -> None:
    db.execute(
        update(TeamSession)
        .where(col(TeamSession.member_id) == member_id, col(TeamSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
