"""Secrets: generated with `secrets`, stored only as SHA-256 digests (looked up by digest)."""

import hashlib
import secrets
from urllib.parse import urlsplit


def new_secret(prefix: str) -> str:
    """A 256-bit URL-safe secret with a readable prefix (e.g. ``reg_...``, ``org_...``)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


MASK = "***"
_SECRET_PARAMS = frozenset({"password", "pass", "passwd", "secret", "token", "api_key", "apikey"})


def masked_url(url: str) -> str:
    """A URL fit to print or log: the password as *** ("smtp://user:***@host:587"), and so are
    query parameters that carry one ("?password=..."); a URL that cannot be read is all ***.

    Never the password, whatever the URL looks like: the user information ends at the LAST "@"
    (a password may hold "@", "/" or "?" unencoded), so a stray "@" later on masks too much,
    never too little."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, after = rest.rpartition("@")
    if sep and at and ":" in userinfo:
        rest = f"{userinfo.partition(':')[0]}:{MASK}@{after}"
    try:
        query = urlsplit(f"{scheme}{sep}{rest}").query
    except ValueError:
        return MASK
    hidden = "&".join(
        f"{name}={MASK}" if name.lower() in _SECRET_PARAMS else f"{name}{eq}{value}"
        for name, eq, value in (pair.partition("=") for pair in query.split("&"))
    )
    if hidden != query:
        rest = rest.replace(f"?{query}", f"?{hidden}", 1)
    return f"{scheme}{sep}{rest}"
