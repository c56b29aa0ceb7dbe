"""The capacity ledger: the one writer of every guarded counter and waiting-list number.

Counters: an event's confirmed seats (`events.confirmed_count`, below `capacity` less the seats
held by invitation codes) and held seats (`events.reserved_open`, `invitations.reserved_used`),
an invitation's uses (`invitations.used`), a session's seats (`sessions.enrolled`), a question
option's units (`question_options.taken`); waiting-list numbers (`events.waitlist_seq`,
`sessions.waitlist_seq`). Each `take` is one conditional UPDATE in the caller's transaction (the
guard and the change are one statement, so two writers never both take the last unit; CHECK
constraints back them up), and `import-linter` keeps every other module from the counters'
statements (pyproject.toml: [tool.importlinter]).

**The lock order** (app/common/locking.py) is built into who calls what: the event's row first
(every `*_event_*` function and `next_event_place` lock it, or run under its lock), then
registrations, then sessions, then question options, each in ascending id.

`promote` is the one first-come-first-served loop of both waiting lists (an event's and a
session's): the waiting, in order, are seated while seats last, passing over whoever is not
eligible (they keep their place).
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from app.common.core import table_of
from app.common.counters import change_counter, refresh_loaded
from app.enrollments.models import Enrollment, EnrollmentStatus
from app.events.models import Event
from app.invitations.models import Invitation
from app.questions.models import QuestionOption
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession

T = TypeVar("T")

_EVENTS = table_of(Event)
# Built once: the statement of every registration in a rush (its SQL and cache key are kept).
_TAKE_EVENT_SEAT = (
    update(_EVENTS)
    .where(
        _EVENTS.c.id == bindparam("event"),
        _EVENTS.c.confirmed_count + _EVENTS.c.reserved_open < _EVENTS.c.capacity,
    )
    .values(confirmed_count=_EVENTS.c.confirmed_count + 1)
    .returning(_EVENTS.c.confirmed_count)
)


# --- an event's seats ---------------------------------------------------------------------------


def take_event_seat(db: Session, *, event_id: int) -> bool:
    """One confirmed seat if one is free: not one held by an invitation code."""
    db.flush()  # as the ORM's own UPDATE would: pending changes reach the database first
    taken = db.execute(_TAKE_EVENT_SEAT, {"event": event_id}).scalar_one_or_none()
    if taken is None:
        return False
    refresh_loaded(db, Event, event_id, confirmed_count=taken)
    return True


def give_back_event_seat(db: Session, *, event_id: int) -> None:
    change_counter(db, Event, event_id, "confirmed_count", delta=-1)


def hold_event_seats(db: Session, *, event_id: int, seats: int) -> bool:
    """Hold `seats` free seats for an invitation code's block (all or none)."""
    db.flush()
    held = db.execute(
        update(Event)
        .where(
            col(Event.id) == event_id,
            col(Event.confirmed_count) + col(Event.reserved_open) + seats <= col(Event.capacity),
        )
        .values(reserved_open=Event.reserved_open + seats)
        .returning(col(Event.reserved_open))
    ).scalar_one_or_none()
    if held is None:
        return False
    refresh_loaded(db, Event, event_id, reserved_open=held)
    return True


def give_back_held_seats(db: Session, *, event_id: int, seats: int) -> None:
    change_counter(db, Event, event_id, "reserved_open", delta=-seats)


def take_held_seat(db: Session, *, invitation_id: int, event_id: int) -> bool:
    """A seat of the invitation's block, if one is left: held and confirmed move together."""
    held = db.execute(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.reserved_used) < col(Invitation.reserved_seats),
        )
        .values(reserved_used=Invitation.reserved_used + 1)
        .returning(col(Invitation.id))
    ).first()
    if held is None:
        return False
    moved = db.execute(
        update(Event)
        .where(col(Event.id) == event_id, col(Event.reserved_open) > 0)
        .values(
            confirmed_count=Event.confirmed_count + 1,
            reserved_open=Event.reserved_open - 1,
        )
        .returning(col(Event.confirmed_count), col(Event.reserved_open))
    ).first()
    assert moved is not None  # reserved_open counts this block's unused seats
    refresh_loaded(db, Event, event_id, confirmed_count=moved[0], reserved_open=moved[1])
    return True


