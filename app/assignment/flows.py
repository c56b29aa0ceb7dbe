"""Running the assignment and writing its seats back (a workflow across domains).

`run_assignment`: the event's workshops, people and rankings (app/assignment/service.py) go to the pure
solver (app/assignment/solver/); the seats are written by their owner, the enrollments service,
in the request's transaction under the event's lock: previous assignment seats are replaced,
seats people took themselves or organizers placed stay.

Joint mode (`run_joint`): choose which topics run AND who goes where (capacitated
Chamberlin-Courant). From a poll's ballots (an approval ballot, or a ranked one read as
approving every ranked topic) and the rooms of one time slot, pick the topics and place each
voter in a topic they approved, maximising the number of people placed. Starts from the Method
of Equal Shares winners for large polls (local search); small polls are solved exactly (MILP).
"""

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial

from sqlmodel import Session

from app.assignment.networking_flows import Options, fairness_fields, networking_out
from app.assignment.schemas import (
    AssignmentOut,
    AssignmentStateOut,
    Figures,
    JointOut,
    JointTopic,
    MoveOut,
    SessionFill,
)
from app.assignment.service import Built, build_problem, fingerprint
from app.assignment.solver import algorithm, changes, networking
from app.assignment.solver.joint import choose_topics_and_assign
from app.assignment.solver.problem import Fairness, Method, Problem
from app.common.ids import id_of
from app.enrollments.models import EnrollmentSource
from app.enrollments.service import busy_during, places_in_sessions, replace_assignment_locked, seat_all_locked
from app.errors import Conflict, Invalid
from app.events.models import Event
from app.events.service import get_event, lock_event
from app.messages import notices
from app.sessions.models import SessionKind
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session, sessions_of_topics_during
from app.voting import rules
from app.voting.models import Poll
from app.voting.results import counted_ballot_owners
from app.voting.schemas import RoomIn
from app.voting.service import topics_of


def _figures(method: str, problem: Problem, assignment: Mapping[int, Sequence[int]]) -> Figures:
    """A run's, the baseline's and the standing seats' figures, all counted by `changes.figures`."""
    return Figures(method=method, **asdict(changes.figures(problem, assignment)))


def _fill(built: Built, result: algorithm.Result) -> list[SessionFill]:
    return [
        SessionFill(
            session_id=w.id,
            title=w.title,
            slot=built.slot_of[id_of(w)],
            capacity=w.capacity,
            assigned=result.per_workshop.get(id_of(w), 0) + built.reserved.get(id_of(w), 0),
        )
        for w in built.workshops
    ]


@dataclass
class Snapshot:
    """What a run reads, read in one short transaction, and its digest (service.fingerprint)."""

    event: Event
    built: Built
    net: networking.Networking
    digest: str


@dataclass(frozen=True)
class Params:
    """How to solve (`AssignmentIn`, checked)."""

    method: Method
    fill_unranked: bool
    time_limit: float
    maximize_assigned: bool
    keep_improving_only: bool
    topic_ranks: bool
    opts: Options

    @property
    def fairness(self) -> Fairness:
        return self.opts.fairness if self.method == Method.optimal else Fairness.none


@dataclass
class Solved:
    """A run's result, the optimum without the networking options (when on), first come first
    served, and the seats as they stood."""

    result: algorithm.Result
    unconstrained: algorithm.Result | None
    baseline: algorithm.Result
    before: algorithm.Result


def _snapshot(db: Session, *, event_id: int, keep: bool, opts: Options) -> Snapshot:
    event = get_event(db, event_id=event_id, include_unpublished=True)
    built = build_problem(db, event_id=event_id, keep=keep)
    net = opts.networking(db, event_id=event_id, participants=list(built.problem.participants))
    return Snapshot(event=event, built=built, net=net, digest=fingerprint(built, (net.organization, net.partnership)))


