from functools import partial

from fastapi import APIRouter, Request, status

from app.assignment import explain, flows, service
from app.assignment.networking_flows import Options
from app.assignment.schedule_flows import run_joint_schedule
from app.assignment.schedule_schemas import JointScheduleIn, JointScheduleOut
from app.assignment.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentStateOut,
    JointIn,
    JointOut,
    MyAssignmentOut,
    PreferencesIn,
    PreferencesPublic,
)
from app.auth.deps import AuditedOrganizerDep, OrganizerDep
from app.common.ids import id_of
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute, open_session
from app.registrations.deps import MeDep
from app.voting.deps import OrganizerPollDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["workshop assignment"])


@router.put("/me/preferences", response_model=PreferencesPublic, status_code=status.HTTP_200_OK)
def set_preferences(body: PreferencesIn, db: SessionDep, me: MeDep) -> PreferencesPublic:
    """Rank the workshops you want, most wanted first, across all time slots (replaces the earlier ranking)."""
    return PreferencesPublic(session_ids=service.set_preferences(db, reg=me, session_ids=body.session_ids))


@router.get("/me/preferences", response_model=PreferencesPublic, status_code=status.HTTP_200_OK)
def get_preferences(db: SessionDep, me: MeDep) -> PreferencesPublic:
    return PreferencesPublic(session_ids=service.get_preferences(db, registration_id=id_of(me)))


@router.get("/me/assignment", response_model=MyAssignmentOut, status_code=status.HTTP_200_OK)
def my_assignment(db: SessionDep, me: MeDep) -> MyAssignmentOut:
    """Your workshops with the rank you gave each and, where you did not get your first choice at that
    time, why: derived from the stored rankings, seats and capacities when you ask; counts only, nobody named.
    Time slots where you ranked workshops but hold none are listed under `unplaced`."""
    return explain.my_assignment(db, reg=me)


@router.post("/polls/{poll_id}/joint-assignment", response_model=JointOut, status_code=status.HTTP_200_OK)
def joint_assignment(body: JointIn, db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> JointOut:
    """Choose the topics to run in one slot AND who goes where, from the poll's ballots and the rooms.

    Maximises the number of voters placed in a topic they approved (capacitated Chamberlin-Courant):
    exact for seminar sizes, local search from the Method of Equal Shares winners for large polls.
    Not a dry run: the workshop sessions are created and the seats written.
    """
    return flows.run_joint(
        db,
        poll=poll,
        rooms=body.rooms,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        dry_run=body.dry_run,
        time_limit=body.time_limit,
    )


@router.post("/events/{event_id}/assignments", response_model=AssignmentOut, status_code=status.HTTP_200_OK)
def run_assignment(
    event_id: IdPath, body: AssignmentIn, db: SessionDep, who: AuditedOrganizerDep, request: Request
) -> AssignmentOut:
    """Assign confirmed participants to parallel workshops from their rankings, within room capacity.

    `optimal` is rank-maximal: as many first choices as possible, then as many second choices, and
    so on, one workshop per time slot, never the same topic twice. The answer compares it with
    first come, first served on the same data and with the seats as they stand (`current`); each
    carries the distribution of ranks. Not a dry run: the seats are written in one transaction,
    replacing the previous run's seats; seats taken directly or placed by organizers stay.
    `keep_improving_only`: a re-run that makes nobody worse off in any time slot; `moves` lists who moves where.
    Networking options (caps per organization or partnership and workshop, keeping partnerships together)
    and `fairness: leximin` choose among the rank-maximal assignments; with a networking option
    on, `networking` compares the run with the optimum without it.
    """
    who.check_event(event_id)
    options = Options(
        fairness=body.fairness,
        max_per_organization=body.max_per_organization,
        max_per_partnership=body.max_per_partnership,
        keep_partnerships_together=body.keep_partnerships_together,
    )
    return flows.run_assignment(
        db,
        read=partial(open_session, request.app.state.engine),
        event_id=event_id,
        method=body.method,
        dry_run=body.dry_run,
        fill_unranked=body.fill_unranked,
        time_limit=body.time_limit,
        maximize_assigned=body.maximize_assigned,
        keep_improving_only=body.keep_improving_only,
        options=options,
        topic_ranks=body.topic_ranks,
    )


@router.get("/events/{event_id}/assignments/current", response_model=AssignmentStateOut, status_code=status.HTTP_200_OK)
def assignment_standing(event_id: IdPath, db: SessionDep, who: OrganizerDep) -> AssignmentStateOut:
    """The distribution of ranks of the workshop seats as they stand (the last committed run and the changes
    since), beside first come, first served from scratch on the same data."""
    who.check_event(event_id)
    return flows.standing(db, event_id=event_id)


@router.post("/polls/{poll_id}/joint-schedule", response_model=JointScheduleOut, status_code=status.HTTP_200_OK)
def joint_schedule(
    body: JointScheduleIn, db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep
) -> JointScheduleOut:
    """Choose which topics run in which slot and room, AND who goes where, from the poll's ballots.

    First as many voters as possible get a topic they approved, then as many (voter, approved topic)
    places as possible; a topic may run in several slots, nobody gets two sessions in one slot or one
    topic twice. Exact (MILP) for seminar sizes; `people_bound`, `pairs_bound` and `gap` say how far a
    large instance may be from the optimum. Not a dry run: the sessions are created and the seats written.
    """
    return run_joint_schedule(db, poll=poll, slots=body.slots, dry_run=body.dry_run, time_limit=body.time_limit)
