"""Reusable annotated field types for request and response schemas."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from zoneinfo import available_timezones

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer, StringConstraints

from app.common.time import as_utc

_ZONES = frozenset(available_timezones())

# Control characters: C0 (U+0000-U+001F) and DEL. PostgreSQL cannot store NUL at all; the
# others have no business in a name, a title or a filter. Multi-line text keeps its breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LINE_BREAKS = frozenset("\t\n\r")


@dataclass(frozen=True)
class AllowControl:
    """Annotated metadata: these control characters are allowed in the string (e.g. line breaks)."""

    chars: frozenset[str]


def control_error(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why the string is refused (its first forbidden control character), or None."""
    for match in _CONTROL.finditer(value):
        if match.group() not in allowed:
            return f"control character U+{ord(match.group()):04X} is not allowed"
    return None


def _known_zone(value: str) -> str:
    if value not in _ZONES:
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Warsaw')")
    return value


Timezone = Annotated[str, Field(examples=["Europe/Warsaw"]), AfterValidator(_known_zone)]

# Far dates are refused: converting them to UTC or to an event's zone would overflow, and no
# seminar happens there. The same range holds for datetimes (in UTC) and calendar dates.
MIN_YEAR, MAX_YEAR = 1900, 2999
_RANGE = f"between the years {MIN_YEAR} and {MAX_YEAR}"


def _utc_in_range(value: datetime) -> datetime:
    try:
        utc = as_utc(value)
    except OverflowError:
        raise ValueError(f"datetime must be {_RANGE} (in UTC)") from None
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValueError(f"datetime must be {_RANGE} (in UTC)")
    return utc


def _date_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"date must be {_RANGE}")
    return value


# Input must carry an offset; it is converted to UTC on the way in.
UtcInput = Annotated[
    AwareDatetime,
    AfterValidator(_utc_in_range),
    Field(description=f"ISO 8601 with an offset, {_RANGE} once converted to UTC; stored in UTC."),
]
DateInput = Annotated[date, AfterValidator(_date_in_range), Field(description=f"ISO 8601 date, {_RANGE}.")]
# Output is always UTC with a Z suffix.
UtcOutput = Annotated[
    AwareDatetime,
    PlainSerializer(lambda v: as_utc(v).isoformat().replace("+00:00", "Z"), return_type=str),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Multi-line text: tab, line feed and carriage return are allowed (every other string refuses them).
LongText = Annotated[str, StringConstraints(max_length=10_000), AllowControl(LINE_BREAKS)]

# Database ids are 32-bit on PostgreSQL: anything outside is simply not found (422 here).
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
