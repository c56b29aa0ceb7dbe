"""The pages for the registration form (questions, invitation codes, listing, approval) over HTTP,
without a browser.

Each page answers HTML with the strict headers; every script and style it references, and every
module those scripts import, is served under /static; the API paths and fields the new scripts
use exist in the app's OpenAPI document.
"""

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.test_web_pages_messages import assets_of, modules_from

PAGES = ["/events/seminarium-serock-2022", "/events/7", "/me", "/admin"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_html_with_strict_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", PAGES)
def test_every_referenced_static_file_is_served(client: TestClient, path: str) -> None:
    assets = assets_of(client, path)
    assert "/static/css/app.css" in assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        kind = "javascript" if asset.endswith(".js") else "text/css"
        assert kind in response.headers["content-type"], asset
    for script in (a for a in assets if a.endswith(".js")):
        modules_from(client, script)  # each import answers 200


def test_pages_load_the_form_modules(client: TestClient) -> None:
    event = modules_from(client, "/static/js/event.js")
    assert {"/static/js/questions.js", "/static/js/formkit.js"} <= event
    me = modules_from(client, "/static/js/me.js")
    assert {"/static/js/questions.js", "/static/js/me-answers.js", "/static/js/me-participants.js"} <= me
    admin = modules_from(client, "/static/js/admin.js")
    assert {
        "/static/js/admin-questions.js",
        "/static/js/admin-question-editor.js",
        "/static/js/admin-invitations.js",
        "/static/js/admin-approval.js",
        "/static/js/confirm.js",
    } <= admin


def test_pages_have_the_form_elements(client: TestClient) -> None:
    event = client.get("/events/seminarium-serock-2022").text
    for needle in (
        'id="questions"',
        'name="invitation_code"',
        'id="invitation-toggle"',
        'id="register-approval"',
        'name="listing" value="none" checked',
        'name="listing" value="participants"',
        'name="listing" value="public"',
    ):
        assert needle in event, needle
    me = client.get("/me").text
    for needle in ('id="answers-form"', 'id="questions"', 'name="listing" value="public"', 'id="participants-list"'):
        assert needle in me, needle
    admin = client.get("/admin").text
    for needle in (
        'id="questions-admin"',
        'id="question-new"',
        'id="invites-table"',
        'id="invite-editor"',
        'id="approve-selected"',
        '<option value="pending"',
    ):
        assert needle in admin, needle
    setup = client.get("/static/js/admin-setup.js").text  # the event form (approval) is built by its script
    assert "name: 'requires_approval'" in setup


def test_the_api_paths_the_pages_call_exist(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    wanted = {
        "/api/v1/events/{event_id}/questions": {"get", "post"},
        "/api/v1/questions/{question_id}": {"patch", "delete"},
        "/api/v1/events/{event_id}/invitations": {"get", "post"},
        "/api/v1/invitations/{invitation_id}/revoke": {"post"},
        "/api/v1/registrations/{registration_id}/approve": {"post"},
        "/api/v1/registrations/{registration_id}/reject": {"post"},
        "/api/v1/events/{event_id}/registrations/approve": {"post"},
        "/api/v1/events/{event_id}/participants": {"get"},
        "/api/v1/events/{event_id}/registrations": {"get", "post"},
        "/api/v1/events/{event_id}": {"get", "patch"},
        "/api/v1/me": {"get", "patch"},
    }
    for path, methods in wanted.items():
        assert methods <= set(paths.get(path, {})), f"{sorted(methods)} {path}"
    components = schema["components"]["schemas"]
    assert {"answers", "invitation_code", "listing"} <= set(components["RegistrationCreate"]["properties"])
    assert {"answers", "listing"} <= set(components["MeUpdate"]["properties"])
    assert "requires_approval" in components["EventUpdate"]["properties"]
    assert {"uses", "email", "organization", "reserved_seats", "expires_at", "outside_window", "label"} <= set(
        components["InvitationCreate"]["properties"]
    )
    assert {"label", "help", "type", "required", "options", "categories", "position"} <= set(
        components["QuestionCreate"]["properties"]
    )


def test_the_page_knows_every_question_type_and_status() -> None:
    """The editor offers every question type the API has; the pages name every registration status."""
    from app.questions.models import QuestionType
    from app.registrations.models import Listing, RegistrationStatus
    from app.web.router import PAGES as HTML
    from app.web.router import STATIC

    editor = (STATIC / "js" / "admin-question-editor.js").read_text(encoding="utf-8")
    listed = re.search(r"const TYPES = \[(.*?)\];", editor, re.DOTALL)
    assert listed is not None
    assert re.findall(r"'(\w+)'", listed.group(1)) == [t.value for t in QuestionType]
    english = (STATIC / "js" / "messages-en.js").read_text(encoding="utf-8")
    for status in RegistrationStatus:
        assert f"'status.{status.value}':" in english, status
    for listing in Listing:
        assert f"'listing.{listing.value}':" in english and f"'listing.yours.{listing.value}':" in english, listing
        for page in ("event.html", "me.html"):
            assert f'name="listing" value="{listing.value}"' in (HTML / page).read_text(encoding="utf-8"), page


def test_the_programme_console_offers_every_session_kind() -> None:
    """The session form offers every kind the API has (breaks, meals and social items included), both
    languages name them, and the participant page offers no sign-up for the kinds without places."""
    from app.sessions.models import FOR_EVERYONE, SessionKind
    from app.web.router import STATIC

    console = (STATIC / "js" / "admin-sessions.js").read_text(encoding="utf-8")
    listed = re.search(r"const KINDS = \[(.*?)\];", console, re.DOTALL)
    assert listed is not None
    assert sorted(re.findall(r"'(\w+)'", listed.group(1))) == sorted(k.value for k in SessionKind)
    for language in ("en", "pl"):
        messages = (STATIC / "js" / f"messages-{language}.js").read_text(encoding="utf-8")
        for kind in SessionKind:
            assert f"'kind.{kind.value}':" in messages, (language, kind)
    page = (STATIC / "js" / "me.js").read_text(encoding="utf-8")
    everyone = re.search(r"const FOR_EVERYONE = new Set\(\[(.*?)\]\);", page)
    assert everyone is not None
    assert sorted(re.findall(r"'(\w+)'", everyone.group(1))) == sorted(k.value for k in FOR_EVERYONE)
