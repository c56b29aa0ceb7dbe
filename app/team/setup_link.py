"""`python -m app.team.setup_link`: the one-time link that creates the team's first owner.

While the team has no member, it makes a fresh setup token (valid 24 hours; only its digest is
stored, and an earlier one stops working) and prints `{PUBLIC_BASE_URL}/admin/setup#token=...`.
Once the team has a member it prints where to sign in instead. No password ever travels in the
environment. `make run` calls it after migrating and shows the line in its banner.
"""

import sys

from app.db import make_engine, unit_of_work
from app.settings import get_settings
from app.team import service


def main() -> int:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        token = unit_of_work(engine, service.new_setup_token)
    finally:
        engine.dispose()
    base = settings.public_base_url.rstrip("/")
    if token is None:
        print(f"sign in at {base}/admin/login")
    else:
        print(f"create the first owner (one-time link, 24 h): {base}/admin/setup#token={token}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
