"""Rate limits for public endpoints (registration, token-authenticated self-service).

Fixed windows per client address. The default store is in-process memory (each worker
process counts on its own, so N workers allow up to N times the limit); set
`RATE_LIMIT_STORE=database` to count in the shared database across all workers, or `off`.
"""

import math
import threading
import time
from collections.abc import Callable
from typing import Annotated, Protocol

from fastapi import Depends, Request

from app.errors import AppError


class TooManyRequests(AppError):
    status, code, title = 429, "rate-limited", "Too many requests"


class Store(Protocol):
    def hit(self, key: str, window_start: int) -> int: ...


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


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limiter(bucket: str, per_minute: Callable[[Request], int]) -> Callable[[Request], None]:
    """A dependency that allows `per_minute(request)` calls per client address and minute."""

    def check(request: Request) -> None:
        store: Store | None = request.app.state.rate_limit_store
        limit = per_minute(request)
        if store is None or limit <= 0:
            return
        now = time.time()
        window = int(now // 60) * 60
        count = store.hit(f"{bucket}:{client_address(request)}", window)
        if count > limit:
            retry = max(1, math.ceil(window + 60 - now))
            raise TooManyRequests(
                f"At most {limit} requests a minute from one address here; try again in {retry} s.",
                headers={"Retry-After": str(retry)},
            )

    return check


RegisterLimit = Annotated[None, Depends(limiter("register", lambda r: r.app.state.settings.rate_limit_register))]
TokenLimit = Annotated[None, Depends(limiter("token", lambda r: r.app.state.settings.rate_limit_token))]


def make_store(settings, engine) -> Store | None:  # noqa: ANN001
    if settings.rate_limit_store == "off":
        return None
    if settings.rate_limit_store == "database":
        from app.ratelimit_db import DatabaseStore

        return DatabaseStore(engine)
    return MemoryStore()
