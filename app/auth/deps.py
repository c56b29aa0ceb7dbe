"""Credentials from the Authorization header: organizer keys (and the ADMIN_TOKEN bootstrap key)."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.audit.service import record_on_commit
from app.auth.models import KeyRole
from app.auth.service import find_active_key
from app.db import WRITE_METHODS, SessionDep
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


def require_organizer(
    request: Request, db: SessionDep, principal: Annotated[Organizer, Depends(_resolve)]
) -> Organizer:
    if principal.role != KeyRole.organizer:
        raise Forbidden("This key may only check people in.")
    if request.method in WRITE_METHODS:
        _audit_write(request, db, principal)
    return principal


def _audit_write(request: Request, db: SessionDep, principal: Organizer) -> None:
    """Every organizer write is in the audit log: who, which operation, on what, when."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    params = {k: int(v) if v.isdigit() else v for k, v in request.path_params.items()}
    event_id = params.get("event_id")
    target = next((f"{k.removesuffix('_id')}:{v}" for k, v in params.items()), None)
    record_on_commit(db, actor=principal.label, action=f"{request.method} {template}",
                     event_id=event_id if isinstance(event_id, int) else None, target=target,
                     details={"path": request.url.path, **({"query": dict(request.query_params)}
                                                           if request.query_params else {})})


def require_checkin(principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    """Organizer keys and check-in-only keys."""
    return principal


OrganizerDep = Annotated[Organizer, Depends(require_organizer)]
CheckinDep = Annotated[Organizer, Depends(require_checkin)]
