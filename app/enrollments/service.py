"""Places in sessions: seats and per-session waiting lists. The only writer of `enrollments`
and of the `sessions.enrolled` / `sessions.waitlist_seq` counters.

Every change of a seat goes through the capacity ledger (app/capacity/ledger.py), one
conditional UPDATE in the caller's transaction per row written, so the counter always equals
the rows. A person
holds at most one place (a seat or a waiting-list place) among sessions that run at the same
time, and never two sessions of one topic; only confirmed registrants hold places.

Entry points take the locks they need in the global order (event, registration, sessions:
see app/common/locking.py) and read what they decide on only after the locks are granted.
Functions named ``*_locked`` expect the caller (a workflow) to hold the event's lock already.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.capacity import ledger
from app.common.locking import lock, lock_many, lock_shared
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.errors import Conflict, Forbidden, NotFound
from app.events.models import Event
from app.messages import notices
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import FOR_EVERYONE, EventSession
from app.sessions.service import first_overlap, overlaps


class Overlap(Conflict):
    code, title = "session-overlap", "Sessions overlap"


class SameTopic(Conflict):
    code, title = "same-topic", "Topic already taken"


class NoPlaces(Conflict):
    code, title = "no-places", "Nothing to sign up for"


def _check_takes_places(target: EventSession) -> None:
    """409 for a break, a meal or a social item: in the programme for everyone, no places to take."""
    if target.kind in FOR_EVERYONE:
        raise NoPlaces(
            f"Session {target.id} is a {target.kind} ({target.title!r}): it is in the programme for "
            "everyone, with no places to take."
        )


# --- reads ----------------------------------------------------------------------------------


def enrollments_of(db: Session, *, registration_id: int) -> list[tuple[Enrollment, EventSession]]:
    """A person's places (seats and waiting-list places) with their sessions, by start time."""
    return list(
        db.exec(
            select(Enrollment, EventSession)
            .join(EventSession, col(EventSession.id) == Enrollment.session_id)
            .where(Enrollment.registration_id == registration_id)
            .order_by(col(EventSession.starts_at), col(EventSession.id))
            .execution_options(populate_existing=True)
        ).all()
    )


