"""Which URLs a webhook may target: no way into the server's own network (SSRF).

`https` only, no user name or password in the URL, and every address the host resolves to must
be public (not private, loopback, link-local, multicast, reserved, unspecified, shared or
otherwise non-global; IPv4 addresses embedded in IPv6 ones are judged as themselves). The URL
is checked when an endpoint is made and again before every delivery, since a name may resolve
elsewhere by then; the delivery connects to the addresses vetted here rather than looking the
name up again (DNS rebinding). WEBHOOK_ALLOW_PRIVATE (tests, development) lifts the address
rule and allows plain `http`.

The URL is parsed by httpx, the client that delivers, so the check and the request see the
same host.
"""

import ipaddress
import socket
from dataclasses import dataclass

import httpx

from app.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not global, though Python 3.11's `is_global` says so (IETF protocol assignments, local NAT64).
_NOT_PUBLIC = (ipaddress.ip_network("192.0.0.0/24"), ipaddress.ip_network("64:ff9b:1::/48"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"https": 443, "http": 80}


class TargetRefused(Invalid):
    """The URL may not be a webhook target (422 on the field `url`)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="url")


@dataclass(frozen=True)
class Target:
    """A vetted URL and the addresses a delivery may connect to."""

    url: httpx.URL
    host: str  # ASCII (IDNA) form, for TLS SNI and certificate checks
    port: int
    addresses: tuple[str, ...]


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """Whether a webhook may connect to this address when private targets are not allowed."""
    inner = _embedded_v4(ip)
    if inner is not None:
        return is_public(inner)
    if (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    ):
        return False
    return not any(ip.version == net.version and ip in net for net in _NOT_PUBLIC)


def resolve(host: str, port: int) -> list[str]:
    """The addresses of a host name (or IP literal), in the resolver's order of preference."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve_target(url: str, *, allow_private: bool) -> Target:  # noqa: C901
    """The target if a webhook may be sent to `url`; `TargetRefused` otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise TargetRefused("Not a valid URL.") from None
    schemes = ("http", "https") if allow_private else ("https",)
    if parsed.scheme not in schemes:
        raise TargetRefused("Webhook URLs must use " + (" or ".join(schemes)) + ".")
    if not parsed.raw_host:
        raise TargetRefused("The URL has no host.")
    if parsed.userinfo:
        raise TargetRefused("The URL must not contain a user name or password.")
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    if not 1 <= port <= 65535:
        raise TargetRefused("The URL's port is not valid.")
    try:
        host = parsed.raw_host.decode("ascii")
    except UnicodeDecodeError:
        raise TargetRefused("The URL's host is not valid.") from None
    addresses = resolve(host, port)
    if not addresses:
        raise TargetRefused("The URL's host name does not resolve.")
    if not allow_private:
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address.split("%", 1)[0])
            except ValueError:
                raise TargetRefused("The URL's host does not resolve to an IP address.") from None
            if not is_public(ip):
                raise TargetRefused(
                    "The URL's host is, or resolves to, a private, loopback, link-local or "
                    "otherwise non-public address."
                )
    return Target(url=parsed, host=host, port=port, addresses=tuple(addresses))


def check_target(url: str, *, allow_private: bool) -> None:
    """Raise `TargetRefused` (422, field `url`) unless a webhook may be sent to `url`."""
    resolve_target(url, allow_private=allow_private)
