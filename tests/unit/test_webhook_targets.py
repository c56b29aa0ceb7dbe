"""Webhook targets: https only, no credentials, no private, loopback or link-local addresses."""

import ipaddress

import pytest

from app.webhooks import security
from app.webhooks.security import TargetRefused, check_target, is_public, resolve_target


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "198.18.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::1",
        "2001:db8::1",
    ],
)
def test_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "2002:5db8:d70e::1"])
def test_public(address):
    assert is_public(ipaddress.ip_address(address))


def refused(url: str, *, allow_private: bool = False) -> str:
    with pytest.raises(TargetRefused) as caught:
        check_target(url, allow_private=allow_private)
    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["loc"] == ["body", "url"]
    return caught.value.detail


@pytest.fixture
def dns(monkeypatch):
    answers: dict[str, list[str]] = {}
    monkeypatch.setattr(security, "resolve", lambda host, port: answers.get(host, []))
    return answers


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://localhost/hook",
        "https://LocalHost/hook",
        "https://2130706433/",
        "https://0x7f.1/",
    ],
)
def test_private_and_loopback_refused(url):
    assert "non-public" in refused(url)


def test_real_resolution_of_localhost_is_refused():
    assert "non-public" in refused("https://localhost:8443/hook")
    refused("https://localhost./hook")  # non-public, or not resolving at all: refused either way


def test_scheme_credentials_and_shape(dns):
    dns["hooks.example.org"] = ["93.184.215.14"]
    check_target("https://hooks.example.org/seminar?x=1", allow_private=False)
    assert "https" in refused("http://hooks.example.org/seminar")
    assert "https" in refused("ftp://hooks.example.org/")
    assert "https" in refused("javascript:alert(1)")
    assert "https" in refused("hooks.example.org/seminar")
    assert "user name or password" in refused("https://user:pass@hooks.example.org/")
    assert "user name or password" in refused("https://token@hooks.example.org/")
    assert "no host" in refused("https:///seminar")
    assert "port" in refused("https://hooks.example.org:99999/")
    assert "does not resolve" in refused("https://unknown.example.org/")


def test_any_private_answer_refuses_the_name(dns):
    dns["mixed.example.org"] = ["93.184.215.14", "10.0.0.7"]
    dns["v6.example.org"] = ["2606:4700:4700::1111", "fd00::5"]
    assert "non-public" in refused("https://mixed.example.org/")
    assert "non-public" in refused("https://v6.example.org/")


def test_vet_keeps_the_vetted_addresses_and_the_ascii_host(dns):
    dns["xn--bcher-kva.example"] = ["93.184.215.14", "2606:4700:4700::1111"]
    target = resolve_target("https://Bücher.example:8443/hook", allow_private=False)
    assert (target.host, target.port) == ("xn--bcher-kva.example", 8443)
    assert target.addresses == ("93.184.215.14", "2606:4700:4700::1111")


def test_allow_private_lifts_the_address_rule_and_allows_http():
    check_target("http://127.0.0.1:9/hook", allow_private=True)
    check_target("http://localhost:9/hook", allow_private=True)
    check_target("https://[::1]:9/hook", allow_private=True)
    assert "user name or password" in refused("http://a:b@127.0.0.1/", allow_private=True)
    assert "http or https" in refused("ftp://127.0.0.1/", allow_private=True)
