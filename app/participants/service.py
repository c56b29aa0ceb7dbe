"""The participants list: people who agreed to be listed, shown only to the audience they chose.

Who sees whom (`Registration.listing`, the person's choice at registration or in `PATCH /me`):

- `none` (the default): nobody; the list never shows them.
- `participants`: members of the same event and the event's organizers.
- `public`: everyone, anonymous callers included.

A *member* is a caller whose registration token belongs to the same event and whose
registration is confirmed or waitlisted (admitted, and still in). Pending registrations (waiting
for an organizer's approval) are not members yet, so registering cannot bypass the approval to
see the list; cancelled, rejected and erased registrations are members no more. A token of
another event, an unknown token or none at all make the caller anonymous (no error).

Listed are confirmed, not erased registrations only, in Polish alphabetical order of
(last name, first name) (`Registration.sort_key`), ties broken by id.
"""

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, or_, select

from app.common.time import utcnow
from app.registrations import links
from app.registrations.models import Listing, Registration, RegistrationStatus
from app.registrations.service import by_token, normalize_org
from app.settings import Settings

# Registrations whose token shows the `participants` listings of their event.
MEMBER_STATUSES = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
PUBLIC_ONLY = (Listing.public,)
MEMBERS_TOO = (Listing.participants, Listing.public)
MAX_SEARCH_WORDS = 5


def is_member(db: Session, *, event_id: int, token: str, settings: Settings) -> bool:
    """Whether the registration token (or personal link) belongs to an admitted, active person of
    this event; a link that cannot be used reads as no credential."""
    if links.is_link(token):
        try:
            reg: Registration | None = links.resolve(db, settings, token, now=utcnow())
        except links.PersonalLinkRefused:
            return False
    else:
        reg = by_token(db, token=token)
    return reg is not None and reg.event_id == event_id and reg.status in MEMBER_STATUSES and reg.erased_at is None


def listings_for(*, member: bool) -> tuple[Listing, ...]:
    """The listing choices a caller may see: members and organizers see both, others `public` only."""
    return MEMBERS_TOO if member else PUBLIC_ONLY


def _search(q: str) -> list[ColumnElement[bool]]:
    """Each word of `q` in the first name, last name or organization (case-insensitive, literal)."""
    return [
        or_(
            func.lower(Registration.first_name).contains(word.lower(), autoescape=True),
            func.lower(Registration.last_name).contains(word.lower(), autoescape=True),
            col(Registration.organization_normalized).contains(normalize_org(word), autoescape=True),
        )
        for word in q.split()[:MAX_SEARCH_WORDS]
    ]


def list_participants(
    db: Session,
    *,
    event_id: int,
    listings: tuple[Listing, ...],
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Registration], int]:
    cond: list[ColumnElement[bool]] = [
        col(Registration.event_id) == event_id,
        col(Registration.status) == RegistrationStatus.confirmed,
        col(Registration.erased_at).is_(None),
        col(Registration.listing).in_([listing.value for listing in listings]),
    ]
    if q:
        cond += _search(q)
    total = db.exec(select(func.count()).select_from(Registration).where(*cond)).one()
    rows = db.exec(
        select(Registration)
        .where(*cond)
        .order_by(col(Registration.sort_key), col(Registration.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total
