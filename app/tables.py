"""Imports every table model so that `metadata` is complete (for Alembic and tests)."""

from app.assignment.models import Preference
from app.audit.models import AuditEntry
from app.auth.models import OrganizerKey
from app.checkin.models import Attendance, CheckinSecret
from app.common.base import metadata
from app.enrollments.models import Enrollment
from app.events.models import Event
from app.ratelimit.database import RateLimitWindow
from app.registrations.models import IdempotencyRecord, Registration
from app.sessions.models import EventSession
from app.voting.models import Ballot, BallotChoice, Poll, Topic

__all__ = ["metadata", "Event", "EventSession", "OrganizerKey", "Registration", "IdempotencyRecord", "Enrollment",
           "Poll", "Topic", "Ballot", "BallotChoice", "Preference", "RateLimitWindow", "AuditEntry", "Attendance",
           "CheckinSecret"]
