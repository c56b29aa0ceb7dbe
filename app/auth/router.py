"""Organizer keys. A key limited to some events manages only keys limited to some of its own
events (itself included): it lists and revokes those, and makes only such keys (403 otherwise);
keys of every event and keys reaching other events stay invisible to it (404)."""

from fastapi import APIRouter, status

from app.auth import service
from app.auth.deps import AuditedOrganizerDep, Organizer, OrganizerDep
from app.auth.models import KeyRole, OrganizerKey
from app.auth.schemas import KeyCreate, KeyCreated, KeyPublic
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.errors import Forbidden

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1/organizer-keys", tags=["organizer keys"])


def _public(key: OrganizerKey, scope: frozenset[int] | None) -> KeyPublic:
    return KeyPublic.model_validate(key).model_copy(update={"event_ids": sorted(scope) if scope else None})


def _check_scope(who: Organizer, body: KeyCreate) -> None:
    if who.user_id is not None and not who.owner and body.role == KeyRole.organizer and body.event_ids is None:
        # such a key manages the team (app/team): only owners may hand one out
        raise Forbidden("Only an owner of the team makes organizer keys of every event.")
    if who.event_ids is None:
        return
    if body.event_ids is None:
        raise Forbidden("This key is limited to some events; it can only make keys limited to some of them.")
    if not set(body.event_ids) <= who.event_ids:
        raise Forbidden("A key can only be limited to events of the key that makes it.")


@router.post("", response_model=KeyCreated, status_code=status.HTTP_201_CREATED)
def create_key(body: KeyCreate, db: SessionDep, who: AuditedOrganizerDep) -> KeyCreated:
    """Make a new organizer (or check-in-only) key, of every event or limited to `event_ids`.
    The secret is shown only in this answer."""
    _check_scope(who, body)
    key, secret = service.create_key(db, name=body.name, role=body.role, created_by=who.label, event_ids=body.event_ids)
    scope = frozenset(body.event_ids) if body.event_ids is not None else None
    return KeyCreated.model_validate({**_public(key, scope).model_dump(), "key": secret})


@router.get("", response_model=Page[KeyPublic], status_code=status.HTTP_200_OK)
def list_keys(db: SessionDep, who: OrganizerDep, page: PageDep) -> Page[KeyPublic]:
    """Keys in order of creation (a key limited to some events: only keys limited to some of them)."""
    rows, total = service.list_keys(db, within=who.event_ids, limit=page.limit, offset=page.offset)
    scopes = service.scopes_of(db, key_ids=[r.id for r in rows if r.id is not None])
    return Page(
        items=[_public(r, scopes.get(r.id or 0)) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.delete("/{key_id}", response_model=KeyPublic, status_code=status.HTTP_200_OK)
def revoke_key(key_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> KeyPublic:
    """Revoke a key: it stops working at once. Revoking twice is harmless."""
    key = service.revoke_key(db, key_id=key_id, within=who.event_ids)
    return _public(key, service.scopes_of(db, key_ids=[key_id]).get(key_id))
