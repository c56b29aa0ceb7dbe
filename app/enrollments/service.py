"""Direct enrollment in sessions, first come first served, with a waiting list per session.

Capacity is guarded by a conditional UPDATE of `sessions.enrolled` in the same
transaction, after locking the registration row (one person's enrollments are
serialised, so the overlap check cannot race) and then the session row.
"""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.common.counters import bump
from app.common.locking import lock
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.errors import Conflict, Forbidden, NotFound
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession
from app.sessions.service import first_overlap


class Overlap(Conflict):
    code, title = "session-overlap", "Sessions overlap"


def take_session_seat(db: Session, *, session_id: int) -> bool:
    """Take a seat if one is free (a session without capacity never fills)."""
    return bump(db, EventSession, session_id, "enrolled", below="capacity", unlimited_when_null=True) is not None


def _release_session_seat(db: Session, *, session_id: int) -> None:
    bump(db, EventSession, session_id, "enrolled", delta=-1)


def _next_seq(db: Session, *, session_id: int) -> int:
    return bump(db, EventSession, session_id, "waitlist_seq")


def enrollments_of(db: Session, *, registration_id: int) -> list[tuple[Enrollment, EventSession]]:
    return list(
        db.exec(
            select(Enrollment, EventSession)
            .join(EventSession, col(EventSession.id) == Enrollment.session_id)
            .where(Enrollment.registration_id == registration_id)
            .order_by(EventSession.starts_at, EventSession.id)
        ).all()
    )


def position_of(db: Session, enrollment: Enrollment) -> int | None:
    if enrollment.status != EnrollmentStatus.waitlisted or enrollment.waitlist_seq is None:
        return None
    return db.exec(
        select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == enrollment.session_id,
            Enrollment.status == EnrollmentStatus.waitlisted,
            col(Enrollment.waitlist_seq) <= enrollment.waitlist_seq,
        )
    ).one()


def enroll(
    db: Session, *, registration_id: int, session_id: int, source: EnrollmentSource = EnrollmentSource.self
) -> tuple[Enrollment, bool]:
    """Enroll (or join the session's waiting list). Returns (enrollment, created)."""
    reg = lock(db, Registration, registration_id)
    target = db.get(EventSession, session_id)
    if target is None or target.event_id != reg.event_id:
        raise NotFound(f"Session {session_id} does not exist in your event.")
    if reg.status != RegistrationStatus.confirmed:
        raise Forbidden("Only confirmed registrants can enroll in sessions.")
    mine = enrollments_of(db, registration_id=registration_id)
    for enrollment, _ in mine:
        if enrollment.session_id == session_id:
            return enrollment, False
    clash = first_overlap(target, (s for _, s in mine))
    if clash is not None:
        raise Overlap(
            f"Session {session_id} runs at the same time as session {clash.id} ({clash.title!r}) that you are "
            "enrolled or waitlisted in; leave it first.",
            conflicting_session_id=clash.id,
        )
    lock(db, EventSession, session_id)
    enrollment = Enrollment(session_id=session_id, registration_id=registration_id, source=source,
                            status=EnrollmentStatus.waitlisted)
    if take_session_seat(db, session_id=session_id):
        enrollment.status = EnrollmentStatus.enrolled
    else:
        enrollment.waitlist_seq = _next_seq(db, session_id=session_id)
    db.add(enrollment)
    db.flush()
    return enrollment, True


