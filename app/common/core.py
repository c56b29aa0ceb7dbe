"""The Core side of table models."""

from typing import Any

from sqlalchemy import Table


def table_of(model: type[Any]) -> Table:
    """The Core table of a table model: UPDATEs on it skip the ORM's bulk-update machinery."""
    table: Table = model.__table__
    return table
