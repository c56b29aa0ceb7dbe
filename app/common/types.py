"""Reusable annotated field types for request and response schemas."""

from typing import Annotated
from zoneinfo import available_timezones

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer, StringConstraints

from app.common.time import as_utc

_ZONES = frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _ZONES:
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Warsaw')")
    return value


Timezone = Annotated[str, Field(examples=["Europe/Warsaw"]), AfterValidator(_known_zone)]
# Input must carry an offset; it is converted to UTC on the way in.
UtcInput = Annotated[AwareDatetime, AfterValidator(as_utc)]
# Output is always UTC with a Z suffix.
UtcOutput = Annotated[
    AwareDatetime,
    PlainSerializer(lambda v: as_utc(v).isoformat().replace("+00:00", "Z"), return_type=str),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]

# Database ids are 32-bit on PostgreSQL: anything outside is simply not found (422 here).
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
