"""What an event's configuration implies, remembered per process until the configuration changes.

Every registration asks the same questions of its event: which webhook endpoints want this
notice, whether the organizer overrode the e-mail's template, whether the form has questions.
The answers change only when an organizer changes that configuration, so each process keeps
them, keyed by the event's `config_version`: the services that change webhooks, templates or
questions bump it (`touch`) in the same transaction, and the next request of any process
reads the new number with the event row it loads anyway, and asks again.

The key also holds the event's `created_at`: a deleted event's id may come back on SQLite
with the version starting over, and the new event must not inherit the old one's answers.
A transaction that changed the configuration itself does not fill the cache (what it sees
may still roll back); it asks the database each time.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import update
from sqlmodel import Session, col

from app.events.models import Event

T = TypeVar("T")
TOUCHED_KEY = "event_config_touched"  # Session.info: this transaction changed some event's configuration
MAX_ENTRIES = 20_000  # several answers per event and kind: far above any real installation's events


class _Remembered:
    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[Hashable, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamp: Hashable, find: Callable[[], T]) -> T:
        hit = self._values.get(key)
        if hit is not None and hit[0] == stamp:
            return cast(T, hit[1])
        value = find()
        with self._lock:
            if len(self._values) >= MAX_ENTRIES:
                self._values.clear()
            self._values[key] = (stamp, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_remembered = _Remembered()


def remembered(db: Session, event: Event, key: tuple[Hashable, ...], find: Callable[[], T]) -> T:
    """`find()` for this event's current configuration: asked once per process and version."""
    if db.info.get(TOUCHED_KEY):
        return find()
    return _remembered.get((event.id, *key), (event.created_at, event.config_version), find)


def touch(db: Session, *, event_id: int | None) -> None:
    """The configuration of one event (or, with None, of every event) changed in this transaction."""
    stmt = update(Event).values(config_version=col(Event.config_version) + 1)
    db.execute(stmt if event_id is None else stmt.where(col(Event.id) == event_id))
    db.info[TOUCHED_KEY] = True


def forget_all() -> None:
    """Drop every remembered answer (tests that change the database behind the services' back)."""
    _remembered.clear()
