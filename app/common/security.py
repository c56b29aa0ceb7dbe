"""Secrets: generated with `secrets`, stored only as SHA-256 digests (looked up by digest)."""

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    """A 256-bit URL-safe secret with a readable prefix (e.g. ``reg_...``, ``org_...``)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
