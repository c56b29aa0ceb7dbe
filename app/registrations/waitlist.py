"""Seats and the waiting list: every change of `confirmed_count` goes through here.

The capacity guard is a conditional UPDATE in the caller's transaction. Callers hold the
event's lock (app/common/locking.py: the first lock of every seat-changing workflow) or, on
SQLite, the database write lock; a CHECK constraint (`confirmed_count <= capacity`) is the
last line of defence.
"""

from collections.abc import Sequence
from typing import cast

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from app.common.counters import bump, sync, table_of
from app.common.ids import id_of
from app.common.time import utcnow
from app.events.models import Event
from app.invitations import service as invitations
from app.messages import notices
from app.registrations.models import Registration, RegistrationStatus

_EVENTS = table_of(Event)
# Built once: the statement of every registration in a rush (its SQL and cache key are kept).
_TAKE_SEAT = update(_EVENTS).where(
    _EVENTS.c.id == bindparam("event"), _EVENTS.c.confirmed_count + _EVENTS.c.reserved_open < _EVENTS.c.capacity,
).values(confirmed_count=_EVENTS.c.confirmed_count + 1).returning(_EVENTS.c.confirmed_count)


def take_seat(db: Session, *, event_id: int) -> bool:
    """Take one confirmed seat if one is free: not one held by an invitation code (app/invitations)."""
    db.flush()  # as the ORM's own UPDATE would: pending changes reach the database first
    taken = db.execute(_TAKE_SEAT, {"event": event_id}).scalar_one_or_none()
    if taken is None:
        return False
    sync(db, Event, event_id, confirmed_count=taken)
    return True


def release_seat(db: Session, *, event_id: int) -> None:
    bump(db, Event, event_id, "confirmed_count", delta=-1)


def next_waitlist_seq(db: Session, *, event_id: int) -> int:
    seq = bump(db, Event, event_id, "waitlist_seq")
    assert seq is not None  # no guard: None only if the event row is gone (callers hold its lock)
    return seq


def confirmed_in_organization(db: Session, *, event_id: int, organization_normalized: str) -> int:
    return db.exec(
        select(func.count()).select_from(Registration).where(
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


def confirm(reg: Registration) -> None:
    reg.status = RegistrationStatus.confirmed
    reg.waitlist_seq = None
    reg.confirmed_at = reg.updated_at = utcnow()


def put_on_waitlist(db: Session, reg: Registration, *, seq: int | None = None) -> None:
    """To the end of the waiting list: a new number, or `seq` drawn earlier in this transaction
    (drawing it takes the event's row lock: app/registrations/service.py: register)."""
    reg.status = RegistrationStatus.waitlisted
    reg.waitlist_seq = seq if seq is not None else next_waitlist_seq(db, event_id=reg.event_id)
    reg.updated_at = utcnow()


def release_expired_holds(db: Session, event: Event) -> None:
    """Seats held by invitation codes whose time ran out go back, to those already waiting first.

    Every locked workflow that reads the free seats calls it (directly or through `promote`):
    expiry is noticed by whoever looks, not only at the next public registration.
    """
    if event.reserved_open and invitations.release_expired(db, event_id=id_of(event)):
        promote(db, event)


def promote(db: Session, event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served.

    A waiting person whose organization is at its limit is passed over (and keeps their
    place) until a seat of their own organization frees up.
    """
    promoted: list[Registration] = []
    event_id = id_of(event)
    invitations.release_expired(db, event_id=event_id)  # seats held by codes whose time ran out
    waiting = db.exec(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(col(Registration.waitlist_seq))
        .execution_options(populate_existing=True)
    ).all()
    for reg in waiting:
        if not under_org_limit(db, event, reg.organization_normalized):
            continue
        if not take_seat(db, event_id=event_id):
            break
        confirm(reg)
        db.add(reg)
        db.flush()
        promoted.append(reg)
    notices.registrations_promoted(db, event=event, regs=promoted)
    return promoted


def positions(db: Session, *, event_id: int) -> dict[int, int]:
    """Registration id -> 1-based position on the event's waiting list."""
    ids = cast(Sequence[int], db.exec(  # primary keys: never NULL
        select(Registration.id)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(col(Registration.waitlist_seq))
    ).all())
    return {rid: i for i, rid in enumerate(ids, start=1)}


def position_of(db: Session, reg: Registration) -> int | None:
    if reg.status != RegistrationStatus.waitlisted or reg.waitlist_seq is None:
        return None
    return db.exec(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == reg.event_id,
            Registration.status == RegistrationStatus.waitlisted,
            col(Registration.waitlist_seq) <= reg.waitlist_seq,
        )
    ).one()
