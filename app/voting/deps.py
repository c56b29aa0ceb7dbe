"""The poll (or topic) named in the path, for routes that already require an organizer key:
polls of unpublished events count."""

from typing import Annotated

from fastapi import Depends

from app.common.types import IdPath
from app.db import SessionDep
from app.errors import NotFound
from app.events.deps import KeyDep
from app.voting.models import Poll, Topic
from app.voting.service import get_poll


def organizer_poll(poll_id: IdPath, db: SessionDep, who: KeyDep) -> Poll:
    """The poll, whether or not its event is published; 404 when there is none or it belongs
    to an event the key is not limited to (the same answer)."""
    poll = get_poll(db, poll_id=poll_id, include_unpublished=True)
    who.check_event(poll.event_id, f"Poll {poll_id} does not exist.")
    return poll


def organizer_topic(topic_id: IdPath, db: SessionDep, who: KeyDep) -> Topic:
    """The topic; 404 when there is none or its poll's event is outside the key's scope."""
    topic = db.get(Topic, topic_id)
    poll = db.get(Poll, topic.poll_id) if topic is not None else None
    if topic is None or poll is None or not who.sees(poll.event_id):
        raise NotFound(f"Topic {topic_id} does not exist.")
    return topic


# Declare them after the route's credential (OrganizerDep, AuditedOrganizerDep): 401/403 come before 404.
OrganizerPollDep = Annotated[Poll, Depends(organizer_poll)]
OrganizerTopicDep = Annotated[Topic, Depends(organizer_topic)]
