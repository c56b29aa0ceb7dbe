"""The event's greeting style and the person's form of address (issue 25, item 4); the template
page's API: the variables of each kind, a preview with sample values, errors naming the line."""

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

import app.messages
from app.messages.service import OVERRIDABLE
from tests.api.messages.helpers import rows
from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.mailbox import Box, deliver

# The informal "you" of Polish: after "Szanowna Pani ..." the text must not say "Twoja", "Ciebie",
# "masz miejsce", "jesteś na liście"...
INFORMAL = re.compile(
    r"\bTwoj|\bTwój\b|\bCiebie\b|\bCi\b|\bCię\b|\b(jesteś|masz|możesz|chcesz|wolisz)\b", re.IGNORECASE
)
TEMPLATES = Path(app.messages.__file__).parent / "templates"


def _greeting(app: FastAPI, address: str) -> str:
    [row] = [r for r in rows(app) if r.recipient == address and r.kind == "registration.created"]
    return row.body_text.splitlines()[0]


def test_formal_by_default_with_the_form_of_address_and_informal_on_request(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    assert event["greeting"] == "formal"
    pani = register(mail_client, event["id"], 1, form_of_address="pani")
    register(mail_client, event["id"], 2, first_name="Jan", form_of_address="pan")
    register(mail_client, event["id"], 3)
    register(mail_client, event["id"], 4, form_of_address="pan", first_name="John", language="en")
    register(mail_client, event["id"], 5, language="en")
    assert _greeting(mail_app, "lucja.1@gmina-serock.pl") == "Szanowna Pani Łucja Żółkiewska-1,"
    assert _greeting(mail_app, "lucja.2@gmina-serock.pl") == "Szanowny Panie Jan Żółkiewska-2,"
    assert _greeting(mail_app, "lucja.3@gmina-serock.pl") == "Szanowni Państwo,"
    assert _greeting(mail_app, "lucja.4@gmina-serock.pl") == "Dear Mr Żółkiewska-4,"
    assert _greeting(mail_app, "lucja.5@gmina-serock.pl") == "Dear participant,"
    me = mail_client.get("/api/v1/me", headers=bearer(pani["token"])).json()
    assert me["form_of_address"] == "pani"
    assert_problem(mail_client.patch("/api/v1/me", json={"form_of_address": "dr"}, headers=bearer(pani["token"])), 422)

    patched = mail_client.patch(f"/api/v1/events/{event['id']}", json={"greeting": "informal"}, headers=admin)
    assert patched.status_code == 200 and patched.json()["greeting"] == "informal"
    register(mail_client, event["id"], 6, form_of_address="pani")
    register(mail_client, event["id"], 7, language="en")
    assert _greeting(mail_app, "lucja.6@gmina-serock.pl") == "Dzień dobry Łucja,"
    assert _greeting(mail_app, "lucja.7@gmina-serock.pl") == "Hello Łucja,"
    assert_problem(mail_client.patch(f"/api/v1/events/{event['id']}", json={"greeting": "loose"}, headers=admin), 422)
    assert_problem(mail_client.patch(f"/api/v1/events/{event['id']}", json={"greeting": None}, headers=admin), 422)


def test_every_kind_lists_its_variables(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin)
    listed = client.get(f"/api/v1/events/{event['id']}/message-templates", headers=admin).json()
    names = {(t["kind"], t["language"]): [v["name"] for v in t["variables"]] for t in listed}
    assert set(names) == {(k, lang) for k in OVERRIDABLE for lang in ("pl", "en")}
    for (_kind, _), variables in names.items():
        assert {"greeting", "first_name", "me_url", "event_title"} <= set(variables)
    assert "session_title" in names["enrollment.created", "pl"] and "session_title" not in names["poll.opened", "pl"]
    assert (
        "workshops" in names["assignment.committed", "en"] and "self_service_url" in names["registration.created", "pl"]
    )
    described = next(t for t in listed if t["kind"] == "poll.opened")["variables"]
    assert all(v["description"] for v in described)
    # Every built-in text uses the greeting instead of a fixed "Dzień dobry {{ first_name }},".
    assert all("{{ greeting }}" in t["text"] and "Dzień dobry {{" not in t["text"] for t in listed)


def test_preview_renders_with_sample_values_and_names_the_line_of_an_error(
    client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/message-templates/enrollment.created/preview"
    text = "{{ greeting }}\n\nmasz miejsce: {{ session_title }} ({{ session_when }}).\n{{ me_url }}"
    shown = client.post(
        url, json={"language": "pl", "subject": "Miejsce: {{ session_title }}", "text": text}, headers=admin
    )
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["subject"] == "Miejsce: Transformacja energetyczna"
    assert body["text"].startswith("Szanowna Pani Zofia Żak,\n\nmasz miejsce: Transformacja energetyczna (29 listopada")
    assert "/me#link=" in body["text"]
    # Nothing was stored.
    listed = client.get(f"/api/v1/events/{event['id']}/message-templates", headers=admin).json()
    assert not any(t["custom"] for t in listed)

    for broken, line in (
        ("{{ greeting }}\n\n{% if enrolled %}\nok\n", "line 4"),  # unclosed block
        ("{{ greeting }}\n\n{{ poll_title }}", "line 3"),  # a variable of another kind
        ("{{ greeting }}\n{{ 100 // position }}", "line 2"),  # fails when run (no position when enrolled)
    ):
        problem = assert_problem(client.post(url, json={"subject": "x", "text": broken}, headers=admin), 422)
        assert line in problem["detail"], problem["detail"]
        assert problem["errors"][0]["loc"] == ["body", "text"]
    assert_problem(client.post(url, json={"subject": "x", "text": "y"}), 401)
    unknown = f"/api/v1/events/{event['id']}/message-templates/recovery.code/preview"
    assert_problem(client.post(unknown, json={"subject": "x", "text": "y"}, headers=admin), 404)


def test_every_built_in_text_reads_right_after_a_formal_greeting() -> None:
    """Every branch of every built-in template, as written (the e-mails below reach only some)."""
    texts = sorted(TEMPLATES.glob("*/*.txt"))
    assert len(texts) >= 28
    for path in texts:
        found = INFORMAL.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)


def test_formal_emails_of_each_kind_speak_without_the_informal_you(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=1)
    session = make_session(mail_client, admin, event["id"], capacity=1)
    pani = register(mail_client, event["id"], 1, form_of_address="pani")
    register(mail_client, event["id"], 2, first_name="Jan", form_of_address="pan")  # waits, then moves up
    on = mail_client.post("/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(pani["token"]))
    assert on.status_code in (200, 201), on.text
    poll = make_poll(mail_client, admin, event["id"])
    assert mail_client.post(f"/api/v1/polls/{poll['id']}/announce", headers=admin).status_code == 200
    assert mail_client.delete("/api/v1/me", headers=bearer(pani["token"])).status_code == 200
    approval = make_event(mail_client, admin, slug="zatwierdzane", requires_approval=True)
    kept, refused = (register(mail_client, approval["id"], i, form_of_address="pani") for i in (3, 4))
    assert mail_client.post(f"/api/v1/registrations/{kept['id']}/approve", headers=admin).status_code == 200
    assert mail_client.post(f"/api/v1/registrations/{refused['id']}/reject", headers=admin).status_code == 200
    deliver(mail_app)
    kinds = {r.kind for r in rows(mail_app, status="sent")}
    assert kinds >= {
        "registration.created",
        "enrollment.created",
        "poll.opened",
        "registration.cancelled",
        "registration.promoted",
        "registration.approved",
        "registration.rejected",
    }, kinds
    assert len(box.messages) >= 9
    for mail in box.messages:
        body = box.text(mail)
        assert body.startswith(("Szanowna Pani Łucja ", "Szanowny Panie Jan ")), body
        assert not INFORMAL.findall(f"{mail['Subject']}\n{body}"), body
        assert "Strona uczestnika: https://seminar.example/me" in body  # the personal link's line stays
