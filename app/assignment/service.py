"""Preferences and the assignment of participants to parallel workshops.

The optimisation itself lives in `app.assignment.solver.algorithm` (pure). This module turns the
database into its plain input, and writes the result back in one transaction: previous
assignment seats are replaced, seats people took themselves or organizers placed stay.
"""

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.assignment.models import Preference
from app.assignment.schemas import AssignmentOut, Figures, Method, SessionFill
from app.assignment.solver import algorithm
from app.assignment.solver.problem import Problem, Workshop
from app.common.locking import lock
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.errors import Forbidden, Invalid
from app.events.models import Event
from app.events.service import get_event
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession, SessionKind


def set_preferences(db: Session, *, reg: Registration, session_ids: list[int]) -> list[int]:
    if reg.status != RegistrationStatus.confirmed:
        raise Forbidden("Only confirmed registrants can rank workshops.")
    if session_ids:
        found = {s.id: s for s in db.exec(select(EventSession).where(col(EventSession.id).in_(session_ids))).all()}
        bad = [i for i in session_ids
               if i not in found or found[i].event_id != reg.event_id or found[i].kind != SessionKind.workshop]
        if bad:
            raise Invalid(f"Not workshops of your event: {bad}.", field="session_ids")
    lock(db, Registration, reg.id)
    db.execute(delete(Preference).where(col(Preference.registration_id) == reg.id))
    db.add_all(Preference(registration_id=reg.id, session_id=s, rank=i) for i, s in enumerate(session_ids))
    db.flush()
    return session_ids


def get_preferences(db: Session, *, registration_id: int) -> list[int]:
    return list(db.exec(
        select(Preference.session_id).where(Preference.registration_id == registration_id).order_by(Preference.rank)
    ).all())


def slots(workshops: list[EventSession]) -> dict[int, int]:
    """Session id -> slot number: overlapping workshops (transitively) share a slot."""
    slot_of: dict[int, int] = {}
    slot, slot_end = -1, None
    for s in sorted(workshops, key=lambda s: (s.starts_at, s.id)):
        if slot_end is None or s.starts_at >= slot_end:
            slot, slot_end = slot + 1, s.ends_at
        else:
            slot_end = max(slot_end, s.ends_at)
        slot_of[s.id] = slot
    return slot_of


def build_problem(db: Session, *, event_id: int) -> tuple[Problem, list[EventSession], dict[int, int]]:
    workshops = list(db.exec(
        select(EventSession).where(EventSession.event_id == event_id, EventSession.kind == SessionKind.workshop)
        .order_by(EventSession.id)
    ).all())
    slot_of = slots(workshops)
    participants = list(db.exec(
        select(Registration.id).where(Registration.event_id == event_id,
                                      Registration.status == RegistrationStatus.confirmed).order_by(Registration.id)
    ).all())
    members = set(participants)
    ws_ids = [w.id for w in workshops]
    prefs: dict[int, list[int]] = {}
    for reg_id, session_id in db.exec(
        select(Preference.registration_id, Preference.session_id)
        .where(col(Preference.session_id).in_(ws_ids)).order_by(Preference.registration_id, Preference.rank)
    ).all():
        if reg_id in members:
            prefs.setdefault(reg_id, []).append(session_id)
    fixed: dict[int, list[int]] = {}
    for reg_id, session_id in db.exec(
        select(Enrollment.registration_id, Enrollment.session_id).where(
            col(Enrollment.session_id).in_(ws_ids), Enrollment.status == EnrollmentStatus.enrolled,
            Enrollment.source != EnrollmentSource.assignment,
        ).order_by(Enrollment.registration_id, Enrollment.session_id)
    ).all():
        if reg_id in members:
            fixed.setdefault(reg_id, []).append(session_id)
    unlimited = max(len(participants), 1)
    problem = Problem(
        participants=participants,
        workshops=[Workshop(id=w.id, slot=slot_of[w.id], capacity=w.capacity if w.capacity is not None else unlimited,
                            topic=w.topic_id) for w in workshops],
        preferences=prefs,
        fixed=fixed,
    )
    return problem, workshops, slot_of


