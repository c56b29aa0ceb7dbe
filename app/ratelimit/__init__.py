"""Rate limits for public endpoints: the ASGI middleware and its stores (memory or shared database)."""

from app.ratelimit.middleware import RateLimit, make_store

__all__ = ["RateLimit", "make_store"]
