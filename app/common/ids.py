"""The primary key of a row known to be in the database (loaded, or added and flushed).

Table models declare ``id: int | None`` because a new row has no id until it is flushed;
`id_of` states where a row is known to be persisted and gives its id as an ``int``.
"""

from typing import Protocol


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _HasId) -> int:
    """``row.id``; the row must have been loaded or flushed (an internal invariant)."""
    if row.id is None:
        raise AssertionError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id
