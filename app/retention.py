"""Purge personal data N days after events end: `python -m app.retention --days 90` (make retention)."""

import argparse

from app import tables  # noqa: F401 - every table model, so foreign keys resolve
from app.db import make_engine, open_session, unit_of_work
from app.privacy.service import retention
from app.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=90, help="days after an event's end (default 90)")
    parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
    args = parser.parse_args()
    engine = make_engine(get_settings())
    if args.dry_run:
        with open_session(engine, write=True) as db:  # closed without a commit: nothing changes
            done = retention(db, days=args.days)
    else:
        done = unit_of_work(engine, lambda db: retention(db, days=args.days))
    for event_id, n in done.items():
        print(f"event {event_id}: {n} registrations anonymised{' (dry run)' if args.dry_run else ''}")
    if not done:
        print("nothing to purge")
    engine.dispose()


if __name__ == "__main__":
    main()
