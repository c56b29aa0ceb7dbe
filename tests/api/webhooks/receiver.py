"""A real webhook receiver on loopback for tests: records what it gets, answers as told.

with receiver() as hook:
    hook.status = 500            # every answer from now on
    hook.statuses = [503, 200]   # or one answer per request, then `status`
    hook.delay = 5.0             # hang this long before answering (ends when the receiver stops)
    ... deliver to hook.url ...
    assert hook.wait_for(1)
    headers, body = hook.requests[0]   # header names in lower case
"""

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Receiver:
    url: str
    port: int
    status: int = 200
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    location: str | None = None  # sent as Location (for redirect answers)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until at least `count` requests have arrived."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def _record(self, headers: dict[str, str], body: bytes) -> int:
        with self._arrived:
            self.requests.append((headers, body))
            self._arrived.notify_all()
            return self.statuses.pop(0) if self.statuses else self.status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout, refused certificate) is expected here


@contextmanager
def receiver(
    *, host: str = "127.0.0.1", path: str = "/hook", url_host: str | None = None, tls: tuple[Path, Path] | None = None
) -> Iterator[Receiver]:
    """Serve on a free port of `host`; `url_host` names it in `.url` (default: the address);
    `tls=(certfile, keyfile)` serves https."""
    state: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            hook = state[0]
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status = hook._record({k.lower(): v for k, v in self.headers.items()}, body)
            if hook.delay:
                hook._stopping.wait(hook.delay)
            self.send_response(status)
            if hook.location:
                self.send_header("Location", hook.location)
            self.send_header("Content-Length", "2")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _Server((host, 0), Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    name = url_host or (f"[{host}]" if ":" in host else host)
    hook = Receiver(url=f"{'https' if tls else 'http'}://{name}:{port}{path}", port=port)
    state.append(hook)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
