"""The poll named in the path, for routes that already require an organizer key: polls of
unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.common.types import IdPath
from app.db import SessionDep
from app.voting.models import Poll
from app.voting.service import get_poll


def organizer_poll(poll_id: IdPath, db: SessionDep) -> Poll:
    """The poll, whether or not its event is published; 404 when there is none."""
    return get_poll(db, poll_id=poll_id, include_unpublished=True)


# Declare it after the route's credential (OrganizerDep, AuditedOrganizerDep): 401/403 come before 404.
OrganizerPollDep = Annotated[Poll, Depends(organizer_poll)]