def use_invitation(db: Session, *, invitation_id: int, now: datetime) -> bool:
    """One use of a code that is neither used up, revoked nor expired."""
    taken = db.execute(
        update(Invitation)
        .where(
            col(Invitation.id) == invitation_id,
            col(Invitation.used) < col(Invitation.uses),
            col(Invitation.revoked_at).is_(None),
            (col(Invitation.expires_at).is_(None)) | (col(Invitation.expires_at) > now),
        )
        .values(used=Invitation.used + 1)
        .returning(col(Invitation.id))
    ).first()
    return taken is not None


def next_event_place(db: Session, *, event_id: int) -> int:
    """The next number of the event's waiting list (its row lock comes with it)."""
    seq = change_counter(db, Event, event_id, "waitlist_seq")
    assert seq is not None  # no guard: None only if the event row is gone (callers hold its lock)
    return seq


def event_positions(db: Session, *, event_id: int) -> dict[int, int]:
    """Registration id -> 1-based position on the event's waiting list."""
    ids = db.exec(
        select(Registration.id)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.waitlisted,
        )
        .order_by(col(Registration.waitlist_seq))
    ).all()
    return {rid: i for i, rid in enumerate(ids, start=1) if rid is not None}


def event_position(db: Session, reg: Registration) -> int | None:
    if reg.status != RegistrationStatus.waitlisted or reg.waitlist_seq is None:
        return None
    return db.exec(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == reg.event_id,
            Registration.status == RegistrationStatus.waitlisted,
            col(Registration.waitlist_seq) <= reg.waitlist_seq,
        )
    ).one()


# --- a session's seats ---------------------------------------------------------------------------


def take_session_seat(db: Session, *, session_id: int) -> bool:
    """A seat if one is free (a session without capacity never fills)."""
    taken = change_counter(db, EventSession, session_id, "enrolled", below="capacity", unlimited_when_null=True)
    return taken is not None


def give_back_session_seats(db: Session, *, session_id: int, seats: int = 1) -> None:
    change_counter(db, EventSession, session_id, "enrolled", delta=-seats)


def next_session_place(db: Session, *, session_id: int) -> int:
    seq = change_counter(db, EventSession, session_id, "waitlist_seq")
    assert seq is not None  # an unguarded change of an existing row always returns
    return seq


def session_position(db: Session, enrollment: Enrollment) -> int | None:
    if enrollment.status != EnrollmentStatus.waitlisted or enrollment.waitlist_seq is None:
        return None
    return db.exec(
        select(func.count())
        .select_from(Enrollment)
        .where(
            Enrollment.session_id == enrollment.session_id,
            Enrollment.status == EnrollmentStatus.waitlisted,
            col(Enrollment.waitlist_seq) <= enrollment.waitlist_seq,
        )
    ).one()


# --- a question option's units --------------------------------------------------------------------


def take_option_unit(db: Session, *, option_id: int) -> bool:
    """One unit of the option, if it has one left (an option without capacity never fills)."""
    taken = change_counter(db, QuestionOption, option_id, "taken", below="capacity", unlimited_when_null=True)
    return taken is not None


def give_back_option_unit(db: Session, *, option_id: int) -> None:
    change_counter(db, QuestionOption, option_id, "taken", delta=-1)


# --- first come, first served ------------------------------------------------------------------


def promote(waiting: Iterable[T], *, eligible: Callable[[T], bool], seat: Callable[[T], bool]) -> list[T]:
    """Seat the waiting in order while `seat` finds a seat (and records it, so that the next
    `eligible` sees it); the ineligible keep their place."""
    seated: list[T] = []
    for item in waiting:
        if not eligible(item):
            continue
        if not seat(item):
            break
        seated.append(item)
    return seated
