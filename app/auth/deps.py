"""Credentials from the Authorization header: organizer keys (and the ADMIN_TOKEN bootstrap key)."""

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.audit.service import record
from app.auth.models import KeyRole
from app.auth.service import find_active_key
from app.db import SessionDep
from app.errors import Forbidden, Unauthorized

bearer = HTTPBearer(auto_error=False, description="Organizer key or registration token.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@dataclass(frozen=True)
class Organizer:
    """An authenticated organizer credential."""

    name: str
    role: KeyRole
    key_id: int | None  # None for the bootstrap ADMIN_TOKEN

    @property
    def label(self) -> str:
        return f"key:{self.key_id}:{self.name}" if self.key_id else "bootstrap"


def bearer_token(creds: HTTPAuthorizationCredentials | None) -> str:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized()
    return creds.credentials


def _resolve(request: Request, db: SessionDep, creds: BearerDep) -> Organizer:
    token = bearer_token(creds)
    admin = request.app.state.settings.admin_token
    if admin is not None and admin.get_secret_value() and hmac.compare_digest(
        token.encode(), admin.get_secret_value().encode()
    ):
        return Organizer(name="bootstrap", role=KeyRole.organizer, key_id=None)
    key = find_active_key(db, secret=token)
    if key is None:
        raise Unauthorized()
    return Organizer(name=key.name, role=key.role, key_id=key.id)


def require_organizer(principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    if principal.role != KeyRole.organizer:
        raise Forbidden("This key may only check people in.")
    return principal


def audited_organizer(
    request: Request, db: SessionDep, principal: Annotated[Organizer, Depends(require_organizer)]
) -> Iterator[Organizer]:
    """An organizer whose write is recorded in the audit log: who, which operation, on what.

    The entry is added after the route has returned and before the request's transaction
    commits (this dependency closes before `get_db`), so it is stored exactly when the change
    is; a route that fails writes nothing, entry included.
    """
    yield principal
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    params = {k: int(v) if v.isdigit() else v for k, v in request.path_params.items()}
    event_id = params.get("event_id")
    target = next((f"{k.removesuffix('_id')}:{v}" for k, v in params.items()), None)
    details: dict[str, object] = {"path": request.url.path}
    if request.query_params:
        details["query"] = dict(request.query_params)
    record(db, actor=principal.label, action=f"{request.method} {template}",
           event_id=event_id if isinstance(event_id, int) else None, target=target, details=details)


def require_checkin(principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    """Organizer keys and check-in-only keys."""
    return principal


OrganizerDep = Annotated[Organizer, Depends(require_organizer)]
# Organizer writes: the route's change and its audit entry are committed together.
AuditedOrganizerDep = Annotated[Organizer, Depends(audited_organizer, scope="function")]
CheckinDep = Annotated[Organizer, Depends(require_checkin)]
