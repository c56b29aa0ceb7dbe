"""Configuration from the environment (12-factor), read once per process."""

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Embedded default: an SQLite file under data/. Production: postgresql+psycopg://...
    database_url: str = "sqlite:///data/seminar.db"
    # Bootstrap organizer key: always accepted as an organizer key when set.
    admin_token: SecretStr | None = None
    # Browser front-ends allowed to call the API (comma-separated list in the env).
    cors_origins: list[str] = Field(default_factory=list)
    # Connection pool for PostgreSQL (per worker process).
    db_pool_size: int = 10
    db_max_overflow: int = 20
    # Requests one worker process serves at once (the rest queue without holding a thread or a
    # connection); capped below the thread pool (40) and the connection pool.
    max_concurrent_requests: int = 24
    # How long a writer waits for SQLite's write lock / PostgreSQL's lock before giving up (ms).
    db_lock_timeout_ms: int = 15_000
    log_level: str = "INFO"
    # Logs as one JSON object per line (`json`), or plain text for development (`text`).
    log_format: Literal["json", "text"] = "json"
    # A round trip to test each pooled PostgreSQL connection before use; off by default (a dead
    # connection costs one 503, after which the pool reconnects; see app/db.py).
    db_pool_pre_ping: bool = False
    # Version of the consent text shown to registrants; stored with each consent.
    consent_version: str = "2022-11-v1"
    # Rate limits per client address and minute (0 = no limit); store: memory, database or off.
    rate_limit_store: Literal["memory", "database", "off"] = "memory"
    rate_limit_register: int = 120
    rate_limit_token: int = 600
    # Largest request body accepted (bytes).
    max_body_bytes: int = 1_000_000


@lru_cache
def get_settings() -> Settings:
    return Settings()


def _app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_app_settings)]
