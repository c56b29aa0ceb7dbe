from sqlmodel import Session, col, func, select

from app.auth.models import KeyRole, OrganizerKey
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.errors import NotFound


def find_active_key(db: Session, *, secret: str) -> OrganizerKey | None:
    """The unrevoked key whose digest matches (lookup by digest: constant work per request)."""
    if not secret.startswith("org_"):
        return None
    key = db.exec(
        select(OrganizerKey).where(OrganizerKey.key_digest == digest(secret), col(OrganizerKey.revoked_at).is_(None))
    ).first()
    return key


def create_key(db: Session, *, name: str, role: KeyRole, created_by: str) -> tuple[OrganizerKey, str]:
    secret = new_secret("org")
    key = OrganizerKey(name=name, role=role, prefix=secret[:10], key_digest=digest(secret), created_by=created_by)
    db.add(key)
    db.flush()
    return key, secret


def list_keys(db: Session, *, limit: int, offset: int) -> tuple[list[OrganizerKey], int]:
    total = db.exec(select(func.count()).select_from(OrganizerKey)).one()
    rows = db.exec(select(OrganizerKey).order_by(col(OrganizerKey.id)).limit(limit).offset(offset)).all()
    return list(rows), total


def revoke_key(db: Session, *, key_id: int) -> OrganizerKey:
    key = db.get(OrganizerKey, key_id)
    if key is None:
        raise NotFound(f"Organizer key {key_id} does not exist.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.add(key)
        db.flush()
    return key
