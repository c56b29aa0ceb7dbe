"""ASGI middleware: request body size limit, per-worker concurrency limit, security headers,
and the replay of a request whose transaction collided (a deadlock)."""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem
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
        response = problem(
            413,
            "Request body too large",
            f"The request body may be at most {self.max_bytes} bytes.",
            type_="/problems/body-too-large",
            instance=scope.get("path"),
        )
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

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        wait_seconds: float,
        load: "Load | None" = None,
        exempt: tuple[str, ...] = ("/healthz", "/metrics"),
    ) -> None:
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
            response = problem(
                503,
                "Service unavailable",
                "The server is too busy right now; nothing was saved.",
                type_="/problems/unavailable",
                instance=scope.get("path"),
                headers={"Retry-After": "2"},
            )
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
