"""`/docs` and `/redoc` work without internet: every file they load comes from this server."""

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

PAGES = {
    "/docs": {"text/css": b".swagger-ui", "text/javascript": b"SwaggerUIBundle"},
    "/redoc": {"text/javascript": b"Redoc"},
}


def _referenced(html: str) -> list[str]:
    """Every URL the page loads: script sources, stylesheets and icons, and the spec in its inline script."""
    urls = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    urls += re.findall(r"url: '([^']+)'", html) + re.findall(r'spec-url="([^"]+)"', html)
    return urls


def _csp(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_docs_page_loads_only_files_of_this_server(app, page):
    with TestClient(app) as client:
        answer = client.get(page)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        html = answer.text
        assert "http://" not in html and "https://" not in html and "//" not in "".join(_referenced(html))
        urls = _referenced(html)
        assert "/openapi.json" in urls and any(u.endswith(".js") for u in urls) and any("favicon" in u for u in urls)
        seen: dict[str, bytes] = {}
        for url in urls:
            assert url.startswith("/"), url
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000, url
            kind = asset.headers["content-type"].split(";")[0]
            seen[kind] = seen.get(kind, b"") + asset.content
        for kind, marker in PAGES[page].items():
            assert kind in seen and marker in seen[kind], (kind, sorted(seen))
        assert "image/png" in seen and seen["application/json"].startswith(b"{")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_docs_content_security_policy_allows_exactly_what_the_page_needs(app, page):
    with TestClient(app) as client:
        answer = client.get(page)
    policies = answer.headers.get_list("content-security-policy")
    assert len(policies) == 1
    policy = _csp(policies[0])
    scripts = policy["script-src"]
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = re.findall(rb"<script>(.*?)</script>", answer.content, flags=re.S)
    assert len(inline) == (1 if page == "/docs" else 0)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(code).digest()).decode()}'" for code in inline}
    assert hashes == {s for s in scripts if s.startswith("'sha256-")}
    assert policy["connect-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_unknown_docs_asset_is_a_problem_404(app):
    with TestClient(app) as client:
        answer = client.get("/docs/assets/nothing-here.js")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_docs_pages_are_not_in_the_openapi_document(app):
    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith(("/docs", "/redoc")) for p in paths)
