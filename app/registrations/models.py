from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa, utc_field
from app.common.collation import SEARCH_KEY_MAX

ORGANIZATION_MAX = 200
ORGANIZATION_NORMALIZED_MAX = 3 * ORGANIZATION_MAX  # str.casefold() expands a character to at most 3


class RegistrationStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    # Events with `requires_approval`: waiting for an organizer's decision, holding no seat.
    pending = "pending"
    rejected = "rejected"


# Statuses that hold nothing: no seat, no session place, no option of a question.
INACTIVE = (RegistrationStatus.cancelled, RegistrationStatus.rejected)


class Listing(StrEnum):
    """Who may see the person in the event's participants list (their choice)."""

    none = "none"
    participants = "participants"
    public = "public"


class Category(StrEnum):
    local_government = "local_government"
    partnership_advisor = "partnership_advisor"
    ministry = "ministry"
    foundation = "foundation"
    other = "other"


class FormOfAddress(StrEnum):
    """How formal messages address the person: Szanowna Pani / Szanowny Panie (Ms / Mr)."""

    pani = "pani"
    pan = "pan"


class Registration(SQLModel, table=True):
    __tablename__ = "registrations"
    __table_args__ = (
        # One active registration per e-mail and event (a cancelled one may register again).
        sa.Index(
            "uq_registrations_event_email_active",
            "event_id",
            "email_normalized",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_registrations_event_status", "event_id", "status", "waitlist_seq"),
        sa.Index("ix_registrations_event_org", "event_id", "organization_normalized"),
        # Exports stream in Polish alphabetical order straight from this index (app/exports).
        sa.Index("ix_registrations_event_sort", "event_id", "sort_key", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE")
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    # lower() of an address of at most 254 UTF-8 bytes (email-validator's limit) has at most
    # 254 characters: no character lower-cases to more characters than its UTF-8 bytes.
    email_normalized: str = Field(max_length=254)
    organization: str = Field(max_length=ORGANIZATION_MAX)
    # casefold() may turn one character into up to three ("ß" -> "ss", "ΐ" -> "ΐ"): 3 x 200.
    organization_normalized: str = Field(max_length=ORGANIZATION_NORMALIZED_MAX)
    partnership: str | None = Field(default=None, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    category: Category = Field(default=Category.other, sa_type=sa.String(32))
    # Language of the person's messages (pl, en); NULL: the event's language.
    language: str | None = Field(default=None, max_length=2)
    listing: Listing = Field(
        default=Listing.none, sa_type=sa.String(16), sa_column_kwargs={"server_default": Listing.none.value}
    )
    invitation_id: int | None = Field(default=None, foreign_key="invitations.id", ondelete="SET NULL", index=True)
    status: RegistrationStatus = Field(sa_type=sa.String(16))
    # Order on the waiting list (monotonic per event); the position is derived from it.
    waitlist_seq: int | None = None
    consent_at: datetime = created_at_field()
    consent_version: str = Field(max_length=32)
    token_digest: str = Field(max_length=64, unique=True)
    # Polish collation key of (last_name, first_name): app.common.collation.sort_key.
    sort_key: str = Field(default="", max_length=500)
    # Folded last name, first name and organization for searching (app.common.collation.search_key):
    # "zak" finds "Żak" alike on SQLite and PostgreSQL. Written wherever those fields are.
    search_key: str = Field(default="", max_length=SEARCH_KEY_MAX)
    # Bumped to revoke the person's check-in code (app/checkin/codes.py).
    checkin_version: int = Field(default=1)
    # Bumped to revoke every personal link sent so far (app/registrations/links.py): a lost
    # link recovered, a cancellation, an erasure.
    link_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # How formal Polish messages address the person (pani, pan); NULL: "Szanowni Państwo".
    form_of_address: str | None = Field(default=None, max_length=8)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    confirmed_at: datetime | None = utc_field()
    cancelled_at: datetime | None = utc_field()
    # Set when personal data was erased (GDPR art. 17); the row stays for tallies.
    erased_at: datetime | None = utc_field()


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a registration sent with an `Idempotency-Key`, for replays.

    The key itself is kept only as a digest. The registration token in the stored answer is
    encrypted with a pad derived from the key, so the table alone does not reveal it.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("event_id", "key_digest"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE")
    key_digest: str = Field(max_length=64)
    request_digest: str = Field(max_length=64)
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE")
    sealed_token: str = Field(max_length=128)
    created_at: datetime = created_at_field()
