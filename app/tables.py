"""Imports every table model so that `metadata` is complete (for Alembic and tests).

Ids are never reused: an id outlives its row in the audit log, in exports, in webhook
receivers and in organizer keys' scopes, so a new row must never take a deleted one's id.
PostgreSQL's sequences never reuse one; SQLite does (the largest id in use plus one) unless
the table is declared AUTOINCREMENT, which every table with an integer id is (migration 0014).
"""

from sqlalchemy import Integer

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
from app.team.models import Member, MemberEvent, TeamSession, TeamToken
from app.voting.models import Ballot, BallotChoice, Poll, Topic
from app.webhooks.models import WebhookEndpoint


def _ids_never_reused() -> None:
    for table in metadata.tables.values():
        [*key] = table.primary_key.columns
        if len(key) == 1 and isinstance(key[0].type, Integer) and not key[0].foreign_keys:
            table.dialect_options["sqlite"]["autoincrement"] = True


_ids_never_reused()

__all__ = [
    "metadata",
    "Event",
    "EventSession",
    "OrganizerKey",
    "Registration",
    "IdempotencyRecord",
    "Enrollment",
    "Poll",
    "Topic",
    "Ballot",
    "BallotChoice",
    "Preference",
    "RateLimitWindow",
    "AuditEntry",
    "Attendance",
    "CheckinSecret",
    "OutboxMessage",
    "MessageTemplate",
    "WebhookEndpoint",
    "RecoveryCode",
    "CalendarFeed",
    "AppSecret",
    "OrganizerKeyEvent",
    "Invitation",
    "Question",
    "QuestionOption",
    "Answer",
    "Member",
    "MemberEvent",
    "TeamToken",
    "TeamSession",
]