def _figures(result: algorithm.Result) -> Figures:
    return Figures(method=result.method, assigned=result.assigned, unassigned=len(result.unassigned),
                   first_choice_share=result.first_choice_share, top3_share=result.top3_share)


def run(db: Session, *, event_id: int, method: Method, dry_run: bool, fill_unranked: bool,
        time_limit: float, maximize_assigned: bool = False) -> AssignmentOut:
    event = get_event(db, event_id=event_id, include_unpublished=True)
    if not dry_run:
        lock(db, Event, event.id)
        for sid in db.exec(select(EventSession.id).where(EventSession.event_id == event_id)
                           .order_by(EventSession.id)).all():
            lock(db, EventSession, sid)
        _drop_previous(db, event_id=event_id)
    problem, workshops, slot_of = build_problem(db, event_id=event_id)
    try:
        result = algorithm.solve(problem, method=method.value, fill_unranked=fill_unranked, time_limit=time_limit,
                                 max_placements_first=maximize_assigned)
        baseline = result if method == Method.first_come else algorithm.solve(
            problem, method="first_come", fill_unranked=fill_unranked)
    except ValueError as exc:
        raise Invalid(f"The workshops cannot be assigned: {exc}") from exc
    if not dry_run:
        _write(db, problem=problem, result=result, workshops=workshops)
    return AssignmentOut(
        **_figures(result).model_dump(),
        dry_run=dry_run,
        participants=len(problem.participants),
        with_preferences=sum(1 for p in problem.preferences.values() if p),
        unassigned_registration_ids=list(result.unassigned),
        rank_counts=list(result.rank_counts),
        optimal=result.optimal,
        gap=result.gap,
        seconds=round(result.seconds, 4),
        sessions=[SessionFill(session_id=w.id, title=w.title, slot=slot_of[w.id], capacity=w.capacity,
                              assigned=result.per_workshop.get(w.id, 0)) for w in workshops],
        baseline=_figures(baseline),
    )


def _drop_previous(db: Session, *, event_id: int) -> None:
    """Remove the seats of the previous assignment run (other seats stay)."""
    ws = select(EventSession.id).where(EventSession.event_id == event_id)
    db.execute(delete(Enrollment).where(col(Enrollment.session_id).in_(ws),
                                        Enrollment.source == EnrollmentSource.assignment))
    db.flush()


def _write(db: Session, *, problem: Problem, result: algorithm.Result, workshops: list[EventSession]) -> None:
    fixed = {(p, w) for p, ws in problem.fixed.items() for w in ws}
    existing = {(r, s) for r, s in db.exec(
        select(Enrollment.registration_id, Enrollment.session_id)
        .where(col(Enrollment.session_id).in_([w.id for w in workshops]))
    ).all()}
    for participant, ws in result.assignment.items():
        for w in ws:
            if (participant, w) in fixed:
                continue
            if (participant, w) in existing:  # e.g. waitlisted there: now enrolled by the assignment
                db.execute(update(Enrollment).where(col(Enrollment.registration_id) == participant,
                                                    col(Enrollment.session_id) == w)
                           .values(status=EnrollmentStatus.enrolled, waitlist_seq=None,
                                   source=EnrollmentSource.assignment))
            else:
                db.add(Enrollment(session_id=w, registration_id=participant, status=EnrollmentStatus.enrolled,
                                  source=EnrollmentSource.assignment))
    db.flush()
    for w in workshops:  # counters follow the rows; the CHECK constraint guards capacity
        count = db.exec(select(func.count()).select_from(Enrollment).where(
            Enrollment.session_id == w.id, Enrollment.status == EnrollmentStatus.enrolled)).one()
        db.execute(update(EventSession).where(col(EventSession.id) == w.id).values(enrolled=count))
    db.flush()
