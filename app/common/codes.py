"""Codes people type: Crockford base32 (no I, L, O, U), grouped with dashes, read leniently.

Lower case, spaces and dashes are ignored, and O, I, L are read as 0, 1, 1, so a code read
out over the phone or copied from a printout still works. Only digests are stored.
"""

import secrets

from app.common.security import digest

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 5 bits a character
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -\u2010\u2011\u2012\u2013\u2014\u2212")


def new_code(groups: tuple[int, ...]) -> str:
    """A fresh code shown as groups of characters, e.g. (4, 4, 2) -> ``7KQ2-M9XD-4F`` (50 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for size in groups)


def normalize_code(text: str, length: int) -> str | None:
    """The code as typed, in canonical form; None when it cannot be a code of `length` at all."""
    code = text.strip().upper().translate(_SEPARATORS).translate(_READ_AS)
    if len(code) != length or any(c not in ALPHABET for c in code):
        return None
    return code


def code_digest(text: str, length: int, *, purpose: str) -> str | None:
    """SHA-256 of the canonical code, kept apart per purpose (a recovery code is no invitation)."""
    code = normalize_code(text, length)
    return digest(f"{purpose}:{code}") if code is not None else None
