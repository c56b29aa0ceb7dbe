from datetime import datetime

from app.common.base import Field, SQLModel, created_at_field, utc_field


class RecoveryCode(SQLModel, table=True):
    """A short-lived, single-use code sent by e-mail to get a fresh registration token."""

    __tablename__ = "recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE", index=True)
    code_digest: str = Field(max_length=64, unique=True)
    expires_at: datetime = created_at_field()
    used_at: datetime | None = utc_field()
    created_at: datetime = created_at_field()
