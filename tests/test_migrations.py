"""The schema is made only by Alembic: upgrade head on an empty database matches the models."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.tables import metadata
from tests.dbutil import alembic_config, backends, fresh_database, migrate


@pytest.mark.parametrize("backend", backends())
def test_upgrade_head_matches_models_and_downgrades(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        migrate(url)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                ctx = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(ctx, metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            command.downgrade(alembic_config(url), "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate(url)
            assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
