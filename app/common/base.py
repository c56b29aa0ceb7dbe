"""Metadata shared by every table model (with a constraint naming convention for Alembic)."""

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata


# Field() is typed Any; the casts give model attributes the type of the value they hold.
def created_at_field() -> datetime:
    return cast(datetime, Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False))


def utc_field(*, nullable: bool = True, index: bool = False) -> datetime | None:
    return cast(
        datetime | None,
        Field(default=None, sa_column_kwargs={}, sa_type=UTCDateTime, nullable=nullable, index=index),
    )


__all__ = ["SQLModel", "Field", "sa", "metadata", "created_at_field", "utc_field"]