def _solve(snap: Snapshot, p: Params) -> Solved:
    problem, net = snap.built.problem, snap.net
    staged = partial(
        algorithm.solve,
        problem,
        fill_unranked=p.fill_unranked,
        topic_ranks=p.topic_ranks,
        time_limit=p.time_limit,
        max_placements_first=p.maximize_assigned,
        keep_ranks=p.keep_improving_only,
    )
    try:
        result = staged(method=p.method, networking=net, fairness=p.fairness)
        unconstrained = staged() if net.active else None
        baseline = (
            result
            if p.method == Method.first_come
            else algorithm.solve(
                problem, method=Method.first_come, fill_unranked=p.fill_unranked, topic_ranks=p.topic_ranks
            )
        )
        return Solved(result, unconstrained, baseline, changes.evaluate(problem))
    except ValueError as exc:
        raise Invalid(f"The workshops cannot be assigned: {exc}") from exc


def _check(p: Params) -> None:
    if p.keep_improving_only and p.method != Method.optimal:
        raise Invalid("keep_improving_only works with method 'optimal' only.", field="keep_improving_only")
    if p.topic_ranks and (p.method != Method.optimal or p.keep_improving_only):
        raise Invalid(
            "topic_ranks works with method 'optimal' only, and not with keep_improving_only.", field="topic_ranks"
        )
    p.opts.check(method=p.method, keep_improving_only=p.keep_improving_only)


def run_assignment(
    db: Session,
    *,
    read: Callable[[], AbstractContextManager[Session]],
    event_id: int,
    method: Method,
    dry_run: bool,
    fill_unranked: bool,
    time_limit: float,
    maximize_assigned: bool = False,
    keep_improving_only: bool = False,
    options: Options | None = None,
    topic_ranks: bool = False,
) -> AssignmentOut:
    """Solve, compare with first come first served and the seats as they stand, write back (not a dry run).

    The solver runs outside any write transaction: what it needs is read in a short read
    transaction of its own (`read` opens it; a caller whose own transaction holds data not yet
    committed, as the demo's, passes that one). A dry run never writes, so registrations and
    enrollments go on while it solves (on SQLite too: no write lock). Not a dry run, the event's
    lock is taken in the request's transaction `db` and the same reads are made again: when
    nothing has changed meanwhile, the seats solved are written at once; when something has
    (people enrolled, left, ranked...), the run is solved once more on what the lock now holds,
    and that is written, so a commit always succeeds and never writes seats from stale data.

    `keep_improving_only`: see `AssignmentIn`; the solver's `keep_ranks` keeps everyone's standing.
    `options`: the networking options and fairness (app/assignment/networking_flows.py)."""
    p = Params(
        method, fill_unranked, time_limit, maximize_assigned, keep_improving_only, topic_ranks, options or Options()
    )
    _check(p)
    with read() as snapshot_db:
        snap = _snapshot(snapshot_db, event_id=event_id, keep=keep_improving_only, opts=p.opts)
    solved = _solve(snap, p)
    if dry_run:
        return _out(snap, solved, p, _moves(snap, solved, p), dry_run=True)
    event = lock_event(db, event_id=event_id)  # nobody enrolls, leaves or cancels from here on
    fresh = _snapshot(db, event_id=event_id, keep=keep_improving_only, opts=p.opts)
    if fresh.digest != snap.digest:  # changed while solving: once more, under the lock
        snap, solved = fresh, _solve(fresh, p)
    moves = _moves(snap, solved, p)
    _write_back(
        db, event, snap, solved.result.assignment, keep=keep_improving_only, moved={m.participant for m in moves}
    )
    return _out(snap, solved, p, moves, dry_run=False)


def _moves(snap: Snapshot, solved: Solved, p: Params) -> list[changes.Move]:
    return changes.moves(snap.built.problem, solved.result.assignment) if p.keep_improving_only else []


