"""The audit log: an append-only record of organizer actions on personal data.

Other domains call `record` inside their own transaction, so an action and its audit
entry are stored (or rolled back) together.
"""

from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry
from app.auth.models import KEY_LABEL_MAX


def record(
    db: Session,
    *,
    actor: str,
    action: str,
    event_id: int | None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is the credential's label (`Organizer.label`); `action` a
    dotted verb such as ``export.registrations`` or ``checkin.create``; `target` what was
    acted on (``session:12``, ``registration:5``); `details` JSON-serialisable facts
    (format, filters, row count, ...), never secrets."""
    entry = AuditEntry(
        actor=actor[:KEY_LABEL_MAX],
        action=action[:200],
        event_id=event_id,
        target=target[:200] if target else None,
        details=details or {},
    )
    db.add(entry)
    db.flush()
    return entry


def list_entries(
    db: Session,
    *,
    event_id: int | None,
    action: str | None,
    actor: str | None,
    limit: int,
    offset: int,
    within: frozenset[int] | None = None,
    registration_id: int | None = None,
) -> tuple[list[AuditEntry], int]:
    """Newest first. `action` matches exactly, or a prefix when it ends with ``.`` (``export.``).
    With `within`, only entries about those events (none of no event). With `registration_id`,
    the person's trail: entries whose target is the registration, or whose details name it
    (``registration_id``, e.g. a placement in a session)."""
    cond: list[ColumnElement[bool]] = []
    if registration_id is not None:
        cond.append(
            or_(
                col(AuditEntry.target) == f"registration:{registration_id}",
                col(AuditEntry.details)["registration_id"].as_integer() == registration_id,
            )
        )
    if event_id is not None:
        cond.append(col(AuditEntry.event_id) == event_id)
    if within is not None:
        cond.append(col(AuditEntry.event_id).in_(sorted(within)))
    if action:
        cond.append(
            col(AuditEntry.action).startswith(action) if action.endswith(".") else col(AuditEntry.action) == action
        )
    if actor:
        cond.append(col(AuditEntry.actor) == actor)
    total = db.exec(select(func.count()).select_from(AuditEntry).where(*cond)).one()
    rows = db.exec(select(AuditEntry).where(*cond).order_by(col(AuditEntry.id).desc()).limit(limit).offset(offset))
    return list(rows.all()), total
