"""`GET /me/assignment`: a person's workshops with their ranks, and why not their first choices.

Everything is derived at read time from the stored state (rankings, seats, capacities), so
every statement can be checked against the database; it says nothing about other people but
counts. For each time slot (workshops that overlap, as the solver sees them) where the person
holds a workshop they ranked below another of the slot, or holds none although they ranked some,
each workshop ranked higher gets one reason, the first that applies:

1. `clash`: it runs at the same time as another place of theirs (a plenary or panel seat or
   waiting-list place, another workshop's waiting list); the assignment never double-books.
2. `same_topic`: they hold another session of the same topic.
3. `full` / `full_mixed`: it is full. `full` when every seat is held by people who ranked it at
   least as high as they did or took it themselves / were placed by organizers (taking one would
   have cost someone a choice at least as good); `full_mixed` when some assigned seats are held by
   people who ranked it lower or not at all: the stored data cannot establish why those did not
   go to them (the run may have needed them to give others better choices, or the seats or the
   rankings changed since), and the answer says so.
4. `not_run`: it has room and no assignment run has placed anyone yet.
5. `free_now`: it has room now. A rank-maximal run would have moved them up into a free seat,
   so seats were freed after the run or the ranking changed after it; rankings carry no time,
   so the answer says it cannot tell which, and points to an improving re-run.

A seat they took themselves or an organizer placed is never moved by a run; that is said too.
"""

from collections import defaultdict

from sqlmodel import Session, col, select

from app.assignment.models import Preference
from app.assignment.schemas import MyAssignmentOut, MyUnplacedSlot, MyWorkshop, ReasonCode, ReasonOut
from app.assignment.service import slots
from app.capacity import ledger
from app.common.ids import id_of
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.enrollments.service import any_assignment_seat, enrollments_of, places_in_sessions
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession, SessionKind
from app.sessions.service import overlaps


def _rank_lists(db: Session, *, registration_ids: list[int], workshop_ids: list[int]) -> dict[int, list[int]]:
    """Registration -> its ranking over these workshops, most wanted first (ranks as the solver reads them)."""
    out: dict[int, list[int]] = defaultdict(list)
    if not registration_ids or not workshop_ids:
        return out
    for reg_id, session_id in db.exec(
        select(Preference.registration_id, Preference.session_id)
        .where(col(Preference.registration_id).in_(registration_ids), col(Preference.session_id).in_(workshop_ids))
        .order_by(col(Preference.registration_id), col(Preference.rank))
    ).all():
        out[reg_id].append(session_id)
    return out