def _out(snap: Snapshot, solved: Solved, p: Params, moves: list[changes.Move], *, dry_run: bool) -> AssignmentOut:
    built, problem, result = snap.built, snap.built.problem, solved.result
    mine = _figures(result.method, problem, result.assignment)
    unconstrained = solved.unconstrained
    return AssignmentOut(
        **mine.model_dump(),
        dry_run=dry_run,
        participants=len(problem.participants) + len(built.held_as_is),
        with_preferences=sum(1 for ranks in problem.preferences.values() if ranks),
        unassigned_registration_ids=list(result.unassigned),
        held_as_is_registration_ids=built.held_as_is,
        optimal=result.optimal,
        gap=result.gap,
        seconds=round(result.seconds, 4),
        sessions=_fill(built, result),
        baseline=_figures(solved.baseline.method, problem, solved.baseline.assignment),
        current=_figures("current", problem, solved.before.assignment),
        moves=[
            MoveOut(
                registration_id=m.participant,
                slot=m.slot,
                from_session_id=m.from_workshop,
                to_session_id=m.to_workshop,
                from_rank=m.from_rank,
                to_rank=m.to_rank,
            )
            for m in moves
        ],
        **fairness_fields(problem, result, p.fairness),
        networking=networking_out(
            problem,
            result,
            unconstrained,
            snap.net,
            mine,
            _figures(unconstrained.method, problem, unconstrained.assignment),
        )
        if unconstrained is not None
        else None,
    )


def _write_back(
    db: Session, event: Event, snap: Snapshot, assignment: Mapping[int, Sequence[int]], *, keep: bool, moved: set[int]
) -> None:
    """The run's seats (the caller holds the event's lock and has checked `snap` is current)."""
    built, problem = snap.built, snap.built.problem
    fixed = {(p, w) for p, ws in problem.fixed.items() for w in ws}
    seats = {p: [w for w in ws if (p, w) not in fixed] for p, ws in assignment.items()}
    seats.update(built.kept)  # keep mode: people held as is keep their previous-run seats
    replace_assignment_locked(db, workshop_ids=[w.id for w in built.workshops if w.id is not None], seats=seats)
    # an improving run tells only the people it moves
    notices.assignment_committed(
        db, event=event, seats={p: list(ws) for p, ws in assignment.items() if not keep or p in moved}
    )


def standing(db: Session, *, event_id: int) -> AssignmentStateOut:
    """The figures of the seats as they stand (last committed run and the changes since), beside first
    come, first served from scratch on the same data. Reads only."""
    get_event(db, event_id=event_id, include_unpublished=True)
    built = build_problem(db, event_id=event_id, keep=True)
    try:
        now = changes.evaluate(built.problem)
        baseline = algorithm.solve(built.problem, method=Method.first_come)
    except ValueError as exc:
        raise Invalid(f"The seats cannot be evaluated: {exc}") from exc
    return AssignmentStateOut(
        participants=len(built.problem.participants) + len(built.held_as_is),
        with_preferences=sum(1 for p in built.problem.preferences.values() if p),
        held_as_is_registration_ids=built.held_as_is,
        current=_figures("current", built.problem, now.assignment),
        baseline=_figures(baseline.method, built.problem, baseline.assignment),
        sessions=_fill(built, now),
    )


