from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa, utc_field

KEY_NAME_MAX = 200
# The label a key leaves in audit entries, check-ins and `created_by` (`Organizer.label` in
# app/auth/deps.py): "key:{id}:{name}" with a 32-bit id, so every column storing it fits it. A team
# member's label, "user:{id}:{name}", is cut to the same length.
KEY_LABEL_MAX = len("key:") + len("2147483647") + len(":") + KEY_NAME_MAX


class KeyRole(StrEnum):
    organizer = "organizer"  # full organizer rights
    checkin = "checkin"  # a door device: may only check people in


class OrganizerKey(SQLModel, table=True):
    """An API key for organizers or door devices; only its SHA-256 digest is stored."""

    __tablename__ = "organizer_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=KEY_NAME_MAX)
    role: KeyRole = Field(sa_type=sa.String(16), default=KeyRole.organizer)
    prefix: str = Field(max_length=16, description="First characters of the key, to recognise it in lists.")
    key_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    created_by: str = Field(max_length=KEY_LABEL_MAX, description="Label of the key that made this one.")
    revoked_at: datetime | None = utc_field()
    last_used_at: datetime | None = utc_field()


class OrganizerKeyEvent(SQLModel, table=True):
    """A key limited to some events: it sees and changes only these (404 for every other)."""

    __tablename__ = "organizer_key_events"

    key_id: int = Field(foreign_key="organizer_keys.id", ondelete="CASCADE", primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", primary_key=True, index=True)
