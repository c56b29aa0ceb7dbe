"""Idempotent registration: the same `Idempotency-Key` and body replay the first answer.

Only digests of the key and body are stored. To replay the same token without keeping it,
the token is sealed with a one-time pad derived from the key (which the server never
stores): whoever holds the key can get the token back, the database alone cannot.
"""

import base64
import hashlib
import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.errors import AppError
from app.registrations.models import IdempotencyRecord

TOKEN_PREFIX = "reg_"


class IdempotencyMismatch(AppError):
    status, code, title = 422, "idempotency-key-reused", "Idempotency key reused with another body"


def key_digest(event_id: int, key: str) -> str:
    return hashlib.sha256(f"idem:{event_id}:{key}".encode()).hexdigest()


def body_digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pad(event_id: int, key: str) -> bytes:
    return hashlib.sha256(f"seal:{event_id}:{key}".encode()).digest()


def seal(token: str, *, event_id: int, key: str) -> str:
    raw = base64.urlsafe_b64decode(token.removeprefix(TOKEN_PREFIX) + "=")
    return bytes(a ^ b for a, b in zip(raw, _pad(event_id, key), strict=True)).hex()


def unseal(sealed: str, *, event_id: int, key: str) -> str:
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), _pad(event_id, key), strict=True))
    return TOKEN_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def find(db: Session, *, event_id: int, key: str) -> IdempotencyRecord | None:
    return db.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.event_id == event_id, IdempotencyRecord.key_digest == key_digest(event_id, key)
        )
    ).first()


def remember(db: Session, *, event_id: int, key: str, body: dict[str, Any], registration_id: int, token: str) -> None:
    db.add(
        IdempotencyRecord(
            event_id=event_id,
            key_digest=key_digest(event_id, key),
            request_digest=body_digest(body),
            registration_id=registration_id,
            sealed_token=seal(token, event_id=event_id, key=key),
        )
    )
    db.flush()


def forget(db: Session, *, registration_id: int) -> None:
    """Drop the stored answers of a registration (erasure)."""
    db.execute(delete(IdempotencyRecord).where(col(IdempotencyRecord.registration_id) == registration_id))
