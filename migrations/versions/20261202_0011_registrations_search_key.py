"""registrations search key: registrations.search_key, the folded (accent- and case-free) last
name, first name and organization that searches match, backfilled here

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.common.collation import search_key


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        # The server default fills the rows that already exist (then backfilled); the application always sets it.
        batch_op.add_column(sa.Column('search_key', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False,
                                      server_default=''))
    _backfill_search_keys()


def _backfill_search_keys() -> None:
    """Fold the names and organization of every existing registration (in batches of 1000)."""
    conn = op.get_bind()
    regs = sa.table("registrations", sa.column("id", sa.Integer), sa.column("first_name", sa.String),
                    sa.column("last_name", sa.String), sa.column("organization", sa.String),
                    sa.column("search_key", sa.String))
    last_id = 0
    while True:
        rows = conn.execute(sa.select(regs.c.id, regs.c.first_name, regs.c.last_name, regs.c.organization)
                            .where(regs.c.id > last_id).order_by(regs.c.id).limit(1000)).all()
        if not rows:
            return
        conn.execute(regs.update().where(regs.c.id == sa.bindparam("rid")).values(search_key=sa.bindparam("key")),
                     [{"rid": r.id, "key": search_key(r.first_name, r.last_name, r.organization)} for r in rows])
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('search_key')