class _Reader:
    def __init__(self, db: Session, reg: Registration) -> None:
        self.db, self.reg_id = db, id_of(reg)
        sessions = list(
            db.exec(
                select(EventSession).where(EventSession.event_id == reg.event_id).order_by(col(EventSession.id))
            ).all()
        )
        self.workshops = {id_of(s): s for s in sessions if s.kind == SessionKind.workshop}
        self.slot_of = slots(list(self.workshops.values()))
        self.prefs = _rank_lists(db, registration_ids=[self.reg_id], workshop_ids=list(self.workshops))[self.reg_id]
        self.places: list[tuple[Enrollment, EventSession]] = enrollments_of(db, registration_id=self.reg_id)
        self.seats = {
            e.session_id: e
            for e, s in self.places
            if s.kind == SessionKind.workshop and e.status == EnrollmentStatus.enrolled
        }
        self.ran = any_assignment_seat(db, session_ids=self.workshops)
        self._holders: dict[int, list[tuple[int, EnrollmentSource]]] | None = None
        self._holder_prefs: dict[int, list[int]] = {}

    def rank(self, session_id: int | None) -> int | None:
        return self.prefs.index(session_id) + 1 if session_id in self.prefs else None

    def holders(self, session_id: int) -> list[tuple[int, EnrollmentSource]]:
        """(registration, source) of the seats of the workshops the person ranked (loaded once)."""
        if self._holders is None:
            self._holders = defaultdict(list)
            for reg_id, sid, status, source in places_in_sessions(self.db, session_ids=self.prefs):
                if status == EnrollmentStatus.enrolled and reg_id != self.reg_id:
                    self._holders[sid].append((reg_id, source))
            people = sorted({r for hs in self._holders.values() for r, _ in hs})
            self._holder_prefs = _rank_lists(self.db, registration_ids=people, workshop_ids=list(self.workshops))
        return self._holders.get(session_id, [])

    def reason(self, target: EventSession, *, own_seat: bool = False) -> ReasonOut:
        sid, my_rank = id_of(target), self.rank(id_of(target))
        assert my_rank is not None
        base = {"session_id": sid, "title": target.title, "rank": my_rank}
        name = f"Your choice no. {my_rank}, {target.title!r},"
        mine = next((e for e, _ in self.places if e.session_id == sid), None)
        waiting = ledger.session_position(self.db, mine) if mine is not None else None
        for e, other in self.places:
            if other.id == sid or (other.kind == SessionKind.workshop and e.status == EnrollmentStatus.enrolled):
                continue
            if overlaps(target.starts_at, target.ends_at, other.starts_at, other.ends_at):
                where = "a waiting-list place" if e.status == EnrollmentStatus.waitlisted else "a seat"
                kind = SessionKind(other.kind).value
                return ReasonOut(
                    **base,
                    code=ReasonCode.clash,
                    detail=(
                        f"{name} runs at the same time as {other.title!r} ({kind}), where you hold {where}; nobody is "
                        "placed in two sessions at once."
                    ),
                )
        if target.topic_id is not None:
            same = next(
                (self.workshops[s] for s in self.seats if s != sid and self.workshops[s].topic_id == target.topic_id),
                None,
            )
            if same is not None:
                return ReasonOut(
                    **base,
                    code=ReasonCode.same_topic,
                    detail=(
                        f"{name} is a session of the same topic as {same.title!r}, where you hold a seat; one session "
                        "of a topic per person."
                    ),
                )
        queue = f" You are no. {waiting} on its waiting list." if waiting is not None else ""
        if target.capacity is not None and target.enrolled >= target.capacity:
            return self._full(target, base, name, my_rank, waiting, queue)
        free = "room" if target.capacity is None else f"{target.capacity - target.enrolled} free place(s)"
        if not self.ran:
            return ReasonOut(
                **base,
                code=ReasonCode.not_run,
                waitlist_position=waiting,
                detail=(f"{name} has {free}; no assignment run has placed anyone yet.{queue}"),
            )
        if own_seat:
            return ReasonOut(
                **base,
                code=ReasonCode.free_now,
                waitlist_position=waiting,
                detail=(
                    f"{name} has {free} now; your seat at this time is one that assignment runs leave alone, so no "
                    f"run moves you (you may leave it and enroll there yourself).{queue}"
                ),
            )
        return ReasonOut(
            **base,
            code=ReasonCode.free_now,
            waitlist_position=waiting,
            detail=(
                f"{name} has {free} now. An assignment run gives free places to those who rank them higher, so "
                "something changed after it ran: places were freed, or your ranking or your other places changed; "
                "the stored data cannot tell which. A re-run that makes nobody worse off can move you there."
                f"{queue}"
            ),
        )

    def _full(
        self, target: EventSession, base: dict[str, object], name: str, my_rank: int, waiting: int | None, queue: str
    ) -> ReasonOut:
        first = at_least = lower = direct = 0
        holders = self.holders(id_of(target))
        for reg_id, source in holders:
            theirs = self._holder_prefs.get(reg_id, [])
            rank = theirs.index(id_of(target)) + 1 if id_of(target) in theirs else None
            first += rank == 1
            if source != EnrollmentSource.assignment:
                direct += 1
            elif rank is not None and rank <= my_rank:
                at_least += 1
            else:
                lower += 1
        counts = {
            "capacity": target.capacity,
            "seats_taken": target.enrolled,
            "ranked_first": first,
            "ranked_at_least_as_high": at_least,
            "ranked_lower": lower,
            "taken_directly": direct,
            "waitlist_position": waiting,
        }
        n = len(holders)
        if n == 0:
            return ReasonOut(**base, code=ReasonCode.full, **counts, detail=f"{name} has no places.{queue}")
        own = f" and {direct} were taken by people themselves or placed by organizers" if direct else ""
        if lower == 0:
            who = "people who ranked it first" if first == n else "people who ranked it at least as high as you"
            text = (
                f"{name} is full: its {n} places went to {who}."
                if not direct
                else f"{name} is full: {at_least} of its {n} places went to people who ranked it at least as high "
                f"as you{own}."
            )
            return ReasonOut(**base, code=ReasonCode.full, **counts, detail=text + queue)
        return ReasonOut(
            **base,
            code=ReasonCode.full_mixed,
            **counts,
            detail=(
                f"{name} is full: of its {n} places, {at_least} went to people who ranked it at least as high as you"
                f"{own}, and {lower} to people who ranked it lower or not at all. Why those did not go to you cannot "
                "be established from the stored data: the assignment may have needed them to give others better "
                f"choices, or seats or rankings changed after it ran.{queue}"
            ),
        )


