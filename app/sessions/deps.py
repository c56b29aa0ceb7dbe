"""The session named in the path, for routes that already require an organizer key: sessions of
unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.common.types import IdPath
from app.db import SessionDep
from app.sessions.models import EventSession
from app.sessions.service import get_session


def organizer_session(session_id: IdPath, db: SessionDep) -> EventSession:
    """The session, whether or not its event is published; 404 when there is none."""
    return get_session(db, session_id=session_id, include_unpublished=True)


# Declare it after the route's credential (OrganizerDep, ...): 401/403 come before 404.
OrganizerSessionDep = Annotated[EventSession, Depends(organizer_session)]
