"""One webhook delivery attempt: a signed POST, outside any database transaction.

The target is vetted again right before sending (app/webhooks/security.py) and the request
goes to the addresses vetted then, not to a second DNS lookup: the URL's host is kept in the
`Host` header and, for https, in TLS SNI and the certificate check. Each attempt has its own
client (no pooled connection is shared between endpoints that happen to share an address),
ignores proxy variables, follows no redirect and reads no response body.

`WEBHOOK_TIMEOUT_SECONDS` bounds each phase (connect, send, wait for the answer); a receiver
that hangs fails the attempt within that time. A `deadline` (the deliverer's lease,
app/messages/dispatch.py) shortens the phases of a request that starts near it.
"""

import time
from functools import cache
from ssl import SSLContext

import httpx

from app.messages.models import OutboxMessage
from app.settings import Settings
from app.webhooks.security import Target, TargetRefused, resolve_target
from app.webhooks.signing import BadSecret, sign

USER_AGENT = "seminar-webhooks/1 (Standard Webhooks)"


class DeliveryFailed(Exception):
    """The attempt failed: a short reason (no secrets, no response body) and the HTTP status if any."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.status = status


@cache
def _tls() -> SSLContext:
    """The certificate store, loaded once (trusted CAs: certifi's, as httpx does by default)."""
    return httpx.create_ssl_context(trust_env=False)


def headers_for(message: OutboxMessage, *, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message.uid,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message.uid, timestamp, body),
    }


def _request(
    client: httpx.Client, target: Target, address: str, headers: dict[str, str], body: bytes, timeout: float
) -> httpx.Request:
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    return client.build_request(
        "POST",
        target.url.copy_with(host=address),
        content=body,
        headers={**headers, "host": target.url.netloc.decode("ascii")},
        extensions=extensions,
        timeout=timeout,
    )


def _connect_reason(exc: httpx.ConnectError) -> str:
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return "TLS certificate not valid for the host"
    return "could not connect"


def send(message: OutboxMessage, *, secret: str, settings: Settings, deadline: float | None = None) -> int:
    """POST the message's payload to its webhook; the HTTP status (2xx) or `DeliveryFailed`."""
    try:
        target = resolve_target(message.recipient, allow_private=settings.webhook_allow_private)
    except TargetRefused as exc:
        raise DeliveryFailed(f"target refused: {exc.detail}") from None
    body = message.payload.encode()
    try:
        headers = headers_for(message, secret=secret, timestamp=int(time.time()), body=body)
    except BadSecret:
        raise DeliveryFailed("the endpoint's signing secret is unreadable") from None
    timeout = settings.webhook_timeout_seconds
    failure = "could not connect"
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls()) as client:
        for address in target.addresses:
            wait = timeout if deadline is None else min(timeout, deadline - time.monotonic())
            if wait <= 0:
                raise DeliveryFailed("no answer within the attempt's time limit")
            try:
                response = client.send(_request(client, target, address, headers, body, wait), stream=True)
            except httpx.ConnectError as exc:
                failure = _connect_reason(exc)
                continue  # the next address of the host, if any
            except httpx.TimeoutException:
                raise DeliveryFailed(f"no answer within {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise DeliveryFailed(f"delivery failed ({type(exc).__name__})") from None
            response.close()
            status = response.status_code
            if 200 <= status < 300:
                return status
            if 300 <= status < 400:
                raise DeliveryFailed(f"HTTP {status} (redirects are not followed)", status)
            raise DeliveryFailed(f"HTTP {status}", status)
    raise DeliveryFailed(failure)
