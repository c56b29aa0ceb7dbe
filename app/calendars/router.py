"""Calendars: the public programme of a published event and a person's own read-only feed.

The feed URL carries its own secret (calendar apps cannot send a Bearer header); it is made,
replaced and revoked with the registration token at `/me/calendar`.
"""

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Response, status

from app.calendars import service
from app.calendars.schemas import CalendarFeedPublic
from app.common.ids import id_of
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.errors import NotFound
from app.events.models import Event
from app.registrations.deps import MeDep
from app.settings import Settings, SettingsDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["calendars"])

# Any string: a malformed one is answered like an unknown one (404), never 422.
FeedPath = Annotated[str, Path(description="The feed secret from `POST /me/calendar`.")]
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
ICS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "An iCalendar file (RFC 5545) with the event's VTIMEZONE", "content": {"text/calendar": {}}},
}


def _host(settings: Settings) -> str:
    """The domain part of the UIDs: stable across requests, so calendar apps update, not duplicate."""
    return urlsplit(settings.public_base_url).hostname or "localhost"


def _ics(body: bytes, *, event: Event, name: str, cache: str) -> Response:
    return Response(
        body,
        media_type=ICS_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'inline; filename="{event.slug}-{name}.ics"',
            "Cache-Control": cache,
        },
    )


@router.get(
    "/events/{event_id}/programme.ics",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses=ICS_RESPONSES,
)
def programme(event_id: IdPath, db: SessionDep, settings: SettingsDep) -> Response:
    """The programme of a published event: one entry per session in the event's time zone
    (the event's days when it has no sessions yet). 404 for an unknown or unpublished event."""
    event, body = service.programme(db, event_id=event_id, host=_host(settings))
    return _ics(body, event=event, name="programme", cache="public, max-age=300")


@router.post(
    "/me/calendar", response_model=CalendarFeedPublic, status_code=status.HTTP_201_CREATED, tags=["me (participant)"]
)
def create_feed(db: SessionDep, me: MeDep, settings: SettingsDep) -> CalendarFeedPublic:
    """A personal calendar feed URL (shown once) of the caller's sessions and workshops, for a
    calendar app to subscribe to. Asking again makes a new URL; the previous one stops working."""
    secret = service.create_feed(db, registration_id=id_of(me))
    return CalendarFeedPublic(url=f"{settings.public_base_url.rstrip('/')}/api/v1/calendar/{secret}.ics")


@router.delete(
    "/me/calendar", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, tags=["me (participant)"]
)
def delete_feed(db: SessionDep, me: MeDep) -> Response:
    """Revoke the caller's calendar feed URL. Idempotent."""
    service.delete_for(db, registration_id=id_of(me))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/calendar/{feed}.ics",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses=ICS_RESPONSES,
)
def personal_feed(feed: FeedPath, db: SessionDep, settings: SettingsDep) -> Response:
    """A person's sessions and workshops (read-only; the URL is the credential). Places on a
    session's waiting list are tentative. 404 when the URL is unknown, revoked, or its
    registration cancelled or erased."""
    reg = service.feed_owner(db, secret=feed)
    if reg is None:
        raise NotFound("This calendar feed does not exist or was revoked.")
    event, body = service.personal(db, reg=reg, host=_host(settings))
    return _ics(body, event=event, name="my-programme", cache="private, max-age=300")
