"""One delivery attempt against a real receiver on loopback: signed, pinned, bounded in time."""

import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from app.messages.models import Channel, OutboxMessage
from app.settings import Settings
from app.webhooks import delivery, security
from app.webhooks.delivery import DeliveryFailed, send
from app.webhooks.signing import new_secret, verify
from tests.api.webhooks.receiver import receiver

SECRET = new_secret()
OPEN = Settings(webhook_allow_private=True, webhook_timeout_seconds=2.0)
CLOSED = Settings(webhook_allow_private=False, webhook_timeout_seconds=2.0)


def message(url: str, **data: object) -> OutboxMessage:
    body = {"type": "registration.created", "timestamp": "2026-12-01T10:00:00Z", "data": data or {"id": 7}}
    return OutboxMessage(
        uid="msg_0123456789abcdef",
        channel=Channel.webhook,
        kind="registration.created",
        webhook_id=1,
        recipient=url,
        payload=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
    )


def fails(msg: OutboxMessage, settings: Settings = OPEN) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as caught:
        send(msg, secret=SECRET, settings=settings)
    assert SECRET not in caught.value.reason and SECRET.removeprefix("whsec_") not in caught.value.reason
    assert len(caught.value.reason) <= 200
    return caught.value


def test_delivery_is_signed_as_standard_webhooks():
    with receiver() as hook:
        msg = message(hook.url, name="Łucja Żak")
        before = int(time.time())
        assert send(msg, secret=SECRET, settings=OPEN) == 200
        headers, body = hook.requests[0]
    assert body == msg.payload.encode() and json.loads(body)["data"]["name"] == "Łucja Żak"
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == delivery.USER_AGENT
    assert headers["webhook-id"] == msg.uid
    assert before <= int(headers["webhook-timestamp"]) <= int(time.time())
    assert headers["webhook-signature"].startswith("v1,")
    assert verify(SECRET, headers["webhook-id"], headers["webhook-timestamp"], body, headers["webhook-signature"])
    assert not verify(
        new_secret(), headers["webhook-id"], headers["webhook-timestamp"], body, headers["webhook-signature"]
    )


def test_any_2xx_is_success_and_the_id_is_stable_across_attempts():
    with receiver() as hook:
        hook.statuses = [500, 204]
        msg = message(hook.url)
        assert fails(msg).status == 500
        assert send(msg, secret=SECRET, settings=OPEN) == 204
        assert [h["webhook-id"] for h, _ in hook.requests] == [msg.uid, msg.uid]


def test_error_status_fails_with_the_status():
    with receiver() as hook:
        hook.status = 500
        failed = fails(message(hook.url))
    assert (failed.status, failed.reason) == (500, "HTTP 500")


def test_redirects_are_not_followed():
    with receiver() as hook:
        hook.status, hook.location = 307, hook.url + "/elsewhere"
        failed = fails(message(hook.url))
        assert failed.status == 307 and "redirect" in failed.reason
        assert len(hook.requests) == 1


def test_hanging_receiver_fails_within_the_timeout():
    quick = OPEN.model_copy(update={"webhook_timeout_seconds": 0.3})
    with receiver() as hook:
        hook.delay = 30
        started = time.monotonic()
        failed = fails(message(hook.url), quick)
        elapsed = time.monotonic() - started
        assert hook.wait_for(1, timeout=1)  # it did arrive; the answer never came
    assert elapsed < 2 and failed.status is None and "0.3" in failed.reason


def test_unreadable_secret_fails_without_sending():
    with receiver() as hook:
        with pytest.raises(DeliveryFailed, match="secret"):
            send(message(hook.url), secret="whsec_???", settings=OPEN)
        assert hook.requests == []


def test_nobody_listening_fails():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    failed = fails(message(f"http://127.0.0.1:{port}/hook"))
    assert failed.status is None and failed.reason == "could not connect"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_target_refused_at_delivery(host):
    with receiver(url_host=host) as hook:
        failed = fails(message(hook.url), CLOSED)
        assert failed.status is None and failed.reason.startswith("target refused")
        assert hook.requests == []


def test_name_that_now_resolves_inside_is_refused_at_delivery(monkeypatch):
    """Accepted when made (a public address), the name later points at the server's network."""
    answers = {"hooks.example.org": ["93.184.215.14"]}
    monkeypatch.setattr(security, "resolve", lambda host, port: answers.get(host, []))
    security.check_target("https://hooks.example.org/hook", allow_private=False)
    answers["hooks.example.org"] = ["203.0.113.9", "169.254.169.254"]
    failed = fails(message("https://hooks.example.org/hook"), CLOSED)
    assert failed.reason.startswith("target refused") and "non-public" in failed.reason


def test_connects_to_the_vetted_address_not_a_second_lookup(monkeypatch):
    lookups = []

    def resolve(host, port):
        lookups.append(host)
        return ["127.0.0.1"] if host == "hooks.example.org" else []

    monkeypatch.setattr(security, "resolve", resolve)
    with receiver(url_host="hooks.example.org") as hook:
        assert send(message(hook.url), secret=SECRET, settings=OPEN) == 200
        assert hook.requests[0][0]["host"] == f"hooks.example.org:{hook.port}"
    assert lookups == ["hooks.example.org"]


def test_tries_the_next_address_when_one_refuses(monkeypatch):
    with receiver(url_host="hooks.example.org") as hook:
        # 127.0.0.3 listens nowhere on the receiver's port: refused, then the receiver's address.
        monkeypatch.setattr(security, "resolve", lambda host, port: ["127.0.0.3", "127.0.0.1"])
        assert send(message(hook.url), secret=SECRET, settings=OPEN) == 200
        assert len(hook.requests) == 1


# --- https: SNI and the certificate are checked against the URL's host, not the address ----------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    d = tmp_path_factory.mktemp("pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA", cwd=d)
    for name in ("hooks.example.org", "other.example.org"):
        _openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
        (d / f"{name}.ext").write_text(f"subjectAltName=DNS:{name}\n")
        _openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{name}.pem",
            "-days",
            "2",
            "-extfile",
            f"{name}.ext",
            cwd=d,
        )
    return d


@pytest.fixture
def trusting_test_ca(pki, monkeypatch):
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    monkeypatch.setattr(delivery, "_tls", lambda: context)
    monkeypatch.setattr(security, "resolve", lambda host, port: ["127.0.0.1"])


def test_https_to_a_pinned_address_checks_the_hosts_certificate(pki, trusting_test_ca):
    tls = (pki / "hooks.example.org.pem", pki / "hooks.example.org.key")
    with receiver(url_host="hooks.example.org", tls=tls) as hook:
        assert hook.url.startswith("https://hooks.example.org:")
        assert send(message(hook.url), secret=SECRET, settings=OPEN) == 200
        assert hook.requests[0][0]["host"] == f"hooks.example.org:{hook.port}"


def test_https_with_a_certificate_for_another_host_fails(pki, trusting_test_ca):
    tls = (pki / "other.example.org.pem", pki / "other.example.org.key")
    with receiver(url_host="hooks.example.org", tls=tls) as hook:
        failed = fails(message(hook.url))
        assert failed.reason == "TLS certificate not valid for the host" and failed.status is None
        assert hook.requests == []
