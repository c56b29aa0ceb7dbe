"""The team: accounts, invitations, passwords, the first owner. The only writer of
`team_members` and `team_member_events` (tokens: app/team/tokens.py; sessions:
app/team/sessions.py).

An invited member has no password until they set one from the e-mailed link; then they are
active. A disabled member cannot sign in and their sessions end at once. The team always keeps
an active owner: the last one can be neither disabled nor given another role (409); the active
owners are locked first, so two owners demoting each other at once cannot both succeed.

A member limited to some events keeps `all_events` false: when those events are deleted (their
rows go with them) the member sees no event, never every event.
"""

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from app.common.ids import id_of
from app.common.time import utcnow
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.events.models import Event
from app.team import mail, passwords, sessions, tokens
from app.team.models import Member, MemberEvent, MemberRole, MemberStatus, TeamToken, TokenPurpose

RESETS_PER_HOUR = 3


class MemberExists(Conflict):
    code, title = "member-exists", "Already in the team"


class NotInvited(Conflict):
    code, title = "member-not-invited", "Not an invited member"


class LastOwner(Conflict):
    code, title = "last-owner", "The last owner"


class TeamExists(Conflict):
    code, title = "team-exists", "The team has an owner"


NO_MEMBER = 0  # an id no row has: the statements of a miss run and match nothing


def normalize_email(email: str) -> str:
    return email.strip().lower()


def any_member(db: Session) -> bool:
    return db.exec(select(Member.id).limit(1)).first() is not None


def get_member(db: Session, *, member_id: int) -> Member:
    member = db.get(Member, member_id)
    if member is None:
        raise NotFound(f"Member {member_id} does not exist.")
    return member


def scopes_of(db: Session, members: Sequence[Member]) -> dict[int, list[int] | None]:
    """Each member's events (None: every event)."""
    limited = [id_of(m) for m in members if not m.all_events]
    found: dict[int, list[int] | None] = {id_of(m): None for m in members}
    for m in limited:
        found[m] = []
    if limited:
        rows = db.exec(
            select(MemberEvent.member_id, MemberEvent.event_id)
            .where(col(MemberEvent.member_id).in_(limited))
            .order_by(col(MemberEvent.event_id))
        ).all()
        for member_id, event_id in rows:
            scope = found[member_id]
            assert scope is not None
            scope.append(event_id)
    return found


def _check_scope(db: Session, *, role: MemberRole, event_ids: Sequence[int] | None) -> list[int] | None:
    """The events, which must exist (422), share-locked so none is deleted meanwhile; owners have no scope."""
    if event_ids is None:
        return None
    if role == MemberRole.owner:
        raise Invalid("An owner runs every event: leave event_ids out.", field="event_ids")
    scope = sorted(set(event_ids))
    found = set(
        db.exec(
            select(Event.id).where(col(Event.id).in_(scope)).order_by(col(Event.id)).with_for_update(read=True)
        ).all()
    )
    missing = [e for e in scope if e not in found]
    if missing:
        raise Invalid(f"Unknown events: {', '.join(map(str, missing))}.", field="event_ids")
    return scope


def _set_scope(db: Session, member: Member, scope: list[int] | None) -> None:
    db.execute(delete(MemberEvent).where(col(MemberEvent.member_id) == id_of(member)))
    member.all_events = scope is None
    db.add(member)
    for event_id in scope or ():
        db.add(MemberEvent(member_id=id_of(member), event_id=event_id))
    db.flush()


def invite(
    db: Session,
    *,
    email: str,
    name: str,
    role: MemberRole,
    event_ids: Sequence[int] | None,
    created_by: str,
    inviter: str,
) -> Member:
    """A new invited member and the e-mail with their single-use link; 409 for an address of the team."""
    normalized = normalize_email(email)
    if db.exec(select(Member.id).where(Member.email_normalized == normalized)).first() is not None:
        raise MemberExists("This address is already in the team.")
    scope = _check_scope(db, role=role, event_ids=event_ids)
    member = Member(email=email.strip(), email_normalized=normalized, name=name, role=role, created_by=created_by)
    db.add(member)
    db.flush()
    _set_scope(db, member, scope)
    send_invitation(db, member=member, inviter=inviter)
    return member


def send_invitation(db: Session, *, member: Member, inviter: str) -> None:
    """(Again) e-mail an invited member a fresh link; the earlier one stops working."""
    if member.status != MemberStatus.invited:
        raise NotInvited("This member is not waiting for an invitation (active or disabled).")
    token = tokens.issue(
        db, member_id=id_of(member), purpose=TokenPurpose.invitation, lifetime=tokens.INVITATION_LIFETIME
    )
    mail.invited(db, member=member, token=token, inviter=inviter, days=tokens.INVITATION_LIFETIME.days)


def list_members(db: Session, *, limit: int, offset: int) -> tuple[list[Member], int]:
    total = db.exec(select(func.count()).select_from(Member)).one()
    rows = db.exec(select(Member).order_by(col(Member.id)).limit(limit).offset(offset)).all()
    return list(rows), total


