"""Personal links and greetings: registrations.link_version and form_of_address, events.greeting,
outbox.link_claims

`registrations.link_version` is bumped to revoke the signed personal links sent so far (lost-link
recovery, cancellation, erasure); `form_of_address` (pani, pan) lets formal Polish messages say
"Szanowna Pani" / "Szanowny Panie"; `events.greeting` (formal, informal) chooses the greeting;
`outbox.link_claims` holds what a message's personal link says, signed only when it is sent.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('form_of_address', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('greeting', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='formal', nullable=False)
        )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_claims', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('link_claims')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('greeting')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('form_of_address')
        batch_op.drop_column('link_version')
