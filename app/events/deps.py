"""The event named in the path, for routes that already require an organizer key: unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.common.types import IdPath
from app.db import SessionDep
from app.events.models import Event
from app.events.service import get_event


def organizer_event(event_id: IdPath, db: SessionDep) -> Event:
    """The event, published or not; 404 when there is none."""
    return get_event(db, event_id=event_id, include_unpublished=True)


# Declare it after the route's credential (OrganizerDep, CheckinDep, ...): 401/403 come before 404.
OrganizerEventDep = Annotated[Event, Depends(organizer_event)]
