"""Alembic environment: the schema is made only by these migrations."""

from logging.config import fileConfig

from alembic import context
from app.db import make_engine
from app.settings import Settings, get_settings
from app.tables import metadata

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _configure(**kwargs) -> None:  # noqa: ANN003
    context.configure(
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=_url().startswith("sqlite"),
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(Settings(database_url=_url()))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # Batch migrations copy and drop tables; with foreign keys on, dropping a parent
            # table would cascade-delete its children. The pragma only works outside a transaction.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
