"""Standard Webhooks signatures (https://www.standardwebhooks.com/, symmetric scheme `v1`).

The secret is `whsec_` + base64 of random bytes; the signature is
`v1,` + base64(HMAC-SHA256(secret bytes, f"{msg_id}.{timestamp}." + body)). Receivers can
check it with any of the specification's libraries.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64
# How far a receiver should accept a webhook-timestamp from its own clock (replays).
TOLERANCE_SECONDS = 5 * 60


class BadSecret(ValueError):
    """Not a `whsec_` secret (or its base64 part)."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_bytes(secret: str) -> bytes:
    """The key of a `whsec_...` secret (the prefix may be left off)."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise BadSecret("not a base64 webhook secret") from None


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>`."""
    return "v1," + base64.b64encode(_digest(secret_bytes(secret), msg_id, timestamp, body)).decode()


def verify(
    secret: str,
    msg_id: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether a `webhook-signature` header (a space-separated list) holds a valid `v1` signature
    for this id, timestamp and body, with the timestamp within `tolerance` seconds of `now`."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = _digest(secret_bytes(secret), msg_id, ts, body)
    for entry in signature.split():
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(given, expected):
            return True
    return False
