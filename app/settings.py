"""Configuration from the environment (12-factor), read once per process."""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.common.security import masked_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Embedded default: an SQLite file under data/. Production: postgresql+psycopg://...
    database_url: str = "sqlite:///data/seminar.db"
    # Bootstrap organizer key: always accepted as an organizer key when set.
    admin_token: SecretStr | None = None
    # Bearer token of the Prometheus scraper for GET /metrics (ADMIN_TOKEN and organizer keys
    # of every event are accepted too); unset: only those.
    metrics_token: SecretStr | None = None
    # Browser front-ends allowed to call the API (comma-separated list in the env).
    cors_origins: list[str] = Field(default_factory=list)
    # Connection pool per worker process. Unset: the requests the worker serves at once plus 2
    # (its in-process deliverer, /metrics); no overflow: a request waits for a connection (at
    # most DB_LOCK_TIMEOUT_MS, then 503) rather than open one more (README: connection budget).
    db_pool_size: int | None = Field(default=None, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    # Requests one worker process serves at once (the rest queue without holding a thread or a
    # connection); capped below the thread pool (40) and the connection pool.
    max_concurrent_requests: int = Field(default=20, ge=1)
    # Worker processes of the server (uvicorn --workers; WORKERS of the Makefile and the image):
    # the connection budget checked at start is workers x pool.
    workers: int = Field(default=1, ge=1, validation_alias=AliasChoices("workers", "web_concurrency"))
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
    # Fewest counted ballots for which a poll's anonymised ballots are exported (ballots.pb) and
    # voters are numbered in result explanations; below it 409 / counts only.
    ballot_export_min_ballots: int = Field(default=10, ge=1)

    # --- Messages (app/messages, app/webhooks) -----------------------------------------------
    # Seals the secrets that messages and webhook endpoints must keep readable (app/keyring);
    # unset: a key made on first use and kept in the database (set it in production, so that a
    # copy of the database alone does not open them).
    secret_key: SecretStr | None = None
    # smtp://host:port, smtp+starttls://user:pass@host:port, smtps://...; unset: messages are
    # rendered, kept and written as .eml files under `outbox_dir` instead of being sent.
    smtp_url: SecretStr | None = None
    mail_from: str = "Seminar <no-reply@localhost>"
    smtp_timeout_seconds: float = 10.0
    outbox_dir: str = "data/outbox"
    # inprocess: every app process also delivers in the background; off: only `python -m app.worker`.
    outbox_dispatch: Literal["inprocess", "off"] = "inprocess"
    # Deliveries in flight at once per deliverer (a slow receiver holds only its own).
    outbox_concurrency: int = 8
    outbox_poll_seconds: float = 1.0
    # After a commit wakes the deliverer, how long it lets further messages gather before claiming.
    outbox_gather_seconds: float = 0.2
    # In-process delivery yields to a rush: while at least `outbox_yield_requests` requests are at
    # work in the process, it waits, but never more than `outbox_yield_seconds` between rounds.
    outbox_yield_requests: int = 2
    outbox_yield_seconds: float = 5.0
    # A claimed message is taken up again by any deliverer after this long (a deliverer died).
    outbox_lease_seconds: float = 60.0
    # Retries: base * 2^(attempt-1), at most the cap; after `max_attempts` the message is failed.
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_cap_seconds: float = 3600.0
    outbox_max_attempts: int = 8
    # Links in messages: {public_base_url}/me, /recover ...
    public_base_url: str = "http://127.0.0.1:8000"
    # Webhook targets on private, loopback or link-local addresses (tests, development only).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 10.0
    # Lost-link codes: minutes valid; codes sent per address and hour.
    recovery_code_minutes: int = 30
    recovery_per_address_hour: int = 3
    rate_limit_recover: int = 10

    # --- The team (app/team) -------------------------------------------------------------------
    # The language of the team's e-mails (invitations, password resets).
    team_language: Literal["pl", "en"] = "pl"
    # Sign-in attempts per 5 minutes, per address and per client address, before 429 (with the
    # rate-limit store of RATE_LIMIT_STORE; `off` disables them too).
    rate_limit_login_address: int = 10
    rate_limit_login_client: int = 30

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """repr() and str() show the database URL with its password masked (the secrets are
        SecretStr already): settings printed in a log or a traceback carry no password."""
        for name, value in super().__repr_args__():
            yield name, masked_url(value) if name == "database_url" else value


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def _app_settings(request: Request) -> Settings:
    """The settings the running app was built with (tests build apps with their own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_app_settings)]
