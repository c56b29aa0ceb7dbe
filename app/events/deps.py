"""The event named in the path, for routes that already require an organizer key: unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.auth.deps import Organizer, require_checkin
from app.common.types import IdPath
from app.db import SessionDep
from app.events.models import Event
from app.events.service import get_event

# Any authenticated key (organizer or check-in): the route's own credential decides the role.
# Declared after that credential, this runs after it, so 401/403 come before 404.
KeyDep = Annotated[Organizer, Depends(require_checkin)]


def organizer_event(event_id: IdPath, db: SessionDep, who: KeyDep) -> Event:
    """The event, published or not; 404 when there is none or the key is limited to other events."""
    who.check_event(event_id)
    return get_event(db, event_id=event_id, include_unpublished=True)


# Declare it after the route's credential (OrganizerDep, CheckinDep, ...): 401/403 come before 404.
OrganizerEventDep = Annotated[Event, Depends(organizer_event)]
