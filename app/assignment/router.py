from fastapi import APIRouter, status

from app.common.types import IdPath
from app.assignment import service
from app.assignment.schemas import AssignmentIn, AssignmentOut, PreferencesIn, PreferencesPublic
from app.auth.deps import OrganizerDep
from app.db import SessionDep
from app.registrations.deps import MeDep

router = APIRouter(prefix="/api/v1", tags=["workshop assignment"])


@router.put("/me/preferences", response_model=PreferencesPublic, status_code=status.HTTP_200_OK)
def set_preferences(body: PreferencesIn, db: SessionDep, me: MeDep) -> PreferencesPublic:
    """Rank the workshops you want, most wanted first, across all time slots (replaces the earlier ranking)."""
    return PreferencesPublic(session_ids=service.set_preferences(db, reg=me, session_ids=body.session_ids))


@router.get("/me/preferences", response_model=PreferencesPublic, status_code=status.HTTP_200_OK)
def get_preferences(db: SessionDep, me: MeDep) -> PreferencesPublic:
    return PreferencesPublic(session_ids=service.get_preferences(db, registration_id=me.id))


@router.post("/events/{event_id}/assignments", response_model=AssignmentOut, status_code=status.HTTP_200_OK)
def run_assignment(event_id: IdPath, body: AssignmentIn, db: SessionDep, _: OrganizerDep) -> AssignmentOut:
    """Assign confirmed participants to parallel workshops from their rankings, within room capacity.

    `optimal` is rank-maximal: as many first choices as possible, then as many second choices, and
    so on, one workshop per time slot, never the same topic twice. The answer compares it with
    first come, first served on the same data. Not a dry run: the seats are written in one
    transaction, replacing the previous run's seats; seats taken directly or placed by organizers stay.
    """
    return service.run(db, event_id=event_id, method=body.method, dry_run=body.dry_run,
                       fill_unranked=body.fill_unranked, time_limit=body.time_limit,
                       maximize_assigned=body.maximize_assigned)
