"""Row locks that serialise writers on PostgreSQL.

Lock order, everywhere: event -> registration -> sessions (ascending id). On SQLite the
whole write transaction already holds the database write lock (BEGIN IMMEDIATE), and
FOR UPDATE is not emitted.
"""

from typing import TypeVar

from sqlmodel import Session, SQLModel, select

M = TypeVar("M", bound=SQLModel)


def lock(db: Session, model: type[M], row_id: int) -> M | None:
    """Load a row with FOR UPDATE and refresh it from the database (the locked version)."""
    stmt = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    return db.exec(stmt).first()
