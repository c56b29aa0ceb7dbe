"""Deliverers: claim due outbox rows, deliver each outside any transaction, record the outcome.

One `Dispatcher` runs in every app process (`OUTBOX_DISPATCH=inprocess`, the default) and in
`python -m app.worker`. It keeps up to `OUTBOX_CONCURRENCY` deliveries in flight on a thread
pool and claims more as soon as one finishes, so a receiver that hangs holds one thread until
its timeout, never the others. It sleeps until a request commits a new message (`wake`), or
`OUTBOX_POLL_SECONDS` at most (other processes' messages, retries coming due).

An attempt never outlives its lease: it is cut off after half of `OUTBOX_LEASE_SECONDS`
(counted from the claim), whatever the per-command timeouts allow, so no other deliverer
takes the message while it is still being sent; the other half leaves room to record the
outcome. A cut-off attempt is a failed one (retried after its back-off).
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from app.db import Gate, open_session, unit_of_work
from app.keyring import service as keyring
from app.messages import mail, outbox
from app.messages.models import Channel, MessageStatus, OutboxMessage
from app.messages.notices import LINK_MARK, SECRET_MARK
from app.observability import metrics
from app.registrations import links
from app.settings import Settings

T = TypeVar("T")
log = logging.getLogger("app.outbox")
YIELD_STEP = 0.05  # seconds between two looks at whether requests still keep the process busy


class Failed(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        write_gate: Gate | None = None,
        busy: Callable[[], bool] | None = None,
    ) -> None:
        self.engine, self.settings, self.gate = engine, settings, write_gate
        # In a web process: whether requests are at work now (a rush), which delivery yields to.
        self.busy = busy
        self._yielding_since: float | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max(1, settings.outbox_concurrency), thread_name_prefix="outbox")
        self._in_flight = 0
        self._busy: dict[str, int] = {}
        self._lock = threading.Lock()
        # One receiver may use at most this many of the delivery slots.
        self._per_destination = max(1, settings.outbox_concurrency // 2)
        # Deliveries done and not yet recorded: (message id, lease, transport, response status).
        self._sent: list[tuple[int, str, str, int | None]] = []

    # --- running ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox-dispatcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._record_sent()

    def wake(self) -> None:
        self._wake.set()

    def _yield_to_requests(self) -> bool:
        """While the process is busy with requests, wait: delivery shares their interpreter, and
        in a registration rush it took a third of the rate. Never longer than
        `outbox_yield_seconds` between two rounds, so messages still go out during a long rush
        (and all of them as soon as it calms)."""
        if self.busy is None or not self.busy():
            self._yielding_since = None
            return False
        now = time.monotonic()
        if self._yielding_since is None:
            self._yielding_since = now
        if now - self._yielding_since >= self.settings.outbox_yield_seconds:
            self._yielding_since = None  # one round now
            return False
        metrics.OUTBOX_YIELDED.inc(YIELD_STEP)
        self._stop.wait(YIELD_STEP)
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._yield_to_requests():
                continue
            self._wake.clear()
            try:
                self._record_sent()
                started = self._fill()
            except Exception:  # the database is away: try again after the poll interval
                log.warning("outbox: claiming failed", exc_info=True)
                started = 0
            if started == 0:
                if (
                    self._wake.wait(self.settings.outbox_poll_seconds)
                    and self._free() == self.settings.outbox_concurrency
                ):
                    # Idle, woken by a commit: let a burst (a registration rush) gather for a
                    # moment, so it is claimed in batches rather than one transaction per message.
                    self._stop.wait(self.settings.outbox_gather_seconds)
            elif self._free() == 0:
                self._wake.wait(self.settings.outbox_poll_seconds)  # a delivery ending wakes it

    def _free(self) -> int:
        with self._lock:
            return self.settings.outbox_concurrency - self._in_flight

    def _fill(self) -> int:
        free = self._free()
        if free <= 0:
            return 0
        with self._lock:
            busy = dict(self._busy)
        deadline = self._deadline()
        claimed = self._claim(free, busy=busy)
        for message in claimed:
            key = outbox.destination(message.channel, message.webhook_id)
            with self._lock:
                self._in_flight += 1
                self._busy[key] = self._busy.get(key, 0) + 1
            future = self._pool.submit(self.deliver, message, record_now=False, deadline=deadline)
            future.add_done_callback(partial(self._done, key))
        return len(claimed)

    def _done(self, key: str, _: "Future[MessageStatus]") -> None:
        with self._lock:
            self._in_flight -= 1
            self._busy[key] -= 1
        self._wake.set()

    def run_once(self) -> int:
        """Deliver every message due now (tests, `python -m app.worker --once`); returns how many
        attempts were made."""
        total = 0
        while True:
            deadline = self._deadline()
            claimed = self._claim(max(1, self.settings.outbox_concurrency))
            if not claimed:
                return total
            list(self._pool.map(partial(self.deliver, record_now=False, deadline=deadline), claimed))
            self._record_sent()
            total += len(claimed)

    # --- one message --------------------------------------------------------------------------

    def _unit(self, work: Callable[[Session], T]) -> T:
        """One write transaction (app/db.py: unit_of_work), behind the process's write gate. Not in
        the lock-wait metric: that one is the requests' contention (and a deliverer's rounds
        would tell when a lost-link code was queued, app/recovery)."""
        return unit_of_work(self.engine, work, gate=self.gate, observed=False)

    def _deadline(self) -> float:
        """When attempts of messages claimed from now on must be over (time.monotonic())."""
        return time.monotonic() + self.settings.outbox_lease_seconds / 2

    def _claim(self, limit: int, busy: dict[str, int] | None = None) -> list[OutboxMessage]:
        return self._unit(
            lambda db: outbox.claim(
                db,
                limit=limit,
                lease_seconds=self.settings.outbox_lease_seconds,
                max_attempts=self.settings.outbox_max_attempts,
                busy=busy,
                per_destination=self._per_destination if busy is not None else None,
            )
        )

    def _record_sent(self) -> None:
        """Record the deliveries done since the last time, in one transaction: a rush's e-mails
        are marked sent in batches, not one transaction each. Until then a delivered message is
        still leased; if this process dies first, it is sent again once the lease runs out (the
        at-least-once window, README), with the same Message-ID / webhook-id."""
        with self._lock:
            batch, self._sent = self._sent, []
        if not batch:
            return
        try:
            self._unit(lambda db: outbox.delivered_many(db, batch))
        except Exception:
            with self._lock:  # the database is away: keep them for the next round
                self._sent[:0] = batch
            raise

    def deliver(
        self, message: OutboxMessage, *, record_now: bool = True, deadline: float | None = None
    ) -> MessageStatus:
        """One attempt at a claimed message, over by `deadline` (default: half a lease from now)."""
        started = time.perf_counter()
        lease = message.lease or ""
        channel = str(message.channel)
        try:
            transport, status = self._send(message, deadline=deadline or self._deadline())
        except Failed as exc:
            failure = exc
            outcome = self._unit(
                lambda db: outbox.attempt_failed(
                    db,
                    message=message,
                    lease=lease,
                    error=failure.reason,
                    response_status=failure.status,
                    settings=self.settings,
                )
            )
            self._observe(message, "failed" if outcome == MessageStatus.failed else "retry", started)
            log.info(
                "outbox: %s %s attempt %d failed (%s)",
                channel,
                message.uid,
                message.attempts,
                outbox.ADDRESS.sub("<address>", exc.reason),
            )
            return outcome
        if record_now:
            self._unit(
                lambda db: outbox.delivered(
                    db, message_id=message.id or 0, lease=lease, transport=transport, response_status=status
                )
            )
        else:
            with self._lock:
                self._sent.append((message.id or 0, lease, transport, status))
        self._observe(message, "sent", started)
        return MessageStatus.sent

    @staticmethod
    def _observe(message: OutboxMessage, outcome: str, started: float) -> None:
        if message.kind not in outbox.UNCOUNTED:
            metrics.observe_delivery(str(message.channel), outcome, time.perf_counter() - started)

    def _secret(self, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        with open_session(self.engine) as db:
            return keyring.unseal(db, self.settings, sealed)

    def _send(self, message: OutboxMessage, *, deadline: float) -> tuple[str, int | None]:
        try:
            if message.channel == Channel.webhook:
                return "http", self._send_webhook(message, deadline=deadline)
            return self._send_email(message, deadline=deadline), None
        except Failed:
            raise
        except Exception as exc:  # never lose the message to an unexpected error: retry it
            log.exception("outbox: unexpected error delivering %s", message.uid)
            raise Failed(f"internal error: {type(exc).__name__}") from exc

    def _link(self, claims: str | None) -> str | None:
        """The personal link's fragment, signed now from the row's claims (app/registrations/links.py)."""
        if claims is None:
            return None
        with open_session(self.engine) as db:
            return links.sign(db, self.settings, claims)

    def _send_email(self, message: OutboxMessage, *, deadline: float) -> str:
        text, html = message.body_text, message.body_html
        for mark, value in (
            (SECRET_MARK, self._secret(message.sealed_secret)),
            (LINK_MARK, self._link(message.link_claims)),
        ):
            if value is not None:
                text, html = text.replace(mark, value), html.replace(mark, value)
        built = mail.build(message, text=text, html=html, settings=self.settings)
        if self.settings.smtp_url is None:
            mail.write_file(built, message, settings=self.settings)
            return "file"
        try:
            mail.send(built, settings=self.settings, deadline=deadline)
        except mail.MailFailed as exc:
            raise Failed(str(exc)) from exc
        return "smtp"

    def _send_webhook(self, message: OutboxMessage, *, deadline: float) -> int:
        from app.webhooks import delivery
        from app.webhooks.models import WebhookEndpoint

        with open_session(self.engine) as db:
            endpoint = db.get(WebhookEndpoint, message.webhook_id or 0)
            secret = keyring.unseal(db, self.settings, endpoint.sealed_secret) if endpoint is not None else None
        if endpoint is None or secret is None or not endpoint.active:
            raise Failed("endpoint deleted or inactive")
        try:
            return delivery.send(message, secret=secret, settings=self.settings, deadline=deadline)
        except delivery.DeliveryFailed as exc:
            raise Failed(exc.reason, exc.status) from exc
