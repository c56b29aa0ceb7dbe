"""An organizer credential when one is sent, else anonymous (for public reads)."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.dependencies.models import Dependant

from app.auth.deps import BearerDep, Organizer, _resolve
from app.auth.models import KeyRole
from app.db import SessionDep
from app.errors import Unauthorized


def optional_organizer(request: Request, db: SessionDep, creds: BearerDep) -> Organizer | None:
    if creds is None:
        return None
    try:
        who = _resolve(request, db, creds)
    except Unauthorized:
        return None  # e.g. a participant's registration token: reads stay public
    return who if who.role == KeyRole.organizer else None


MaybeOrganizerDep = Annotated[Organizer | None, Depends(optional_organizer)]


def _uses(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)


def document_optional_auth(router: APIRouter) -> None:
    """Routes that read with an optional organizer key accept anonymous calls: say so in OpenAPI."""
    from fastapi.routing import APIRoute

    for route in router.routes:
        if isinstance(route, APIRoute) and _uses(route.dependant, optional_organizer):
            route.openapi_extra = {**(route.openapi_extra or {}), "security": [{}]}
