"""Invitation codes and the seats they hold: the only writer of `invitations` and of the
event's `reserved_open` counter.

An invitation may hold a block of the event's seats (`reserved_seats`). The event keeps the
sum of the seats still held (`reserved_open`); public registration and promotion take a seat
only while `confirmed_count + reserved_open < capacity` (app/registrations/waitlist.py), and a
CHECK constraint keeps `confirmed_count + reserved_open <= capacity`. A person with the code
takes a held seat first (confirmed and reserved_open move together, so the sum is unchanged),
then a public one, then the waiting list.

Every change of these counters happens under the event's row lock. An invitation whose time
ran out gives its unused held seats back the next time the event's seats are handed out
(`release_expired`, called by the waiting list's promotion and before a public registration
is waitlisted); revoking gives them back at once. A use is taken by one conditional UPDATE
(`used < uses`): the last use goes to exactly one person.
"""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.capacity import ledger
from app.common import codes
from app.common.ids import id_of
from app.common.time import utcnow
from app.errors import AppError, Conflict, Invalid, NotFound
from app.events.models import Event
from app.invitations.models import Invitation
from app.invitations.schemas import InvitationCreate

CODE_GROUPS = (4, 4, 4)  # 60 bits
CODE_LENGTH = sum(CODE_GROUPS)
PURPOSE = "invitation"


class InvitationUsedUp(AppError):
    status, code, title = 409, "invitation-used-up", "The invitation code has no uses left"


def _digest(code: str) -> str | None:
    return codes.code_digest(code, CODE_LENGTH, purpose=PURPOSE)


def create(
    db: Session,
    *,
    event: Event,
    data: InvitationCreate,
    created_by: str,
    email_normalized: str | None,
    organization_normalized: str | None,
) -> tuple[Invitation, str]:
    """`event` is locked by the caller. 409 when the event has fewer free seats than the block."""
    if data.reserved_seats > data.uses:
        raise Invalid("A code cannot hold more seats than it has uses.", field="reserved_seats")
    if data.email is not None and data.uses != 1:
        raise Invalid("A code for one address has one use.", field="uses")
    code = codes.new_code(CODE_GROUPS)
    if data.reserved_seats and not ledger.hold_event_seats(db, event_id=id_of(event), seats=data.reserved_seats):
        free = event.capacity - event.confirmed_count - event.reserved_open
        raise Conflict(
            f"Only {max(free, 0)} seats are free to hold; raise the capacity or hold fewer.", field="reserved_seats"
        )
    invitation = Invitation(
        event_id=id_of(event),
        code_digest=_digest(code) or "",
        label=data.label,
        email_normalized=email_normalized,
        organization_normalized=organization_normalized,
        uses=data.uses,
        reserved_seats=data.reserved_seats,
        outside_window=data.outside_window,
        expires_at=data.expires_at,
        created_by=created_by,
    )
    db.add(invitation)
    db.flush()
    return invitation, code


def list_for(db: Session, *, event_id: int) -> Sequence[Invitation]:
    return db.exec(select(Invitation).where(Invitation.event_id == event_id).order_by(col(Invitation.id))).all()


def get(db: Session, *, invitation_id: int) -> Invitation:
    invitation = db.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"Invitation {invitation_id} does not exist.")
    return invitation


def _give_back(db: Session, invitation: Invitation) -> int:
    """The block's unused seats back to the public (the caller holds the event's lock)."""
    left = invitation.reserved_seats - invitation.reserved_used
    if left > 0:
        ledger.give_back_held_seats(db, event_id=invitation.event_id, seats=left)
        invitation.reserved_seats = invitation.reserved_used
        db.add(invitation)
    return left


def revoke(db: Session, *, invitation: Invitation) -> int:
    """No further uses; held seats go back at once. Returns the seats given back."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
    given = _give_back(db, invitation)
    db.flush()
    return given


def release_expired(db: Session, *, event_id: int) -> int:
    """Held seats of invitations whose time ran out go back (the caller holds the event's lock)."""
    now = utcnow()
    given = 0
    for invitation in db.exec(
        select(Invitation)
        .where(
            Invitation.event_id == event_id,
            col(Invitation.expires_at) <= now,
            col(Invitation.reserved_seats) > col(Invitation.reserved_used),
        )
        .execution_options(populate_existing=True)
    ).all():
        given += _give_back(db, invitation)
    db.flush()
    return given


def _usable(invitation: Invitation) -> bool:
    return invitation.revoked_at is None and (invitation.expires_at is None or invitation.expires_at > utcnow())


def find(db: Session, *, event_id: int, code: str, email_normalized: str, organization_normalized: str) -> Invitation:
    """The invitation a registrant's code names (checked before any lock): 422 on
    `invitation_code` when unknown, expired, revoked or for someone else; 409 when used up."""
    where = "invitation_code"
    code_digest = _digest(code)
    invitation = (
        db.exec(select(Invitation).where(Invitation.code_digest == code_digest)).first() if code_digest else None
    )
    if invitation is None or invitation.event_id != event_id or not _usable(invitation):
        raise Invalid("This invitation code is not valid for the event (unknown, expired or withdrawn).", field=where)
    if invitation.email_normalized is not None and invitation.email_normalized != email_normalized:
        raise Invalid("This invitation code is for another e-mail address.", field=where)
    if invitation.organization_normalized is not None and invitation.organization_normalized != organization_normalized:
        raise Invalid("This invitation code is for another organization.", field=where)
    if invitation.used >= invitation.uses:
        raise InvitationUsedUp("This invitation code has been used as many times as it allows.", field=where)
    return invitation


def use(db: Session, *, invitation_id: int) -> None:
    """Take one use (the caller holds the event's lock); 409 when another request took the last."""
    if not ledger.use_invitation(db, invitation_id=invitation_id, now=utcnow()):
        raise InvitationUsedUp(
            "This invitation code has been used as many times as it allows.", field="invitation_code"
        )
