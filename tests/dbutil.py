"""Test databases: a fresh SQLite file or a fresh PostgreSQL database, built by Alembic."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database of the given backend; dropped afterwards."""
    if backend == "sqlite":
        path = tmp_dir / f"test-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    base = make_url(os.environ["TEST_DATABASE_URL"])
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)  # fresh each time: survives a restart
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The installation's key stays across resets, as it would in a real installation (processes
# cache it: app/keyring/service.py).
KEPT_TABLES = frozenset({"app_secrets"})


def reset(engine) -> None:
    """Empty every table (fast per-test isolation)."""
    from app.tables import metadata

    tables = [t.name for t in reversed(metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))
            if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))  # ids start at 1 again, as RESTART IDENTITY does
