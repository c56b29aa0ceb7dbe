from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import AuditedOrganizerDep
from app.auth.optional import MaybeOrganizerDep
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.sessions import flows, service
from app.sessions.deps import OrganizerSessionDep
from app.sessions.models import SessionKind
from app.sessions.schemas import SessionCreate, SessionPublic, SessionUpdate

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["sessions"])


@router.post("/events/{event_id}/sessions", response_model=SessionPublic, status_code=status.HTTP_201_CREATED)
def create_session(event_id: IdPath, body: SessionCreate, db: SessionDep, who: AuditedOrganizerDep) -> SessionPublic:
    """Add a plenary, panel or workshop to the programme. Overlapping sessions run in parallel."""
    who.check_event(event_id)
    return SessionPublic.model_validate(service.create_session(db, event_id=event_id, data=body))


@router.get("/events/{event_id}/sessions", response_model=Page[SessionPublic], status_code=status.HTTP_200_OK)
def list_sessions(
    event_id: IdPath,
    db: SessionDep,
    page: PageDep,
    who: MaybeOrganizerDep,
    kind: Annotated[SessionKind | None, Query(description="Only sessions of this kind.")] = None,
) -> Page[SessionPublic]:
    """The programme, ordered by start time, with enrolled counts and capacity."""
    rows, total = service.list_sessions(
        db, event_id=event_id, include_unpublished=who is not None, kind=kind, limit=page.limit, offset=page.offset
    )
    items = [SessionPublic.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/sessions/{session_id}", response_model=SessionPublic, status_code=status.HTTP_200_OK)
def get_session(session_id: IdPath, db: SessionDep, who: MaybeOrganizerDep) -> SessionPublic:
    row = service.get_session(db, session_id=session_id, include_unpublished=who is not None)
    if who is not None:
        who.check_event(row.event_id, f"Session {session_id} does not exist.")
    return SessionPublic.model_validate(row)


@router.patch("/sessions/{session_id}", response_model=SessionPublic, status_code=status.HTTP_200_OK)
def update_session(
    body: SessionUpdate, db: SessionDep, _: AuditedOrganizerDep, row: OrganizerSessionDep
) -> SessionPublic:
    """Change a session. 409 when a new time would put someone in two sessions at once, or the
    capacity would fall below the people enrolled; more capacity moves the waiting list up."""
    return SessionPublic.model_validate(flows.update_session(db, session_id=id_of(row), data=body))


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_session(
    db: SessionDep,
    _: AuditedOrganizerDep,
    row: OrganizerSessionDep,
    force: bool = Query(default=False, description="Also when people are enrolled (409 otherwise)."),
) -> Response:
    """Delete a session; when people are enrolled or waiting, only with `force=true`."""
    flows.delete_session(db, session_id=id_of(row), force=force)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
