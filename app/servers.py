"""Which local server serves which database: `make run` records its address beside the database
it serves (`data/server-url`), and `make demo` names the server of the database it loaded.

One line per server, "ADDRESS<TAB>DATABASE", newest first; the database as `database_label`
shows it (SQLite files by absolute path, others with the password masked), so the file holds no
secret and two spellings of one SQLite file are one database. A line without a database (the
file of an older `make run`) matches nothing.

    python -m app.servers http://127.0.0.1:8765    # what `make run` does (DATABASE_URL from the environment)
"""

import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.common.security import masked_url
from app.settings import get_settings

SERVER_FILE = Path("data/server-url")


def database_label(url: str) -> str:
    """The database a URL names, fit to print and to compare: no password in it."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return masked_url(url)
    if parsed.get_backend_name() == "sqlite":
        name = parsed.database
        if name and name != ":memory:" and not name.startswith("file:"):
            return f"{parsed.drivername}:///{Path(name).resolve()}"
        return masked_url(str(parsed))
    return masked_url(parsed.render_as_string(hide_password=True))


def _entries(path: Path) -> list[tuple[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [(address.strip(), database.strip()) for address, _, database in (line.partition("\t") for line in lines)]


def remember(path: Path, *, address: str, database_url: str) -> None:
    """Record that `address` serves `database_url` now (replacing what was said of either)."""
    database = database_label(database_url)
    kept = [(a, d) for a, d in _entries(path) if a and a != address and d != database]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{a}\t{d}\n" for a, d in [(address, database), *kept]), encoding="utf-8")


def server_of(path: Path, database_url: str) -> str | None:
    """The address of the last `make run` on this database, if one was recorded."""
    database = database_label(database_url)
    return next((a for a, d in _entries(path) if d == database), None)


def database_of(path: Path, address: str) -> str | None:
    """The database the last `make run` at `address` served (as database_label shows it), if known."""
    return next((d for a, d in _entries(path) if a == address.rstrip("/") and d), None)


if __name__ == "__main__":
    remember(SERVER_FILE, address=sys.argv[1].rstrip("/"), database_url=get_settings().database_url)
