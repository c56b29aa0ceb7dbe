"""Organizer keys: the only writer of `organizer_keys` and `organizer_key_events`.

A key may be limited to some events (rows in `organizer_key_events`); a key without such rows
works for every event. Because an event's rows go with it (ON DELETE CASCADE), a key limited
to that event alone would otherwise be left with none, which reads as "every event":
`retire_event_scope` revokes such keys in the transaction that deletes the event.
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, exists
from sqlmodel import Session, col, func, select

from app.auth.models import KeyRole, OrganizerKey, OrganizerKeyEvent
from app.common.ids import id_of
from app.common.locking import lock_many
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.errors import Invalid, NotFound
from app.events.models import Event

Scope = frozenset[int] | None  # the events a key is limited to; None: every event


def find_active_key(db: Session, *, secret: str) -> tuple[OrganizerKey, Scope] | None:
    """The unrevoked key whose digest matches, with its scope, in one query (lookup by digest:
    constant work per request)."""
    if not secret.startswith("org_"):
        return None
    rows = db.exec(
        select(OrganizerKey, OrganizerKeyEvent.event_id)
        .outerjoin(OrganizerKeyEvent, col(OrganizerKeyEvent.key_id) == col(OrganizerKey.id))
        .where(OrganizerKey.key_digest == digest(secret), col(OrganizerKey.revoked_at).is_(None))
    ).all()
    if not rows:
        return None
    return rows[0][0], frozenset(e for _, e in rows if e is not None) or None


def scopes_of(db: Session, *, key_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """The events each of the keys is limited to (keys of every event are absent)."""
    ids = list(key_ids)
    found: dict[int, set[int]] = {}
    if ids:
        for key_id, event_id in db.exec(
            select(OrganizerKeyEvent.key_id, OrganizerKeyEvent.event_id).where(col(OrganizerKeyEvent.key_id).in_(ids))
        ).all():
            found.setdefault(key_id, set()).add(event_id)
    return {k: frozenset(v) for k, v in found.items()}


def create_key(
    db: Session,
    *,
    name: str,
    role: KeyRole,
    created_by: str,
    event_ids: Sequence[int] | None = None,
) -> tuple[OrganizerKey, str]:
    """A new key (of every event, or limited to `event_ids`, which must exist: 422 otherwise).

    The events are share-locked first: an event being deleted meanwhile either finishes first
    (and is then reported unknown here) or waits for this key and revokes it if it was its
    only event (`retire_event_scope`), so no key is ever left with an empty scope."""
    scope = sorted(set(event_ids)) if event_ids is not None else None
    if scope is not None:
        found = set(
            db.exec(
                select(Event.id).where(col(Event.id).in_(scope)).order_by(col(Event.id)).with_for_update(read=True)
            ).all()
        )
        missing = [e for e in scope if e not in found]
        if missing or not scope:
            raise Invalid(
                f"Unknown events: {', '.join(map(str, missing))}." if missing else "No events.", field="event_ids"
            )
    secret = new_secret("org")
    key = OrganizerKey(name=name, role=role, prefix=secret[:10], key_digest=digest(secret), created_by=created_by)
    db.add(key)
    db.flush()
    for event_id in scope or ():
        db.add(OrganizerKeyEvent(key_id=id_of(key), event_id=event_id))
    db.flush()
    return key, secret


def _within(scope: frozenset[int]) -> list[ColumnElement[bool]]:
    """Keys limited to some of these events (and to no other): what a key of this scope may manage."""
    mine = col(OrganizerKeyEvent.key_id) == col(OrganizerKey.id)
    return [exists().where(mine), ~exists().where(mine, col(OrganizerKeyEvent.event_id).not_in(scope))]


def list_keys(db: Session, *, within: Scope = None, limit: int, offset: int) -> tuple[list[OrganizerKey], int]:
    """Every key, or with `within` only keys limited to some of those events."""
    cond = _within(within) if within is not None else []
    total = db.exec(select(func.count()).select_from(OrganizerKey).where(*cond)).one()
    rows = db.exec(select(OrganizerKey).where(*cond).order_by(col(OrganizerKey.id)).limit(limit).offset(offset)).all()
    return list(rows), total


def revoke_key(db: Session, *, key_id: int, within: Scope = None) -> OrganizerKey:
    """Revoke a key (with `within`: only a key limited to some of those events, 404 otherwise)."""
    cond = _within(within) if within is not None else []
    key = db.exec(select(OrganizerKey).where(col(OrganizerKey.id) == key_id, *cond)).first()
    if key is None:
        raise NotFound(f"Organizer key {key_id} does not exist.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.add(key)
        db.flush()
    return key


def _door_conditions(event_id: int) -> list[ColumnElement[bool]]:
    """Check-in keys limited to this event alone (door links, app/team)."""
    mine = col(OrganizerKeyEvent.key_id) == col(OrganizerKey.id)
    return [
        col(OrganizerKey.role) == KeyRole.checkin,
        exists().where(mine, col(OrganizerKeyEvent.event_id) == event_id),
        ~exists().where(mine, col(OrganizerKeyEvent.event_id) != event_id),
    ]


def door_keys(db: Session, *, event_id: int) -> list[OrganizerKey]:
    """The event's door keys, oldest first."""
    return list(db.exec(select(OrganizerKey).where(*_door_conditions(event_id)).order_by(col(OrganizerKey.id))).all())


def revoke_door_key(db: Session, *, event_id: int, key_id: int) -> OrganizerKey:
    """Revoke one of the event's door keys (404 for any other key)."""
    found = db.exec(select(OrganizerKey.id).where(col(OrganizerKey.id) == key_id, *_door_conditions(event_id))).first()
    if found is None:
        raise NotFound(f"Door link {key_id} does not exist.")
    return revoke_key(db, key_id=key_id)


def retire_event_scope(db: Session, *, event_id: int) -> list[int]:
    """Before an event is deleted, under its lock: revoke the live keys limited to it alone.

    Its rows in `organizer_key_events` go with it; a key left with none would work for every
    event. The keys are locked and their other events re-read after the lock, so two events
    deleted at once cannot each leave the other to remove a key's last row. Returns the ids revoked.
    """
    candidates = db.exec(
        select(OrganizerKeyEvent.key_id)
        .join(OrganizerKey, col(OrganizerKey.id) == col(OrganizerKeyEvent.key_id))
        .where(OrganizerKeyEvent.event_id == event_id, col(OrganizerKey.revoked_at).is_(None))
    ).all()
    revoked: list[int] = []
    for key in lock_many(db, OrganizerKey, candidates):
        others = db.exec(
            select(func.count())
            .select_from(OrganizerKeyEvent)
            .where(OrganizerKeyEvent.key_id == key.id, OrganizerKeyEvent.event_id != event_id)
        ).one()
        if others == 0 and key.revoked_at is None:
            key.revoked_at = utcnow()
            db.add(key)
            revoked.append(id_of(key))
    db.flush()
    return revoked
