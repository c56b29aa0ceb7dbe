"""The session named in the path, for routes that already require an organizer key: sessions of
unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.common.types import IdPath
from app.db import SessionDep
from app.events.deps import KeyDep
from app.sessions.models import EventSession
from app.sessions.service import get_session


def organizer_session(session_id: IdPath, db: SessionDep, who: KeyDep) -> EventSession:
    """The session, whether or not its event is published; 404 when there is none or it belongs
    to an event the key is not limited to (the same answer)."""
    row = get_session(db, session_id=session_id, include_unpublished=True)
    who.check_event(row.event_id, f"Session {session_id} does not exist.")
    return row


# Declare it after the route's credential (OrganizerDep, ...): 401/403 come before 404.
OrganizerSessionDep = Annotated[EventSession, Depends(organizer_session)]
