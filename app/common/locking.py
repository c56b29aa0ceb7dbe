"""Row locks: one lock order for every write that changes seats or places.

**The order, everywhere:** the event row first, then registrations (ascending id), then
sessions (ascending id), then question options (ascending id: their units, app/questions).
A workflow that changes seats, waiting lists, session places or option units of an event takes
the event's lock before anything else (`lock` on `Event`), so all such writes of one event are
serialised and can never wait on each other in a cycle. One person taking one session place
(app/enrollments: enroll, place; not leaving, which promotes others) takes the event's lock
shared (`lock_shared`), then their registration and the session: such places are taken side by
side, and every exclusive holder still waits for them (and they for it).
Writers that touch only one person's own rows (a ballot, a ranking) lock just that
registration and never wait for the event afterwards, so they cannot close a cycle either.

Locks are ``FOR NO KEY UPDATE`` on PostgreSQL: they exclude other writers of the row but not
the ``KEY SHARE`` locks that foreign-key checks take when a child row (an enrollment, a
ballot) is inserted or a locked row is updated twice in one transaction. A plain
``FOR UPDATE`` conflicts with those and turns harmless inserts into deadlocks.

On SQLite the whole write transaction already holds the database write lock (``BEGIN
IMMEDIATE``) and no row lock is emitted. Every lock re-reads the row (`populate_existing`):
what a workflow decides on is what the database holds once the lock is granted.
"""

import time
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from app.observability import metrics

M = TypeVar("M", bound=SQLModel)


def lock(db: Session, model: type[M], row_id: int) -> M | None:
    """Lock one row and return its current version (None when it does not exist)."""
    rows = lock_many(db, model, [row_id])
    return rows[0] if rows else None


def lock_many(db: Session, model: type[M], row_ids: Iterable[int]) -> list[M]:
    """Lock rows in ascending id order (the lock order) and return them in that order."""
    ids = sorted(set(row_ids))
    if not ids:
        return []
    key: Any = col(model.id)  # type: ignore[attr-defined]
    stmt = (
        select(model)
        .where(key.in_(ids))
        .order_by(key)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    started = time.perf_counter()
    rows = list(db.exec(stmt).all())
    metrics.observe_lock_wait(str(model.__tablename__), time.perf_counter() - started)
    return rows


def lock_shared(db: Session, model: type[M], row_id: int) -> M | None:
    """``FOR SHARE``: many holders at once (voters of one poll), excluding `lock` (a topic's status change)."""
    key: Any = col(model.id)  # type: ignore[attr-defined]
    stmt = select(model).where(key == row_id).with_for_update(read=True).execution_options(populate_existing=True)
    return db.exec(stmt).first()
