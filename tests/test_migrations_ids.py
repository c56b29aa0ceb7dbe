"""SQLite never reuses an id after migration 0014, even the id of a row deleted before it."""

from sqlalchemy import create_engine, text

from app.tables import metadata
from tests.dbutil import fresh_database, migrate

EVENT = (
    "INSERT INTO events (id, slug, title, venue, timezone, starts_on, ends_on, capacity, published, "
    "confirmed_count, waitlist_seq, created_at, updated_at) VALUES ({id}, 'e{id}', 'Seminarium', 'Serock', "
    "'Europe/Warsaw', '2022-11-29', '2022-11-30', 10, true, 0, 0, '2022-10-01 10:00:00', "
    "'2022-10-01 10:00:00')"
)
AUDIT = (
    "INSERT INTO audit_log (at, actor, action, event_id, target, details) VALUES "
    "('2022-10-01 10:00:00', 'bootstrap', 'export.registrations', {event}, {target}, '{details}')"
)


def _new_event_id(conn) -> int:
    conn.execute(
        text(
            "INSERT INTO events (slug, title, venue, timezone, starts_on, ends_on, capacity, published, "
            "confirmed_count, waitlist_seq, created_at, updated_at) VALUES ('new', 'Nowe', 'Serock', "
            "'Europe/Warsaw', '2022-11-29', '2022-11-30', 10, true, 0, 0, '2022-10-01 10:00:00', "
            "'2022-10-01 10:00:00')"
        )
    )
    return conn.execute(text("SELECT id FROM events WHERE slug = 'new'")).scalar_one()


def test_ids_named_by_the_audit_log_are_not_reused_after_the_upgrade(tmp_path):
    with fresh_database("sqlite", tmp_path) as url:
        migrate(url, "0013")
        engine = create_engine(url)
        with engine.begin() as conn:
            for event_id in (1, 2):
                conn.execute(text(EVENT.format(id=event_id)))
            # events 3 and 7 were deleted before the upgrade; the audit log still names them
            conn.execute(text(AUDIT.format(event=3, target="'event:7'", details="{}")))
            conn.execute(text(AUDIT.format(event=3, target="'registration:40'", details='{"registration_id": 41}')))
        migrate(url)
        with engine.begin() as conn:
            tables = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
            counters = dict(conn.execute(text("SELECT name, seq FROM sqlite_sequence")).all())
            assert _new_event_id(conn) == 8
        engine.dispose()
    assert counters["registrations"] == 41 and counters["events"] == 7
    marked = {t.name for t in metadata.tables.values() if t.dialect_options["sqlite"]["autoincrement"]}
    assert {"events", "registrations", "audit_log", "outbox", "organizer_keys", "webhooks", "sessions"} <= marked
    for name in marked:
        assert "AUTOINCREMENT" in tables[name], name
