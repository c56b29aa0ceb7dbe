"""The event's waiting list: who is eligible for a seat and who is promoted into one.

The seats themselves (the conditional UPDATEs of `confirmed_count`, the waiting-list numbers,
positions) are the capacity ledger's (app/capacity/ledger.py). Callers hold the event's lock
(app/common/locking.py: the first lock of every seat-changing workflow) or, on SQLite, the
database write lock.
"""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.capacity import ledger
from app.common.ids import id_of
from app.common.time import utcnow
from app.events.models import Event
from app.invitations import service as invitations
from app.messages import notices
from app.registrations.models import Registration, RegistrationStatus


def confirmed_in_organization(db: Session, *, event_id: int, organization_normalized: str) -> int:
    return db.exec(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.organization_normalized == organization_normalized,
            Registration.status == RegistrationStatus.confirmed,
        )
    ).one()


def under_org_limit(db: Session, event: Event, organization_normalized: str) -> bool:
    if event.max_per_organization is None:
        return True
    used = confirmed_in_organization(db, event_id=id_of(event), organization_normalized=organization_normalized)
    return used < event.max_per_organization


def mark_confirmed(reg: Registration) -> None:
    """The registration's status once a seat is taken for it (`ledger.take_*`): it takes none itself."""
    reg.status = RegistrationStatus.confirmed
    reg.waitlist_seq = None
    reg.confirmed_at = reg.updated_at = utcnow()


def put_on_waitlist(db: Session, reg: Registration, *, seq: int | None = None) -> None:
    """To the end of the waiting list: a new number, or `seq` drawn earlier in this transaction
    (drawing it takes the event's row lock: app/registrations/service.py: register)."""
    reg.status = RegistrationStatus.waitlisted
    reg.waitlist_seq = seq if seq is not None else ledger.next_event_place(db, event_id=reg.event_id)
    reg.updated_at = utcnow()


def release_expired_holds(db: Session, event: Event) -> None:
    """Seats held by invitation codes whose time ran out go back, to those already waiting first.

    Every locked workflow that reads the free seats calls it (directly or through `promote`):
    expiry is noticed by whoever looks, not only at the next public registration.
    """
    if event.reserved_open and invitations.release_expired(db, event_id=id_of(event)):
        _promote_waiting(db, event)


def promote(db: Session, event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served.

    A waiting person whose organization is at its limit is passed over (and keeps their
    place) until a seat of their own organization frees up.
    """
    invitations.release_expired(db, event_id=id_of(event))  # seats held by codes whose time ran out
    return _promote_waiting(db, event)


def _promote_waiting(db: Session, event: Event) -> list[Registration]:
    event_id = id_of(event)
    waiting = db.exec(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(col(Registration.waitlist_seq))
        .execution_options(populate_existing=True)
    ).all()

    def seat(reg: Registration) -> bool:
        if not ledger.take_event_seat(db, event_id=event_id):
            return False
        mark_confirmed(reg)
        db.add(reg)
        db.flush()  # the next person's organization count sees this one
        return True

    promoted = ledger.promote(
        waiting, eligible=lambda reg: under_org_limit(db, event, reg.organization_normalized), seat=seat
    )
    notices.registrations_promoted(db, event=event, regs=promoted)
    return promoted
