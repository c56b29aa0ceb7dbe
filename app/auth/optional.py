"""An organizer credential when one is sent, else anonymous (for public reads).

A key limited to some events sees nothing of the others, published or not: a path naming
another event is 404 (`check_path_event`), and routes reading an object by id (a session, a
poll) check its event with `who.check_event`. Sending a scoped key thus never shows more than
its events; the same call without a key reads as anonymous, as for anyone.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant
from starlette.concurrency import run_in_threadpool

from app.auth.deps import BearerDep, Organizer, _resolve, check_path_event
from app.auth.models import KeyRole
from app.errors import Forbidden, Unauthorized
from app.team.sessions import COOKIE


async def optional_organizer(request: Request, creds: BearerDep) -> Organizer | None:
    """Async, so that an anonymous call (most of them: a registration) takes no thread for it.

    Without a Bearer header, a team member's session cookie counts (a write without its
    X-CSRF-Token reads as anonymous, as a call without a cookie would)."""
    if creds is None and COOKIE not in request.cookies:
        return None
    try:
        who = await run_in_threadpool(_resolve, request, creds)
    except (Unauthorized, Forbidden):
        return None  # e.g. a participant's registration token: reads stay public
    if who.role != KeyRole.organizer:
        return None  # a check-in key reads as anonymous
    check_path_event(request, who)
    return who


MaybeOrganizerDep = Annotated[Organizer | None, Depends(optional_organizer)]


def _uses(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)


def document_optional_auth(router: APIRouter) -> None:
    """Routes that read with an optional organizer key accept anonymous calls: say so in OpenAPI."""
    from fastapi.routing import APIRoute

    for route in router.routes:
        if isinstance(route, APIRoute) and _uses(route.dependant, optional_organizer):
            route.openapi_extra = {**(route.openapi_extra or {}), "security": [{}]}
