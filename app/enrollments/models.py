from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa


class EnrollmentStatus(StrEnum):
    enrolled = "enrolled"
    waitlisted = "waitlisted"


class EnrollmentSource(StrEnum):
    self = "self"  # the participant enrolled (first come, first served)
    assignment = "assignment"  # written by a preference-based assignment run
    organizer = "organizer"  # placed by hand (speakers, moderators, ...); assignments leave it alone


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollments"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "registration_id"),
        sa.Index("ix_enrollments_session_status", "session_id", "status", "waitlist_seq"),
        sa.Index("ix_enrollments_registration", "registration_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", ondelete="CASCADE")
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE")
    status: EnrollmentStatus = Field(sa_type=sa.String(16))
    waitlist_seq: int | None = None
    source: EnrollmentSource = Field(default=EnrollmentSource.self, sa_type=sa.String(16))
    created_at: datetime = created_at_field()