def place(db: Session, *, registration_id: int, session_id: int) -> tuple[Enrollment, bool]:
    """Organizer placement (speaker, moderator, by hand): a seat, never the waiting list.

    The seat is marked `organizer`, so assignment runs leave it alone. 409 when the session
    is full (raise its capacity first) or the person is in a parallel session.
    """
    reg = lock(db, Registration, registration_id)
    target = db.get(EventSession, session_id)
    if reg is None or target is None or target.event_id != reg.event_id:
        raise NotFound(f"Registration {registration_id} is not part of the event of session {session_id}.")
    if reg.status != RegistrationStatus.confirmed:
        raise Conflict("Only confirmed registrants can be placed in sessions.")
    mine = enrollments_of(db, registration_id=registration_id)
    existing = next((e for e, _ in mine if e.session_id == session_id), None)
    if existing is not None and existing.status == EnrollmentStatus.enrolled:
        existing.source = EnrollmentSource.organizer
        db.add(existing)
        db.flush()
        return existing, False
    clash = first_overlap(target, (s for e, s in mine if e.session_id != session_id))
    if clash is not None:
        raise Overlap(f"The person is in session {clash.id} ({clash.title!r}) at the same time; take them out "
                      "of it first.", conflicting_session_id=clash.id)
    lock(db, EventSession, session_id)
    if not take_session_seat(db, session_id=session_id):
        raise Conflict(f"Session {session_id} is full; raise its capacity first.")
    enrollment = existing or Enrollment(session_id=session_id, registration_id=registration_id,
                                        status=EnrollmentStatus.enrolled)
    enrollment.status, enrollment.waitlist_seq = EnrollmentStatus.enrolled, None
    enrollment.source = EnrollmentSource.organizer
    db.add(enrollment)
    db.flush()
    return enrollment, existing is None


def session_enrollments(db: Session, *, session_id: int, status: EnrollmentStatus | None, limit: int,
                        offset: int) -> tuple[list[tuple[Enrollment, Registration]], int]:
    cond = [Enrollment.session_id == session_id]
    if status is not None:
        cond.append(Enrollment.status == status)
    total = db.exec(select(func.count()).select_from(Enrollment).where(*cond)).one()
    rows = db.exec(
        select(Enrollment, Registration).join(Registration, col(Registration.id) == Enrollment.registration_id)
        .where(*cond).order_by(Enrollment.status, Enrollment.waitlist_seq, Enrollment.id).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def count_in_session(db: Session, *, session_id: int) -> int:
    return db.exec(select(func.count()).select_from(Enrollment).where(Enrollment.session_id == session_id)).one()


def promote_waitlist(db: Session, *, session_id: int) -> None:
    """Give free seats to the session's waiting list, first come first served."""
    waiting = db.exec(
        select(Enrollment)
        .join(Registration, col(Registration.id) == Enrollment.registration_id)
        .where(
            Enrollment.session_id == session_id,
            Enrollment.status == EnrollmentStatus.waitlisted,
            Registration.status == RegistrationStatus.confirmed,
        )
        .order_by(Enrollment.waitlist_seq)
    ).all()
    for enrollment in waiting:
        if not take_session_seat(db, session_id=session_id):
            break
        enrollment.status = EnrollmentStatus.enrolled
        enrollment.waitlist_seq = None
        db.add(enrollment)
    db.flush()


def _drop(db: Session, enrollment: Enrollment) -> None:
    lock(db, EventSession, enrollment.session_id)
    was_enrolled = enrollment.status == EnrollmentStatus.enrolled
    db.delete(enrollment)
    db.flush()
    if was_enrolled:
        _release_session_seat(db, session_id=enrollment.session_id)
        promote_waitlist(db, session_id=enrollment.session_id)


def leave(db: Session, *, registration_id: int, session_id: int) -> None:
    lock(db, Registration, registration_id)
    enrollment = db.exec(
        select(Enrollment).where(Enrollment.registration_id == registration_id, Enrollment.session_id == session_id)
    ).first()
    if enrollment is None:
        raise NotFound(f"You are not enrolled in session {session_id}.")
    _drop(db, enrollment)


def leave_all(db: Session, *, registration_id: int) -> None:
    """Drop all of a person's enrollments (on cancel), sessions in ascending id (lock order)."""
    rows = db.exec(
        select(Enrollment).where(Enrollment.registration_id == registration_id).order_by(Enrollment.session_id)
    ).all()
    for enrollment in rows:
        _drop(db, enrollment)
