"""Preferences (the only writer of `preferences`) and the assignment's plain input.

The optimisation lives in `app.assignment.solver` (pure); `build_problem` turns the database
into its input. Running it and writing the seats back: app/assignment/flows.py.
"""

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.assignment.models import Preference
from app.assignment.solver.problem import Problem, Workshop
from app.common.ids import id_of
from app.common.locking import lock
from app.enrollments.models import EnrollmentSource, EnrollmentStatus
from app.enrollments.service import places_in_sessions
from app.errors import Forbidden, Invalid
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import FOR_EVERYONE, EventSession, SessionKind
from app.sessions.service import overlaps


def set_preferences(db: Session, *, reg: Registration, session_ids: list[int]) -> list[int]:
    if reg.status != RegistrationStatus.confirmed:
        raise Forbidden("Only confirmed registrants can rank workshops.")
    if session_ids:
        found = {s.id: s for s in db.exec(select(EventSession).where(col(EventSession.id).in_(session_ids))).all()}
        ours = {i: s for i, s in found.items() if s.event_id == reg.event_id}
        for_everyone = [i for i in session_ids if i in ours and ours[i].kind in FOR_EVERYONE]
        if for_everyone:
            raise Invalid(
                f"Breaks, meals and social items are in the programme for everyone and cannot be "
                f"ranked: {for_everyone}.",
                field="session_ids",
            )
        bad = [i for i in session_ids if i not in ours or ours[i].kind != SessionKind.workshop]
        if bad:
            raise Invalid(f"Not workshops of your event: {bad}.", field="session_ids")
    reg_id = id_of(reg)
    lock(db, Registration, reg_id)
    db.execute(delete(Preference).where(col(Preference.registration_id) == reg_id))
    db.add_all(Preference(registration_id=reg_id, session_id=s, rank=i) for i, s in enumerate(session_ids))
    db.flush()
    return session_ids


def get_preferences(db: Session, *, registration_id: int) -> list[int]:
    return list(
        db.exec(
            select(Preference.session_id)
            .where(Preference.registration_id == registration_id)
            .order_by(col(Preference.rank))
        ).all()
    )


def slots(workshops: list[EventSession]) -> dict[int, int]:
    """Session id -> slot number: overlapping workshops (transitively) share a slot."""
    slot_of: dict[int, int] = {}
    slot, slot_end = -1, None
    for s in sorted(workshops, key=lambda s: (s.starts_at, s.id)):
        if slot_end is None or s.starts_at >= slot_end:
            slot, slot_end = slot + 1, s.ends_at
        else:
            slot_end = max(slot_end, s.ends_at)
        slot_of[id_of(s)] = slot
    return slot_of


def delete_preferences(db: Session, *, registration_id: int) -> None:
    """Forget a person's ranking (erasure)."""
    db.execute(delete(Preference).where(col(Preference.registration_id) == registration_id))


@dataclass
class Built:
    """The solver's input for one event, and what the database adds to it."""

    problem: Problem
    workshops: list[EventSession]
    slot_of: dict[int, int]
    # People whose own seats clash in the solver's slot model (two workshops chained into one
    # slot by a third that overlaps both, or one topic twice): kept as they are, nothing new.
    held_as_is: list[int] = field(default_factory=list)
    # Seats in a workshop that the run neither gives nor takes (held by people outside it).
    reserved: dict[int, int] = field(default_factory=dict)
    # keep mode: previous-run seats of the people held as is, written back unchanged.
    kept: dict[int, list[int]] = field(default_factory=dict)