def session_enrollments(
    db: Session, *, session_id: int, status: EnrollmentStatus | None, limit: int, offset: int
) -> tuple[list[tuple[Enrollment, Registration]], int]:
    cond = [Enrollment.session_id == session_id]
    if status is not None:
        cond.append(Enrollment.status == status)
    total = db.exec(select(func.count()).select_from(Enrollment).where(*cond)).one()
    rows = db.exec(
        select(Enrollment, Registration)
        .join(Registration, col(Registration.id) == Enrollment.registration_id)
        .where(*cond)
        .order_by(col(Enrollment.status), col(Enrollment.waitlist_seq), col(Enrollment.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def count_in_session(db: Session, *, session_id: int) -> int:
    return db.exec(select(func.count()).select_from(Enrollment).where(Enrollment.session_id == session_id)).one()


def places_in_sessions(
    db: Session, *, session_ids: Iterable[int]
) -> list[tuple[int, int, EnrollmentStatus, EnrollmentSource]]:
    """(registration id, session id, status, source) of every place in the given sessions."""
    ids = list(session_ids)
    if not ids:
        return []
    return [
        (r, s, EnrollmentStatus(st), EnrollmentSource(src))
        for r, s, st, src in db.exec(
            select(Enrollment.registration_id, Enrollment.session_id, Enrollment.status, Enrollment.source)
            .where(col(Enrollment.session_id).in_(ids))
            .order_by(col(Enrollment.registration_id), col(Enrollment.session_id))
        ).all()
    ]


def busy_during(db: Session, *, event_id: int, starts_at: datetime, ends_at: datetime) -> set[int]:
    """Registrations holding a place (seat or waiting list) in a session overlapping [starts_at, ends_at)."""
    return set(
        db.exec(
            select(Enrollment.registration_id)
            .join(EventSession, col(EventSession.id) == Enrollment.session_id)
            .where(
                EventSession.event_id == event_id,
                col(EventSession.starts_at) < ends_at,
                col(EventSession.ends_at) > starts_at,
            )
        ).all()
    )


# --- the locked entry points ----------------------------------------------------------------


def _lock_scope(
    db: Session, *, registration_id: int, session_id: int, shared: bool = False
) -> tuple[Event, Registration, EventSession]:
    """Event, then registration, then session; 404 when they are not of one event.

    One person taking one place (`shared=True`: enroll, place) changes only their own rows and
    the session's counter, which the registration's and the session's locks serialise; the
    event's lock is then taken shared, so places in different sessions are taken side by side,
    while every workflow that moves other people (leaving and promoting, cancelling, assignment,
    moving a session) holds it exclusively and waits for them, or they for it.
    """
    reg = db.get(Registration, registration_id)
    target = db.get(EventSession, session_id)
    if reg is None or target is None or target.event_id != reg.event_id:
        raise NotFound(f"Session {session_id} does not exist in the registration's event.")
    event = (lock_shared if shared else lock)(db, Event, reg.event_id)
    reg = lock(db, Registration, registration_id)
    target = lock(db, EventSession, session_id)
    # Rows are deleted only under the event's lock. The event is returned, and so kept: the
    # session's identity map holds rows weakly, and its notices read it again.
    assert event is not None and reg is not None and target is not None
    return event, reg, target


def _check_fits(target: EventSession, mine: list[tuple[Enrollment, EventSession]]) -> None:
    """409 unless `target` fits beside the person's other places (time and topic)."""
    others = [s for e, s in mine if e.session_id != target.id]
    clash = first_overlap(target, others)
    if clash is not None:
        raise Overlap(
            f"Session {target.id} runs at the same time as session {clash.id} ({clash.title!r}), where the "
            "person already has a seat or a waiting-list place; leave it first.",
            conflicting_session_id=clash.id,
        )
    if target.topic_id is not None:
        same = next((s for s in others if s.topic_id == target.topic_id), None)
        if same is not None:
            raise SameTopic(
                f"Session {target.id} repeats the topic of session {same.id} ({same.title!r}), where the person "
                "already has a place; one session of a topic is enough.",
                conflicting_session_id=same.id,
            )


def enroll(
    db: Session, *, registration_id: int, session_id: int, source: EnrollmentSource = EnrollmentSource.self
) -> tuple[Enrollment, bool]:
    """Take a seat, or a place on the session's waiting list when it is full. Returns (enrollment, created)."""
    event, reg, target = _lock_scope(db, registration_id=registration_id, session_id=session_id, shared=True)
    if reg.status != RegistrationStatus.confirmed:
        raise Forbidden("Only confirmed registrants can enroll in sessions.")
    _check_takes_places(target)
    mine = enrollments_of(db, registration_id=registration_id)
    existing = next((e for e, _ in mine if e.session_id == session_id), None)
    if existing is not None:
        return existing, False
    _check_fits(target, mine)
    enrollment = Enrollment(
        session_id=session_id, registration_id=registration_id, source=source, status=EnrollmentStatus.waitlisted
    )
    if ledger.take_session_seat(db, session_id=session_id):
        enrollment.status = EnrollmentStatus.enrolled
    else:
        enrollment.waitlist_seq = ledger.next_session_place(db, session_id=session_id)
    db.add(enrollment)
    db.flush()
    notices.enrollment_created(
        db,
        event=event,
        reg=reg,
        session=target,
        enrollment=enrollment,
        position=ledger.session_position(db, enrollment),
    )
    return enrollment, True


def place(db: Session, *, registration_id: int, session_id: int) -> tuple[Enrollment, bool]:
    """Organizer placement (speaker, moderator, by hand): a seat, never the waiting list.

    The seat is marked `organizer`, so assignment runs leave it alone. 409 when the session
    is full (raise its capacity first) or the person is in a parallel session.
    """
    event, reg, target = _lock_scope(db, registration_id=registration_id, session_id=session_id, shared=True)
    if reg.status != RegistrationStatus.confirmed:
        raise Conflict("Only confirmed registrants can be placed in sessions.")
    _check_takes_places(target)
    mine = enrollments_of(db, registration_id=registration_id)
    existing = next((e for e, _ in mine if e.session_id == session_id), None)
    if existing is not None and existing.status == EnrollmentStatus.enrolled:
        existing.source = EnrollmentSource.organizer
        db.add(existing)
        db.flush()
        return existing, False
    _check_fits(target, mine)
    if not ledger.take_session_seat(db, session_id=session_id):
        raise Conflict(f"Session {session_id} is full; raise its capacity first.")
    enrollment = existing or Enrollment(
        session_id=session_id, registration_id=registration_id, status=EnrollmentStatus.enrolled
    )
    enrollment.status, enrollment.waitlist_seq = EnrollmentStatus.enrolled, None
    enrollment.source = EnrollmentSource.organizer
    db.add(enrollment)
    db.flush()
    notices.enrollment_created(db, event=event, reg=reg, session=target, enrollment=enrollment, position=None)
    return enrollment, existing is None


def leave(db: Session, *, registration_id: int, session_id: int) -> None:
    """Give up a seat or a waiting-list place; a freed seat goes to the first person waiting."""
    try:
        _lock_scope(db, registration_id=registration_id, session_id=session_id)
    except NotFound:
        raise NotFound(f"You are not enrolled in session {session_id}.") from None
    enrollment = db.exec(
        select(Enrollment)
        .where(Enrollment.registration_id == registration_id, Enrollment.session_id == session_id)
        .execution_options(populate_existing=True)
    ).first()
    if enrollment is None:
        raise NotFound(f"You are not enrolled in session {session_id}.")
    _drop_locked(db, enrollment)


def _drop_locked(db: Session, enrollment: Enrollment) -> None:
    was_enrolled = enrollment.status == EnrollmentStatus.enrolled
    db.delete(enrollment)
    db.flush()
    if was_enrolled:
        ledger.give_back_session_seats(db, session_id=enrollment.session_id)
        promote_locked(db, session_id=enrollment.session_id)


# --- for workflows that hold the event's lock -----------------------------------------------


def promote_locked(db: Session, *, session_id: int) -> None:
    """Give free seats to the session's waiting list, first come first served."""
    waiting = db.exec(
        select(Enrollment)
        .join(Registration, col(Registration.id) == Enrollment.registration_id)
        .where(
            Enrollment.session_id == session_id,
            Enrollment.status == EnrollmentStatus.waitlisted,
            Registration.status == RegistrationStatus.confirmed,
        )
        .order_by(col(Enrollment.waitlist_seq))
        .execution_options(populate_existing=True)
    ).all()

    def seat(enrollment: Enrollment) -> bool:
        if not ledger.take_session_seat(db, session_id=session_id):
            return False
        enrollment.status, enrollment.waitlist_seq = EnrollmentStatus.enrolled, None
        db.add(enrollment)
        return True

    promoted = ledger.promote(waiting, eligible=lambda _: True, seat=seat)
    db.flush()
    if promoted:
        session = db.get(EventSession, session_id)
        assert session is not None  # locked by the caller
        notices.enrollments_promoted(db, session=session, enrollments=promoted)


def leave_all_locked(db: Session, *, registration_id: int) -> None:
    """Drop every place of a person (cancel, back to the waiting list, erasure); freed seats move up."""
    rows = list(
        db.exec(
            select(Enrollment)
            .where(Enrollment.registration_id == registration_id)
            .order_by(col(Enrollment.session_id))
            .execution_options(populate_existing=True)
        ).all()
    )
    lock_many(db, EventSession, [e.session_id for e in rows])
    for enrollment in rows:
        _drop_locked(db, enrollment)


def check_move_locked(db: Session, *, session: EventSession, starts_at: datetime, ends_at: datetime) -> None:
    """409 when moving `session` to [starts_at, ends_at) would give someone two parallel places."""
    people = list(db.exec(select(Enrollment.registration_id).where(Enrollment.session_id == session.id)).all())
    if not people:
        return
    clash = db.exec(
        select(Enrollment.registration_id, EventSession.id, EventSession.title)
        .join(EventSession, col(EventSession.id) == Enrollment.session_id)
        .where(
            col(Enrollment.registration_id).in_(people),
            EventSession.id != session.id,
            col(EventSession.starts_at) < ends_at,
            col(EventSession.ends_at) > starts_at,
        )
        .order_by(col(EventSession.id))
    ).first()
    if clash is not None:
        raise Overlap(
            f"At the new time, people in this session would also be in session {clash[1]} ({clash[2]!r}) at "
            "the same time; move or empty one of them first.",
            conflicting_session_id=clash[1],
        )


def replace_assignment_locked(db: Session, *, workshop_ids: Iterable[int], seats: Mapping[int, Iterable[int]]) -> None:
    """Replace the previous assignment run's seats in these workshops by `seats` (person -> sessions).

    Seats people took themselves or organizers placed stay. A person waiting in a session the
    run gives them takes the seat instead of the waiting-list place. Seats freed by the old run
    and not used by the new one go to the sessions' waiting lists.
    """
    ids = sorted(set(workshop_ids))
    lock_many(db, EventSession, ids)
    old = db.exec(
        select(Enrollment.session_id, func.count())
        .where(
            col(Enrollment.session_id).in_(ids),
            Enrollment.source == EnrollmentSource.assignment,
            Enrollment.status == EnrollmentStatus.enrolled,
        )
        .group_by(col(Enrollment.session_id))
    ).all()
    db.execute(
        delete(Enrollment).where(
            col(Enrollment.session_id).in_(ids), col(Enrollment.source) == EnrollmentSource.assignment
        )
    )
    for session_id, n in old:
        ledger.give_back_session_seats(db, session_id=session_id, seats=n)
    existing = {
        (e.registration_id, e.session_id): e
        for e in db.exec(
            select(Enrollment).where(col(Enrollment.session_id).in_(ids)).execution_options(populate_existing=True)
        ).all()
    }
    for registration_id, sessions in sorted(seats.items()):
        for session_id in sessions:
            row = existing.get((registration_id, session_id))
            if row is not None and row.status == EnrollmentStatus.enrolled:
                continue  # a seat of their own already
            if not ledger.take_session_seat(db, session_id=session_id):
                raise Conflict(f"Session {session_id} filled up while the assignment was written; run it again.")
            row = row or Enrollment(
                session_id=session_id, registration_id=registration_id, status=EnrollmentStatus.enrolled
            )
            row.status, row.waitlist_seq, row.source = EnrollmentStatus.enrolled, None, EnrollmentSource.assignment
            db.add(row)
    db.flush()
    for session_id in ids:
        promote_locked(db, session_id=session_id)


def seat_all_locked(db: Session, *, session_id: int, registration_ids: Iterable[int], source: EnrollmentSource) -> int:
    """Seats for people in a session the caller just made (joint assignment); returns the seats taken."""
    taken = 0
    for registration_id in registration_ids:
        if not ledger.take_session_seat(db, session_id=session_id):
            raise Conflict(f"Session {session_id} is full.")
        db.add(
            Enrollment(
                session_id=session_id, registration_id=registration_id, status=EnrollmentStatus.enrolled, source=source
            )
        )
        taken += 1
    db.flush()
    return taken


def overlapping_pairs(sessions: list[EventSession]) -> dict[int, set[int]]:
    """Session id -> ids of the given sessions that run at the same time (pure helper)."""
    out: dict[int, set[int]] = defaultdict(set)
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            if overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
                assert a.id is not None and b.id is not None
                out[a.id].add(b.id)
                out[b.id].add(a.id)
    return out


def any_assignment_seat(db: Session, *, session_ids: Iterable[int]) -> bool:
    """Whether an assignment run's seat exists in any of these sessions (read only)."""
    ids = list(session_ids)
    return (
        bool(ids)
        and db.exec(
            select(Enrollment.id)
            .where(col(Enrollment.session_id).in_(ids), Enrollment.source == EnrollmentSource.assignment)
            .limit(1)
        ).first()
        is not None
    )
