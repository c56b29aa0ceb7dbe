"""SQLite: ids are never reused (AUTOINCREMENT); outbox.template_error

Without AUTOINCREMENT, SQLite gives a new row the largest id in use plus one, so deleting the
newest event and creating another reused its id, and with it the deleted event's audit entries
(and the ids webhooks receivers and exports had seen). Each table with an integer id is copied
into one declared AUTOINCREMENT (batch mode). SQLite's counter starts at the largest id the
table holds, or the largest one the audit log names for events, registrations, sessions and
polls, so ids of rows deleted before this migration are not reused either. PostgreSQL's
sequences never reuse an id: nothing to do there.

`outbox.template_error`: why an organizer's template gave way to the built-in text.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table with an integer surrogate key (app/tables.py marks the same ones).
TABLES = (
    'answers', 'attendance', 'audit_log', 'ballots', 'enrollments', 'events', 'idempotency_records', 'invitations',
    'message_templates', 'organizer_keys', 'outbox', 'polls', 'question_options', 'questions', 'recovery_codes',
    'registrations', 'sessions', 'topics', 'webhooks',
)
def _audit_max(table: str) -> str:
    """The largest id of `table` the audit log names (`event_id`, targets such as `registration:12`)."""
    prefix = {'events': 'event', 'registrations': 'registration', 'sessions': 'session', 'polls': 'poll'}[table]
    named = (f"SELECT max(CAST(substr(target, {len(prefix) + 2}) AS INTEGER)) FROM audit_log "
             f"WHERE target LIKE '{prefix}:%'")
    if table == 'events':
        named += " UNION ALL SELECT max(event_id) FROM audit_log"
    if table == 'registrations':
        named += " UNION ALL SELECT max(CAST(json_extract(details, '$.registration_id') AS INTEGER)) FROM audit_log"
    return named


def _autoincrement(on: bool) -> None:
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': on}):
            pass


def _seed_counters() -> None:
    for table in ('events', 'registrations', 'sessions', 'polls'):
        op.execute(f"DELETE FROM sqlite_sequence WHERE name = '{table}'")
        op.execute(f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', max(coalesce(m, 0)) FROM "
                   f"(SELECT max(id) AS m FROM {table} UNION ALL {_audit_max(table)})")


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        _autoincrement(True)
        _seed_counters()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _autoincrement(False)
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('template_error')