def build_problem(db: Session, *, event_id: int, keep: bool = False) -> Built:  # noqa: C901
    """The event's workshops, confirmed people, rankings and the places people already hold.

    * seats taken directly or placed by organizers are `fixed` (kept and counted);
    * seats of the previous run are not: a new run replaces them. They are the problem's
      `current` seats (what `keep_ranks` compares with); with `keep`, a person whose previous-run
      seats cannot be held in the solver's slot model is held as is, those seats included;
    * a person with a place (seat or waiting list) in a plenary or panel, or on a workshop's
      waiting list, is `blocked` from every workshop running at the same time or of the same
      topic (except the workshop they wait for: the run may give them its seat).
    """
    sessions = list(
        db.exec(select(EventSession).where(EventSession.event_id == event_id).order_by(col(EventSession.id))).all()
    )
    workshops = [s for s in sessions if s.kind == SessionKind.workshop]
    by_id = {id_of(s): s for s in sessions}
    slot_of = slots(workshops)
    participants = cast(
        list[int],
        list(
            db.exec(  # primary keys: never NULL
                select(Registration.id)
                .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.confirmed)
                .order_by(col(Registration.id))
            ).all()
        ),
    )
    members = set(participants)
    fixed: dict[int, list[int]] = defaultdict(list)
    current: dict[int, list[int]] = defaultdict(list)
    busy: dict[int, list[EventSession]] = defaultdict(list)
    reserved: dict[int, int] = defaultdict(int)
    for reg_id, session_id, status, source in places_in_sessions(db, session_ids=by_id):
        session = by_id[session_id]
        workshop = session.kind == SessionKind.workshop
        if workshop and status == EnrollmentStatus.enrolled and source != EnrollmentSource.assignment:
            if reg_id in members:
                fixed[reg_id].append(session_id)
            else:
                reserved[session_id] += 1
        elif workshop and status == EnrollmentStatus.enrolled and reg_id in members:
            current[reg_id].append(session_id)
        elif not workshop or status == EnrollmentStatus.waitlisted:
            busy[reg_id].append(session)
    blocked = {
        p: [id_of(w) for w in workshops if any(_excludes(b, w) for b in busy[p])] for p in members if busy.get(p)
    }
    unfit = {
        p
        for p, ws in current.items()
        if _clash(fixed.get(p, []) + ws, by_id, slot_of) or set(ws) & set(blocked.get(p, []))
    }
    held_as_is = [p for p in participants if _clash(fixed.get(p, []), by_id, slot_of) or (keep and p in unfit)]
    kept: dict[int, list[int]] = {}
    for p in held_as_is:
        members.discard(p)
        blocked.pop(p, None)
        for w in fixed.pop(p, []):
            reserved[w] += 1
        if keep and current.get(p):
            kept[p] = current[p]
            for w in kept[p]:
                reserved[w] += 1
    prefs: dict[int, list[int]] = {}
    for reg_id, session_id in db.exec(
        select(Preference.registration_id, Preference.session_id)
        .where(col(Preference.session_id).in_([w.id for w in workshops]))
        .order_by(col(Preference.registration_id), col(Preference.rank))
    ).all():
        if reg_id in members:
            prefs.setdefault(reg_id, []).append(session_id)
    unlimited = max(len(participants), 1)
    problem = Problem(
        participants=[p for p in participants if p in members],
        workshops=[
            Workshop(
                id=id_of(w),
                slot=slot_of[id_of(w)],
                topic=w.topic_id,
                capacity=(w.capacity if w.capacity is not None else unlimited) - reserved.get(id_of(w), 0),
            )
            for w in workshops
        ],
        preferences=prefs,
        fixed={p: ws for p, ws in fixed.items() if p in members},
        blocked={p: ws for p, ws in blocked.items() if ws},
        current={p: ws for p, ws in current.items() if p in members and p not in unfit},
    )
    return Built(
        problem=problem, workshops=workshops, slot_of=slot_of, held_as_is=held_as_is, reserved=dict(reserved), kept=kept
    )


def _excludes(place: EventSession, workshop: EventSession) -> bool:
    """A place (a plenary or panel seat, a waiting-list place) keeps its holder out of `workshop`:
    they run at the same time, or they are one topic (nobody holds a topic twice, waiting included)."""
    return place.id != workshop.id and (
        overlaps(workshop.starts_at, workshop.ends_at, place.starts_at, place.ends_at)
        or (workshop.topic_id is not None and workshop.topic_id == place.topic_id)
    )


def _clash(seats: list[int], by_id: dict[int, EventSession], slot_of: dict[int, int]) -> bool:
    """Two seats in one solver slot, or one topic twice: the solver cannot hold them as they are."""
    slots_ = [slot_of[s] for s in seats]
    topics = [by_id[s].topic_id for s in seats if by_id[s].topic_id is not None]
    return len(set(slots_)) != len(slots_) or len(set(topics)) != len(topics)


def groups_of(db: Session, *, event_id: int, participants: list[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Organization and partnership keys of the run's participants (for the networking options).

    Organizations by their normalised name; partnerships case-insensitively, blanks ignored."""
    members = set(participants)
    org: dict[int, str] = {}
    part: dict[int, str] = {}
    for reg_id, organization, partnership in db.exec(
        select(Registration.id, Registration.organization_normalized, Registration.partnership).where(
            Registration.event_id == event_id
        )
    ).all():
        if reg_id in members:
            if organization:
                org[reg_id] = organization
            if partnership and partnership.strip():
                part[reg_id] = partnership.strip().casefold()
    return org, part


def fingerprint(built: Built, groups: tuple[Mapping[int, str], Mapping[int, str]]) -> str:
    """A digest of everything a run reads (people, rankings, workshops and their free seats,
    places held, the networking groups): equal digests, equal inputs. A run solved on a snapshot
    writes back only when the database still gives the same digest under the event's lock."""
    p = built.problem

    def ordered(mapping: Mapping[int, Any]) -> list[tuple[int, list[Any]]]:
        return sorted((k, list(v)) for k, v in mapping.items())

    canonical = (
        list(p.participants),
        [(w.id, w.slot, w.topic, w.capacity) for w in p.workshops],
        ordered(p.preferences),
        ordered(p.fixed),
        ordered({k: sorted(v) for k, v in p.blocked.items()}),
        ordered(p.current),
        sorted(built.held_as_is),
        sorted(built.reserved.items()),
        ordered(built.kept),
        sorted(groups[0].items()),
        sorted(groups[1].items()),
    )
    return hashlib.sha256(repr(canonical).encode()).hexdigest()
