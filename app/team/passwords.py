"""Passwords of organizer accounts: Argon2id hashes (argon2-cffi), and the rules a new one meets.

Only the hash is stored. A new password has at least `MIN_LENGTH` characters and is not in
the shipped list of common passwords (compared case-insensitively); 422 otherwise. Signing in
with an unknown address verifies against a dummy hash, so it costs what a wrong password does.
"""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON = Path(__file__).with_name("common-passwords.txt")

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): tens of milliseconds
# per sign-in on a small server, while a guess costs an attacker as much.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_strength(password: str) -> None:
    """422 naming `password` for one that is too short (`password_too_short`) or too common
    (`password_common`): the error types let pages say why in their own language."""
    if len(password) < MIN_LENGTH:
        _refuse(f"The password needs at least {MIN_LENGTH} characters.", "password_too_short")
    if password.lower() in common_passwords():
        _refuse("This password is among the most common ones; choose another.", "password_common")


def _refuse(detail: str, kind: str) -> None:
    raise Invalid(detail, errors=[{"loc": ["body", "password"], "msg": detail, "type": kind}])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password of anyone")


def verify(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (None: an unknown address, checked against a dummy hash)."""
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
