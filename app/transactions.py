"""Transient collisions and the bounded retry of a unit of work.

A transaction that collided with a simultaneous one (a deadlock or serialization victim on
PostgreSQL, the seat taken between reading the event and taking it, the same Idempotency-Key
stored a moment earlier) left nothing behind: it may simply run again, from its first statement.
`retrying` does so a bounded number of times; it is the one retry policy of the HTTP routes
(app/db.py: TransactionRoute), the CLI and the outbox deliverer (app/db.py: unit_of_work).
After the last attempt the error goes on: a 503 "busy" problem for a request.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from app.errors import RETRYABLE_SQLSTATES, TransactionCollided
from app.observability import metrics

T = TypeVar("T")
ATTEMPTS = 3
log = logging.getLogger("app.transactions")


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransactionCollided):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def retrying(attempt: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """`attempt()` until it returns or fails for good; it rolls back its own work when it fails."""
    for n in range(1, attempts + 1):
        try:
            return attempt()
        except Exception as exc:
            if n == attempts or not is_transient(exc):
                raise
            metrics.TRANSACTION_RETRIES.inc()
            log.info(
                "transaction collided (%s); running it again, attempt %d of %d", type(exc).__name__, n + 1, attempts
            )
        time.sleep(0.01 * n)
    raise AssertionError("unreachable")  # pragma: no cover
