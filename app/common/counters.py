"""Counters changed by single conditional UPDATEs (seats taken, waiting-list sequence numbers).

The guard and the change are one statement in the caller's transaction, so two writers can
never both take the last seat; a CHECK constraint on the table backs it up.
"""

from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from app.common.core import table_of


class _Row(Protocol):
    """A table model with an integer primary key `id`."""

    id: int | None


def change_counter(
    db: Session,
    model: type[_Row],
    row_id: int,
    counter: str,
    *,
    delta: int = 1,
    below: str | None = None,
    unlimited_when_null: bool = False,
) -> int | None:
    """`counter += delta` on one row; with `below`, only while `counter < below`.

    Returns the new value, or None when the guard refused (no seat left). With
    `unlimited_when_null`, a NULL in the `below` column means no limit.
    """
    table = table_of(model)
    column = table.c[counter]
    stmt = update(table).where(table.c.id == row_id)
    if below is not None:
        limit = table.c[below]
        guard = column < limit
        stmt = stmt.where((limit.is_(None)) | guard if unlimited_when_null else guard)
    db.flush()  # as the ORM's own UPDATE would: pending changes reach the database first
    value: int | None = db.execute(stmt.values({counter: column + delta}).returning(column)).scalar_one_or_none()
    if value is not None:
        refresh_loaded(db, model, row_id, **{counter: value})
    return value


def refresh_loaded(db: Session, model: type[Any], row_id: int, **values: Any) -> None:
    """Keep a copy of the row loaded in this session in step with a Core UPDATE of it."""
    loaded = db.identity_map.get(identity_key(model, row_id))
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)