def _lock_owners(db: Session) -> list[Member]:
    """The active owners, locked in id order (the team's one lock order)."""
    return list(
        db.exec(
            select(Member)
            .where(Member.role == MemberRole.owner, Member.status == MemberStatus.active)
            .order_by(col(Member.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )


def _keep_an_owner(db: Session, member: Member) -> None:
    owners = _lock_owners(db)
    if [id_of(o) for o in owners] == [id_of(member)]:
        raise LastOwner("The team needs an active owner: make someone else an owner first.")


def update_member(
    db: Session, *, member_id: int, role: MemberRole | None, event_ids: Sequence[int] | None, scope_given: bool
) -> Member:
    """Another role and/or other events (`scope_given`: event_ids was sent, null meaning every event)."""
    member = get_member(db, member_id=member_id)
    new_role = role or member.role
    if member.role == MemberRole.owner and new_role != MemberRole.owner:
        _keep_an_owner(db, member)
    if scope_given or new_role == MemberRole.owner:
        scope = _check_scope(db, role=new_role, event_ids=event_ids if scope_given else None)
        _set_scope(db, member, scope)
    member.role = new_role
    db.add(member)
    db.flush()
    return member


def disable_member(db: Session, *, member_id: int) -> Member:
    """Disable a member: their sessions and links stop working at once. Twice is harmless."""
    member = get_member(db, member_id=member_id)
    if member.status == MemberStatus.disabled:
        return member
    if member.role == MemberRole.owner and member.status == MemberStatus.active:
        _keep_an_owner(db, member)
    member.status = MemberStatus.disabled
    db.add(member)
    sessions.revoke_all(db, member_id=member_id)
    tokens.end_unused(db, member_id=member_id)
    db.flush()
    return member


def set_password(db: Session, *, token: str, password: str) -> Member:
    """Set the password from an invitation or reset link: 422 for a weak one (the link stays
    usable), 400 for a used or expired link. Every session of the member ends."""
    passwords.check_strength(password)
    row = tokens.use(db, secret=token, purposes=(TokenPurpose.invitation, TokenPurpose.reset))
    member = db.get(Member, row.member_id) if row.member_id is not None else None
    if member is None or member.status == MemberStatus.disabled:
        raise tokens.invalid()
    member.password_hash = passwords.hash_password(password)
    member.status = MemberStatus.active
    db.add(member)
    sessions.revoke_all(db, member_id=id_of(member))
    db.flush()
    return member


def forgot(db: Session, *, email: str) -> None:
    """E-mail a reset link to an active member's address; for any other address nothing is sent.
    Both run the same statements up to the decision (a miss with an id no row has); at most
    `RESETS_PER_HOUR` links per member and hour."""
    member = db.exec(
        select(Member).where(Member.email_normalized == normalize_email(email), Member.status == MemberStatus.active)
    ).first()
    member_id = id_of(member) if member is not None else NO_MEMBER
    since = utcnow() - timedelta(hours=1)
    recent = db.exec(
        select(func.count())
        .select_from(TeamToken)
        .where(TeamToken.member_id == member_id, TeamToken.purpose == TokenPurpose.reset, TeamToken.created_at > since)
    ).one()
    if member is None or recent >= RESETS_PER_HOUR:
        return
    token = tokens.issue(db, member_id=member_id, purpose=TokenPurpose.reset, lifetime=tokens.RESET_LIFETIME)
    mail.password_reset(db, member=member, token=token, hours=int(tokens.RESET_LIFETIME.total_seconds() // 3600))


def authenticate(db: Session, *, email: str, password: str) -> Member:
    """The active member with this address and password; the same 401 for an unknown address
    (checked against a dummy hash, so it costs the same), a wrong password, an invited or a
    disabled member."""
    member = db.exec(select(Member).where(Member.email_normalized == normalize_email(email))).first()
    stored = member.password_hash if member is not None else None
    if not passwords.verify(stored, password) or member is None or member.status != MemberStatus.active:
        raise Unauthorized("Wrong e-mail address or password.")
    if stored is not None and passwords.needs_rehash(stored):
        member.password_hash = passwords.hash_password(password)
        db.add(member)
    return member


def new_setup_token(db: Session) -> str | None:
    """A fresh first-owner setup token (the earlier one stops working); None once the team has a member."""
    if any_member(db):
        return None
    return tokens.issue(db, member_id=None, purpose=TokenPurpose.setup, lifetime=tokens.SETUP_LIFETIME)


def setup(db: Session, *, token: str, email: str, name: str, password: str) -> Member:
    """The first owner, from the one-time setup token; 409 once the team has a member."""
    if any_member(db):
        raise TeamExists("The team already has an owner: sign in at /admin/login.")
    passwords.check_strength(password)
    tokens.use(db, secret=token, purposes=(TokenPurpose.setup,))
    member = Member(
        email=email.strip(),
        email_normalized=normalize_email(email),
        name=name,
        role=MemberRole.owner,
        status=MemberStatus.active,
        password_hash=passwords.hash_password(password),
        created_by="setup",
    )
    db.add(member)
    db.flush()
    return member
