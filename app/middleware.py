"""ASGI middleware: request body size limit, per-worker concurrency limit, security headers,
and the replay of a request whose transaction collided (a deadlock)."""

import asyncio
from collections.abc import Iterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import RETRY_HEADER, problem
from app.observability import metrics


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413, whether Content-Length is sent or not."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        if declared is not None:
            await self.app(scope, receive, send)  # the server stops at Content-Length
            return
        # No length given (chunked): read up to the limit first, then replay the body.
        chunks, seen, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            more = message.get("more_body", False)
            if seen > self.max_bytes:
                await self._reject(scope, receive, send)
                return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "Request body too large",
                           f"The request body may be at most {self.max_bytes} bytes.",
                           type_="/problems/body-too-large", instance=scope.get("path"))
        await response(scope, receive, send)


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Conservative headers on every answer; personal data is never cached by proxies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ConcurrencyLimit:
    """At most `limit` requests of this worker process work at once; the rest queue here.

    Sync endpoints and dependencies run on a pool of 40 threads per process. A request that
    holds a database lock (SQLite's write lock, a PostgreSQL row lock) needs a free thread
    again to finish and commit; if every thread were taken by requests waiting for that same
    lock, nothing would move until lock timeouts fired. Queueing here, before any thread or
    connection is taken, keeps `limit` below both the thread count and the connection pool.
    Waiting longer than `wait_seconds` gives 503 with Retry-After.
    """

    def __init__(self, app: ASGIApp, limit: int, wait_seconds: float, load: "Load | None" = None,
                 exempt: tuple[str, ...] = ("/healthz", "/metrics")) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.exempt = exempt
        self.load = load or Load()
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # made inside the running event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        metrics.QUEUED.inc()
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.wait_seconds)
        except TimeoutError:
            metrics.count_unavailable("queue-timeout")
            response = problem(503, "Service unavailable", "The server is too busy right now; nothing was saved.",
                               type_="/problems/unavailable", instance=scope.get("path"),
                               headers={"Retry-After": "2"})
            await response(scope, receive, send)
            return
        finally:
            metrics.QUEUED.dec()
        self.load.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.load.active -= 1
            self._semaphore.release()


class Load:
    """Requests of this process at work now (past ConcurrencyLimit's queue). Written by the
    event loop only; read from other threads (the in-process deliverer yields to a rush)."""

    def __init__(self) -> None:
        self.active = 0

    def busy(self, at_least: int) -> bool:
        return self.active >= at_least


class RetryTransient:
    """Replay a request whose transaction was rolled back as a deadlock or serialization victim.

    The handler marks such an answer with an internal header (`app.errors.RETRY_HEADER`);
    nothing of it has been sent yet, the transaction left nothing behind, so the request runs
    again with the same body, up to `attempts` times in all. The last answer goes out without
    the marker. Other answers pass through untouched (streamed ones included).
    """

    def __init__(self, app: ASGIApp, attempts: int = 3) -> None:
        self.app = app
        self.attempts = attempts
        self.marker = RETRY_HEADER.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        more = True
        while more:  # the body is bounded by BodySizeLimit, outside this middleware
            message = await receive()
            messages.append(message)
            more = message["type"] == "http.request" and message.get("more_body", False)
        for attempt in range(1, self.attempts + 1):
            replay = iter(messages)

            async def receive_again(replay: Iterator[Message] = replay) -> Message:
                return next(replay, {"type": "http.disconnect"})

            retry = False

            async def send_or_hold(message: Message, *, last: bool = attempt == self.attempts) -> None:
                nonlocal retry
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k != self.marker]
                    if len(headers) != len(message.get("headers", [])) and not last:
                        retry = True
                        return
                    message = {**message, "headers": headers}
                if not retry:
                    await send(message)

            await self.app(scope, receive_again, send_or_hold)
            if not retry:
                return
            await asyncio.sleep(0.01 * attempt)
