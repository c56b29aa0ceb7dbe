"""The web pages in the app, without a browser: routes, headers, and no unsafe patterns in the files."""

import re
from pathlib import Path

from fastapi.testclient import TestClient

from app.web.router import PAGES, STATIC
from tests.factories import assert_problem

SCRIPTS = sorted((STATIC / "js").glob("*.js"))


def test_pages_are_html_with_a_strict_content_security_policy(client: TestClient) -> None:
    console = (
        "/admin",
        "/admin/events/7",
        "/admin/events/7/people",
        "/admin/events/7/team",
        "/admin/messages",
        "/admin/login",
        "/admin/password",
        "/admin/setup",
    )
    for path in ("/", "/events/seminarium-serock-2022", "/events/7", "/me", *console):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_do_not_shadow_the_api(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    assert_problem(client.get("/static/js/no-such-file.js"), 404)
    assert_problem(client.get("/events/a/b"), 404)
    assert_problem(client.get("/admin/events/7/no-such-place"), 404)  # the console's places are a closed list
    assert_problem(client.get("/admin/events/abc"), 404)
    assert_problem(client.get("/admin/events/7/people/more"), 404)
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    pages = ("/", "/me", "/admin", "/admin/messages", "/events/{key}", "/admin/events/{event_id}")
    assert not any(p in schema["paths"] for p in pages)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_an_unknown_path_is_a_page_to_a_browser_and_a_problem_to_everyone_else(client: TestClient) -> None:
    pages = client.get("/")
    for path in ("/no-such-page", "/events/a/b", "/admin/nothing-here"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        for header in ("content-security-policy", "referrer-policy", "cache-control"):
            assert response.headers[header] == pages.headers[header], header
        html = response.text
        assert '<html lang="en">' in html and 'data-i18n="notFound.heading">Page not found</h1>' in html
        assert '<a href="/" ' in html and '<a href="/admin" ' in html
        assert '<script type="module" src="/static/js/not-found.js">' in html  # Polish by the reader's language
    assert client.head("/no-such-page", headers={"Accept": BROWSER}).status_code == 404
    # API clients, scripts and assets: problem+json exactly as before
    for path, accept in [
        ("/no-such-page", "application/json"),
        ("/no-such-page", "*/*"),
        ("/no-such-page", "application/json, text/html;q=0.5"),
        ("/no-such-page", "text/html;q=0"),
        ("/no-such-page", "text/html;q=oops"),
        ("/api/v1/no-such-thing", BROWSER),
        ("/api", BROWSER),
        ("/static/js/no-such-file.js", BROWSER),
    ]:
        body = assert_problem(client.get(path, headers={"Accept": accept}), 404)
        assert body["title"] == "Not Found" and body["instance"] == path, (path, accept)
    assert_problem(client.post("/no-such-page", headers={"Accept": BROWSER}), 404)
    assert_problem(client.get("/no-such-page"), 404)


def test_static_files_are_served_as_modules(client: TestClient) -> None:
    response = client.get("/static/js/api.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert client.get("/static/css/app.css").headers["content-type"].startswith("text/css")


def test_no_inline_code_and_no_html_from_data() -> None:
    for page in PAGES.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {page.name}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {page.name}"
        assert not re.search(r"\sstyle\s*=", html), f"inline style in {page.name}"
    for script in SCRIPTS:
        code = script.read_text(encoding="utf-8")
        for pattern in (".innerHTML", ".outerHTML", ".insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert pattern not in code, f"{pattern} in {script.name}"


def test_every_text_exists_in_both_languages() -> None:
    def keys(name: str) -> set[str]:
        found = set(re.findall(r"'([\w.-]+)':", (STATIC / "js" / name).read_text(encoding="utf-8")))
        plural = {k.rsplit(".", 1)[0] for k in found if k.endswith(".one")}  # base.one, base.few, ... -> base
        return {k.rsplit(".", 1)[0] if k.rsplit(".", 1)[0] in plural else k for k in found}

    english, polish = keys("messages-en.js"), keys("messages-pl.js")
    assert english == polish, english ^ polish
    used = set()
    for source in [*SCRIPTS, *PAGES.glob("*.html")]:
        pattern = r"""(?:\bt\(|data-i18n=|i18n: |:)['"]([a-z]+\.[\w.]+)['"]"""
        used |= set(re.findall(pattern, source.read_text(encoding="utf-8")))
    assert used - english - {"key"} == set()


def test_files_stay_small() -> None:
    for path in [*SCRIPTS, *PAGES.glob("*.html"), *Path(STATIC / "css").glob("*.css")]:
        if not path.name.startswith("messages-"):
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path.name
