"""Check-in codes: derived, never stored in clear, revocable; never the registration token.

A code looks like ``123-7KQ2M4XR9TBWZP5D``: the registration id, a dash, and the first
80 bits (16 base32 characters) of

    HMAC-SHA256(event secret, "checkin:{event_id}:{registration_id}:{checkin_version}")

* Badges can be printed again at any time: the code is recomputed, nothing is kept in clear.
* One person's code is revoked by bumping `registrations.checkin_version` (a lost badge);
  all codes of an event by replacing its secret (`checkin_secrets`).
* The alphabet (A-Z, 2-7, dash) fits the QR alphanumeric mode: small, robust symbols.
* Scanners and people may type it in any case and with spaces; `parse` normalises it.

The secret is random per event (`secrets.token_hex`), so codes of one event say nothing
about another and no deployment setting is needed.
"""

import base64
import hashlib
import hmac
import re
import secrets

CODE_RE = re.compile(r"^([1-9][0-9]{0,9})-([A-Z2-7]{16})$")
MAX_ID = 2_147_483_647  # ids are 32-bit integers
MAC_CHARS = 16


def new_event_secret() -> str:
    return secrets.token_hex(32)


def _mac(secret: str, *, event_id: int, registration_id: int, version: int) -> str:
    msg = f"checkin:{event_id}:{registration_id}:{version}".encode()
    raw = hmac.new(bytes.fromhex(secret), msg, hashlib.sha256).digest()
    return base64.b32encode(raw).decode("ascii")[:MAC_CHARS]


def make_code(secret: str, *, event_id: int, registration_id: int, version: int) -> str:
    return f"{registration_id}-{_mac(secret, event_id=event_id, registration_id=registration_id, version=version)}"


def parse(code: str) -> tuple[int, str] | None:
    """(registration id, mac) of a well-formed code, else None."""
    match = CODE_RE.match("".join(code.split()).upper())
    if match is None or int(match.group(1)) > MAX_ID:
        return None
    return int(match.group(1)), match.group(2)


def verify(secret: str, *, event_id: int, registration_id: int, version: int, mac: str) -> bool:
    expected = _mac(secret, event_id=event_id, registration_id=registration_id, version=version)
    return hmac.compare_digest(expected, mac)
