"""Migrations upgrade and downgrade cleanly on a database that holds data."""

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from tests.dbutil import alembic_config, backends, fresh_database, migrate


@pytest.mark.parametrize("backend", backends())
def test_up_and_down_with_data(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        migrate(url, "0002")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO events (id, slug, title, venue, timezone, starts_on, ends_on, capacity, published, "
                    "confirmed_count, waitlist_seq, created_at, updated_at) VALUES (1, 'serock', 'Seminarium', "
                    "'Serock', 'Europe/Warsaw', '2022-11-29', '2022-11-30', 10, true, 1, 0, '2022-10-01 10:00:00', "
                    "'2022-10-01 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO sessions (id, event_id, title, kind, starts_at, ends_at, capacity, enrolled, "
                    "waitlist_seq, created_at) VALUES (1, 1, 'Warsztat', 'workshop', '2022-11-29 13:00:00', "
                    "'2022-11-29 14:30:00', 10, 1, 0, '2022-10-01 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO registrations (id, event_id, first_name, last_name, email, email_normalized, "
                    "organization, organization_normalized, category, status, consent_at, consent_version, "
                    "token_digest, created_at, updated_at) VALUES (1, 1, 'Łucja', 'Żak', 'l@x.pl', 'l@x.pl', "
                    "'Gmina', 'gmina', 'other', 'confirmed', '2022-10-01 10:00:00', 'v1', 'd1', "
                    "'2022-10-01 10:00:00', '2022-10-01 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO enrollments (id, session_id, registration_id, status, source, created_at) "
                    "VALUES (1, 1, 1, 'enrolled', 'self', '2022-10-01 10:00:00')"
                )
            )

        def counts():
            with engine.connect() as conn:
                return [
                    conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in ("events", "sessions", "registrations", "enrollments")
                ]

        migrate(url)  # to head: tables rebuilt by batch operations must keep their rows
        assert counts() == [1, 1, 1, 1]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT last_name FROM registrations")).scalar_one() == "Żak"
        command.downgrade(alembic_config(url), "0002")
        assert counts() == [1, 1, 1, 1]
        migrate(url)
        assert counts() == [1, 1, 1, 1]
        engine.dispose()
