"""Counters changed by single conditional UPDATEs (seats taken, waiting-list sequence numbers).

The guard and the change are one statement in the caller's transaction, so two writers can
never both take the last seat; a CHECK constraint on the table backs it up.
"""

from typing import Protocol

from sqlalchemy import update
from sqlmodel import Session, col


class _Row(Protocol):
    """A table model with an integer primary key `id`."""

    id: int | None


def bump(db: Session, model: type[_Row], row_id: int, counter: str, *, delta: int = 1,
         below: str | None = None, unlimited_when_null: bool = False) -> int | None:
    """`counter += delta` on one row; with `below`, only while `counter < below`.

    Returns the new value, or None when the guard refused (no seat left). With
    `unlimited_when_null`, a NULL in the `below` column means no limit.
    """
    column = col(getattr(model, counter))
    stmt = update(model).where(col(model.id) == row_id)
    if below is not None:
        limit = col(getattr(model, below))
        guard = column < limit
        stmt = stmt.where((limit.is_(None)) | guard if unlimited_when_null else guard)
    stmt = stmt.values({counter: column + delta}).returning(column)
    return db.execute(stmt).scalar_one_or_none()
