from fastapi import APIRouter, status

from app.auth import service
from app.auth.deps import AuditedOrganizerDep, OrganizerDep
from app.auth.schemas import KeyCreate, KeyCreated, KeyPublic
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep

router = APIRouter(prefix="/api/v1/organizer-keys", tags=["organizer keys"])


@router.post("", response_model=KeyCreated, status_code=status.HTTP_201_CREATED)
def create_key(body: KeyCreate, db: SessionDep, who: AuditedOrganizerDep) -> KeyCreated:
    """Make a new organizer (or check-in-only) key. The secret is shown only in this answer."""
    key, secret = service.create_key(db, name=body.name, role=body.role, created_by=who.label)
    return KeyCreated.model_validate({**KeyPublic.model_validate(key).model_dump(), "key": secret})


@router.get("", response_model=Page[KeyPublic], status_code=status.HTTP_200_OK)
def list_keys(db: SessionDep, _: OrganizerDep, page: PageDep) -> Page[KeyPublic]:
    rows, total = service.list_keys(db, limit=page.limit, offset=page.offset)
    return Page(items=[KeyPublic.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.delete("/{key_id}", response_model=KeyPublic, status_code=status.HTTP_200_OK)
def revoke_key(key_id: IdPath, db: SessionDep, _: AuditedOrganizerDep) -> KeyPublic:
    """Revoke a key: it stops working at once. Revoking twice is harmless."""
    return KeyPublic.model_validate(service.revoke_key(db, key_id=key_id))
