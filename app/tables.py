"""Imports every table model so that `metadata` is complete (for Alembic and tests)."""

from app.assignment.models import Preference
from app.audit.models import AuditEntry
from app.auth.models import OrganizerKey, OrganizerKeyEvent
from app.calendars.models import CalendarFeed
from app.checkin.models import Attendance, CheckinSecret
from app.common.base import metadata
from app.enrollments.models import Enrollment
from app.events.models import Event
from app.invitations.models import Invitation
from app.keyring.models import AppSecret
from app.messages.models import MessageTemplate, OutboxMessage
from app.questions.models import Answer, Question, QuestionOption
from app.ratelimit.database import RateLimitWindow
from app.recovery.models import RecoveryCode
from app.registrations.models import IdempotencyRecord, Registration
from app.sessions.models import EventSession
from app.voting.models import Ballot, BallotChoice, Poll, Topic
from app.webhooks.models import WebhookEndpoint

__all__ = ["metadata", "Event", "EventSession", "OrganizerKey", "Registration", "IdempotencyRecord", "Enrollment",
           "Poll", "Topic", "Ballot", "BallotChoice", "Preference", "RateLimitWindow", "AuditEntry", "Attendance",
           "CheckinSecret", "OutboxMessage", "MessageTemplate", "WebhookEndpoint", "RecoveryCode", "CalendarFeed",
           "AppSecret", "OrganizerKeyEvent", "Invitation", "Question", "QuestionOption", "Answer"]
