"""Sign-in throttling: failed attempts per address and per client address, in fixed windows
of `WINDOW` seconds, counted in the rate-limit store (app/ratelimit: memory or the shared
database; `RATE_LIMIT_STORE=off` turns it off). An attempt counts before the password is
checked (so parallel guesses are counted too) and is taken back when it succeeds; past the
limit the answer is 429 with Retry-After, without checking anything."""

import math
import time
from dataclasses import dataclass

from app.common.security import digest
from app.errors import AppError
from app.ratelimit.middleware import Store
from app.settings import Settings

WINDOW = 300


class TooManyAttempts(AppError):
    status, code, title = 429, "rate-limited", "Too many requests"


@dataclass(frozen=True)
class Attempt:
    keys: tuple[str, ...]
    window: int


def begin(store: Store | None, settings: Settings, *, email: str, client: str) -> Attempt | None:
    """Count the attempt; 429 when the address or the client is over its limit."""
    if store is None:
        return None
    now = time.time()
    window = int(now // WINDOW) * WINDOW
    limits = {
        f"login:address:{digest(email.strip().lower())[:32]}": settings.rate_limit_login_address,
        f"login:client:{client}": settings.rate_limit_login_client,
    }
    counted = {key: store.hit(key, window) for key, limit in limits.items() if limit > 0}
    if any(count > limits[key] for key, count in counted.items()):
        retry = max(1, math.ceil(window + WINDOW - now))
        raise TooManyAttempts(
            f"Too many sign-in attempts; try again in {retry} s.", headers={"Retry-After": str(retry)}
        )
    return Attempt(keys=tuple(counted), window=window)


def succeeded(store: Store | None, attempt: Attempt | None) -> None:
    if store is None or attempt is None:
        return
    for key in attempt.keys:
        store.undo(key, attempt.window)
