from datetime import datetime

from app.auth.models import KEY_LABEL_MAX
from app.common.base import Field, SQLModel, created_at_field, sa, utc_field


class Invitation(SQLModel, table=True):
    """An invitation code (stored as a digest): for one address, one organization, or N uses.

    `reserved_seats` is a block of the event's seats that public registration cannot take;
    the code's registrations draw from it first (`reserved_used`), then from the public seats.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        sa.CheckConstraint("used >= 0 AND used <= uses", name="used_within_uses"),
        sa.CheckConstraint("reserved_used >= 0 AND reserved_used <= reserved_seats", name="reserved_within_block"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE", index=True)
    code_digest: str = Field(max_length=64, unique=True)
    label: str | None = Field(default=None, max_length=200)
    email_normalized: str | None = Field(default=None, max_length=254)
    organization_normalized: str | None = Field(default=None, max_length=600)
    uses: int = Field(default=1)
    used: int = Field(default=0)
    reserved_seats: int = Field(default=0)
    reserved_used: int = Field(default=0)
    # Admits before the registration window opens and after it closes.
    outside_window: bool = Field(default=True)
    expires_at: datetime | None = utc_field()
    revoked_at: datetime | None = utc_field()
    created_at: datetime = created_at_field()
    created_by: str = Field(max_length=KEY_LABEL_MAX)
