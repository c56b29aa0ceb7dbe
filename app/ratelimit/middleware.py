"""Rate limits for public endpoints (registration, lost-link recovery, token-authenticated self-service).

Fixed one-minute windows per client address, checked by an ASGI middleware before the
request touches the database (a database-backed counter must not wait behind the request's
own write lock). The default store is in-process memory (each worker process counts on its
own, so N workers allow up to N times the limit); `RATE_LIMIT_STORE=database` counts in the
shared database across all workers; `off` disables the limits.
"""

import math
import re
import threading
import time
from typing import Protocol

from anyio import to_thread
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import problem
from app.settings import Settings

REGISTER = re.compile(r"^/api/v1/events/[^/]+/registrations/?$")
RECOVER = re.compile(r"^/api/v1/(events/[^/]+/registrations/recover|registrations/recover/confirm)/?$")
PARTICIPANT_PATHS = re.compile(r"^/api/v1/(me(/.*)?|polls/[^/]+/(ballot|proposals))$")


class Store(Protocol):
    def hit(self, key: str, window_start: int) -> int: ...

    def undo(self, key: str, window_start: int) -> None:
        """Take one hit back (a sign-in that succeeded does not count as a failure: app/team)."""
        ...


class MemoryStore:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window_start: int) -> int:
        with self._lock:
            if len(self._counts) > 50_000:  # forget old windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window_start}
            count = self._counts.get((key, window_start), 0) + 1
            self._counts[(key, window_start)] = count
            return count

    def undo(self, key: str, window_start: int) -> None:
        with self._lock:
            if self._counts.get((key, window_start), 0) > 0:
                self._counts[(key, window_start)] -= 1


def make_store(settings: Settings, engine: Engine) -> Store | None:
    if settings.rate_limit_store == "off":
        return None
    if settings.rate_limit_store == "database":
        from app.ratelimit.database import DatabaseStore

        return DatabaseStore(engine)
    return MemoryStore()


def bucket(method: str, path: str, authorization: bytes) -> str | None:
    """Which limit a request counts against: public registration, lost-link recovery, or participant-token
    (or personal link) use."""
    if method == "POST" and RECOVER.match(path):
        return "recover"
    if method == "POST" and REGISTER.match(path):
        return "register"
    if PARTICIPANT_PATHS.match(path) or authorization.lower().startswith((b"bearer reg_", b"bearer link.")):
        return "token"
    return None


class RateLimit:
    def __init__(self, app: ASGIApp, store: Store | None, limits: dict[str, int]) -> None:
        self.app = app
        self.store = store
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.store is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        name = bucket(scope["method"], scope["path"], headers.get(b"authorization", b""))
        limit = self.limits.get(name, 0) if name else 0
        if limit > 0:
            now = time.time()
            window = int(now // 60) * 60
            address = scope["client"][0] if scope.get("client") else "unknown"
            count = await to_thread.run_sync(self.store.hit, f"{name}:{address}", window)
            if count > limit:
                retry = max(1, math.ceil(window + 60 - now))
                response = problem(
                    429,
                    "Too many requests",
                    f"At most {limit} requests a minute from one address here; try again in {retry} s.",
                    type_="/problems/rate-limited",
                    instance=scope["path"],
                    headers={"Retry-After": str(retry)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
