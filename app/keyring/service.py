"""The installation's key, and sealing of secrets the service must be able to read back.

Tokens and codes are stored as digests. Two secrets cannot be: the self-service link of a
message waiting to be sent (wiped once sent) and a webhook endpoint's signing secret. They
are sealed with a key derived from `SECRET_KEY`, or, when it is not set, from a random key
made on first use and kept in `app_secrets` (then a copy of the database can open them:
set SECRET_KEY in production).

The same key, through `derived_key`, signs the participants' personal links (app/registrations/links.py).

Sealing is encrypt-then-MAC from the standard library: HMAC-SHA256 in counter mode as the
key stream over a random 16-byte nonce, and a 16-byte HMAC-SHA256 tag.
"""

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.keyring.models import AppSecret
from app.settings import Settings

_NAME = "sealing"
_cache: dict[str, bytes] = {}


class SealBroken(ValueError):
    """A sealed value was changed or sealed with another key."""


def _master(db: Session, settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return hashlib.sha256(b"seminar-seal:" + settings.secret_key.get_secret_value().encode()).digest()
    cache_key = str(db.get_bind().engine.url)
    if cache_key in _cache:
        return _cache[cache_key]
    row = db.get(AppSecret, _NAME)
    if row is None:
        try:
            with db.begin_nested():
                db.execute(insert(AppSecret).values(name=_NAME, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process made it first
        row = db.get(AppSecret, _NAME, populate_existing=True)
        assert row is not None
    key = bytes.fromhex(row.value)
    _cache[cache_key] = key
    return key


def _stream(key: bytes, nonce: bytes, n: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hmac.new(key, b"ks" + nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return bytes(out[:n])


def seal(db: Session, settings: Settings, plain: str) -> str:
    key = _master(db, settings)
    nonce = secrets.token_bytes(16)
    data = plain.encode()
    cipher = bytes(a ^ b for a, b in zip(data, _stream(key, nonce, len(data)), strict=True))
    tag = hmac.new(key, b"tag" + nonce + cipher, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def unseal(db: Session, settings: Settings, sealed: str) -> str:
    key = _master(db, settings)
    raw = base64.urlsafe_b64decode(sealed.encode())
    nonce, cipher, tag = raw[:16], raw[16:-16], raw[-16:]
    if not hmac.compare_digest(tag, hmac.new(key, b"tag" + nonce + cipher, hashlib.sha256).digest()[:16]):
        raise SealBroken("sealed value does not match the installation's key")
    return bytes(a ^ b for a, b in zip(cipher, _stream(key, nonce, len(cipher)), strict=True)).decode()


def derived_key(db: Session, settings: Settings, purpose: str) -> bytes:
    """A key for one purpose (e.g. signing personal links), derived from the installation's key:
    one secret to keep, and no key used for two things."""
    return hmac.new(_master(db, settings), b"purpose:" + purpose.encode(), hashlib.sha256).digest()