def run_joint(
    db: Session,
    *,
    poll: Poll,
    rooms: list[RoomIn],
    starts_at: datetime,
    ends_at: datetime,
    dry_run: bool,
    time_limit: float,
) -> JointOut:
    """Choose the topics of one slot and who goes where (see the module docstring).

    Voters who already hold a place (seat or waiting list) at that time are left out, and so are
    the topics a voter already holds a place in (any time, e.g. from another run); writing
    a slot where sessions of this poll's topics already run is refused (409), so a second run
    never doubles sessions or seats.
    """
    poll_id = id_of(poll)
    if not dry_run:
        lock_event(db, event_id=poll.event_id)
    topics = topics_of(db, poll_id=poll_id)
    if not topics:
        raise Invalid("The poll has no topics.")
    ids = [id_of(t) for t in topics]
    if not dry_run:
        taken = sessions_of_topics_during(
            db, event_id=poll.event_id, topic_ids=ids, starts_at=starts_at, ends_at=ends_at
        )
        if taken:
            raise Conflict(
                f"Sessions of this poll's topics already run at that time ({taken}); delete them "
                "first or choose another slot.",
                session_ids=taken,
            )
    busy = busy_during(db, event_id=poll.event_id, starts_at=starts_at, ends_at=ends_at)
    held = _held_topics(db, event_id=poll.event_id, topic_ids=ids)
    approvals = {
        reg: set(ballot) & set(ids) - held.get(reg, set())
        for reg, ballot in counted_ballot_owners(db, poll_id=poll_id).items()
        if reg not in busy
    }
    approvals = {reg: topics_ for reg, topics_ in approvals.items() if topics_}
    k = min(len(rooms), len(topics))
    index = {t: i for i, t in enumerate(ids)}
    mes = (
        rules.compute("equal_shares", [[index[t] for t in a] for a in approvals.values()], len(ids), k, "approval")
        if approvals
        else None
    )
    initial = [ids[i] for i in mes.winners] if mes else None
    try:
        result = choose_topics_and_assign(
            approvals, ids, [r.capacity for r in rooms], k, initial=initial, time_limit=time_limit
        )
    except ValueError as exc:
        raise Invalid(str(exc)) from exc
    by_topic: dict[int, list[int]] = {}
    for reg, topic in result.assignment.items():
        by_topic.setdefault(topic, []).append(reg)
    titles = {t.id: t.title for t in topics}
    chosen = [
        JointTopic(
            topic_id=t,
            title=titles[t],
            room=rooms[result.rooms[t]].room,
            capacity=rooms[result.rooms[t]].capacity,
            assigned=len(by_topic.get(t, [])),
        )
        for t in result.topics
    ]
    session_ids: list[int] = []
    if not dry_run:
        session_ids = _write_joint(
            db, poll=poll, chosen=chosen, by_topic=by_topic, starts_at=starts_at, ends_at=ends_at
        )
    return JointOut(
        dry_run=dry_run,
        voters=len(approvals),
        covered=result.covered,
        coverage_share=result.covered / len(approvals) if approvals else 0.0,
        bound=result.bound,
        gap=round(result.gap, 6),
        optimal=result.optimal,
        status=result.status,
        seconds=round(result.seconds, 4),
        topics=chosen,
        session_ids=session_ids,
    )


def _held_topics(db: Session, *, event_id: int, topic_ids: list[int]) -> dict[int, set[int]]:
    """Registration -> the topics (of `topic_ids`) whose sessions it holds a place in (seat or waiting list)."""
    event = get_event(db, event_id=event_id, include_unpublished=True)
    # sessions are within the event's days (sessions service), so this window holds them all
    first = datetime.combine(event.starts_on - timedelta(days=1), time(), UTC)
    last = datetime.combine(event.ends_on + timedelta(days=2), time(), UTC)
    held: dict[int, set[int]] = {}
    for topic_id in topic_ids:
        sessions = sessions_of_topics_during(db, event_id=event_id, topic_ids=[topic_id], starts_at=first, ends_at=last)
        for reg, _, _, _ in places_in_sessions(db, session_ids=sessions):
            held.setdefault(reg, set()).add(topic_id)
    return held


def _write_joint(
    db: Session,
    *,
    poll: Poll,
    chosen: list[JointTopic],
    by_topic: dict[int, list[int]],
    starts_at: datetime,
    ends_at: datetime,
) -> list[int]:
    made = []
    placed: dict[int, list[int]] = {}
    for item in chosen:
        session = create_session(
            db,
            event_id=poll.event_id,
            topic_id=item.topic_id,
            data=SessionCreate(
                title=item.title,
                kind=SessionKind.workshop,
                starts_at=starts_at,
                ends_at=ends_at,
                room=item.room,
                capacity=item.capacity,
            ),
        )
        assert session.id is not None
        seat_all_locked(
            db,
            session_id=session.id,
            registration_ids=by_topic.get(item.topic_id, []),
            source=EnrollmentSource.assignment,
        )
        made.append(session.id)
        for registration_id in by_topic.get(item.topic_id, []):
            placed.setdefault(registration_id, []).append(session.id)
    notices.assignment_committed(
        db, event=get_event(db, event_id=poll.event_id, include_unpublished=True), seats=placed
    )
    return made