def _seat_note(reader: _Reader, seat: Enrollment, ranked_in_slot: list[int]) -> str | None:
    if seat.source == EnrollmentSource.self:
        return "You took this seat yourself (first come, first served); assignment runs never move it."
    if seat.source == EnrollmentSource.organizer:
        return "The organizers placed you here; assignment runs never move that seat."
    if reader.rank(seat.session_id) is None:
        if not ranked_in_slot:
            return "You ranked no workshop at this time; the assignment gave you a free place."
        return (
            "You do not rank this workshop (now): the assignment gave it to you to fill a free place, or from "
            "an earlier ranking."
        )
    return None


def my_assignment(db: Session, *, reg: Registration) -> MyAssignmentOut:
    if reg.status != RegistrationStatus.confirmed:
        return MyAssignmentOut(items=[], unplaced=[], note="Only confirmed participants take part in the assignment.")
    reader = _Reader(db, reg)
    ranked_by_slot: dict[int, list[int]] = defaultdict(list)
    for s in reader.prefs:
        ranked_by_slot[reader.slot_of[s]].append(s)
    items: list[MyWorkshop] = []
    covered: set[int] = set()
    for sid, seat in reader.seats.items():
        session, slot = reader.workshops[sid], reader.slot_of[sid]
        covered.add(slot)
        rank = reader.rank(sid)
        better = ranked_by_slot[slot] if rank is None else ranked_by_slot[slot][: ranked_by_slot[slot].index(sid)]
        own = seat.source != EnrollmentSource.assignment
        reasons = [reader.reason(reader.workshops[s], own_seat=own) for s in better]
        notes = [n for n in [_seat_note(reader, seat, ranked_by_slot[slot])] if n] + [r.detail for r in reasons]
        items.append(
            MyWorkshop(
                session_id=sid,
                title=session.title,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                room=session.room,
                slot=slot,
                rank=rank,
                source=EnrollmentSource(seat.source).value,
                reason=" ".join(notes) or None,
                reasons=reasons,
            )
        )
    items.sort(key=lambda i: (i.starts_at, i.session_id))
    unplaced = []
    for slot in sorted(set(ranked_by_slot) - covered):
        ws = [reader.workshops[s] for s in ranked_by_slot[slot]]
        reasons = [reader.reason(w) for w in ws]
        unplaced.append(
            MyUnplacedSlot(
                slot=slot,
                starts_at=min(w.starts_at for w in ws),
                ends_at=max(w.ends_at for w in ws),
                reasons=reasons,
                reason=" ".join(r.detail for r in reasons),
            )
        )
    unplaced.sort(key=lambda u: u.starts_at)
    return MyAssignmentOut(items=items, unplaced=unplaced)
