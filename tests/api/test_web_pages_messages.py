"""The pages for messages (lost link, calendar, outbox, broadcasts, webhooks) over HTTP, without a browser.

Each page answers HTML with the strict headers; every script and style it references, and every
module those scripts import, is served under /static; the API paths the new scripts call exist.
"""

import re

import pytest
from fastapi.testclient import TestClient

PAGES = [
    "/recover",
    "/recover?event=1",
    "/recover?event=not-a-number",
    "/me",
    "/admin",
    "/admin/messages",
    "/events/seminarium-serock-2022",
]
ASSET = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
IMPORT = re.compile(r"""^\s*import\s[^;]*?from\s+'\./([\w.-]+\.js)';""", re.MULTILINE)


def assets_of(client: TestClient, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return set(ASSET.findall(response.text))


def modules_from(client: TestClient, entry: str) -> set[str]:
    """`entry` and every module it imports, transitively (all are relative './x.js' imports)."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        todo += [f"/static/js/{name}" for name in IMPORT.findall(response.text)]
    return seen


@pytest.mark.parametrize("path", PAGES)
def test_page_is_html_with_strict_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", PAGES)
def test_every_referenced_static_file_is_served(client: TestClient, path: str) -> None:
    assets = assets_of(client, path)
    assert "/static/css/app.css" in assets
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts, f"{path} loads no script"
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        kind = "javascript" if asset.endswith(".js") else "text/css"
        assert kind in response.headers["content-type"], asset
    for script in scripts:
        modules_from(client, script)


def test_pages_load_their_own_scripts(client: TestClient) -> None:
    assert "/static/js/recover.js" in assets_of(client, "/recover")
    assert "/static/js/admin-messages-page.js" in assets_of(client, "/admin/messages")
    messages = modules_from(client, "/static/js/admin-messages-page.js")
    assert {"/static/js/admin-messages.js", "/static/js/admin-webhooks.js"} <= messages
    assert "/static/js/me-calendar.js" in modules_from(client, "/static/js/me.js")


def test_recover_page_is_not_in_the_api_document(client: TestClient) -> None:
    assert "/recover" not in client.get("/openapi.json").json()["paths"]


def test_the_api_paths_the_pages_call_exist(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    wanted = {
        "/api/v1/events/{event_id}/registrations/recover": "post",
        "/api/v1/registrations/recover/confirm": "post",
        "/api/v1/me/calendar": "post",
        "/api/v1/events/{event_id}/programme.ics": "get",
        "/api/v1/events/{event_id}/messages": "get",
        "/api/v1/messages/{message_id}": "get",
        "/api/v1/messages/{message_id}/retry": "post",
        "/api/v1/events/{event_id}/broadcasts": "post",
        "/api/v1/webhooks": "post",
        "/api/v1/webhooks/{webhook_id}": "delete",
        "/api/v1/webhooks/{webhook_id}/deliveries": "get",
    }
    for path, method in wanted.items():
        assert method in paths.get(path, {}), f"{method.upper()} {path}"
    assert "delete" in paths["/api/v1/me/calendar"]
    assert "language" in client.get("/openapi.json").json()["components"]["schemas"]["MeUpdate"]["properties"]


def test_webhook_event_types_on_the_page_match_the_api() -> None:
    from app.web.router import STATIC
    from app.webhooks.schemas import WEBHOOK_EVENT_TYPES

    code = (STATIC / "js" / "admin-webhooks.js").read_text(encoding="utf-8")
    listed = re.search(r"EVENT_TYPES = \[(.*?)\];", code, re.DOTALL)
    assert listed is not None
    assert re.findall(r"'([a-z]+\.[a-z]+)'", listed.group(1)) == list(WEBHOOK_EVENT_TYPES)
