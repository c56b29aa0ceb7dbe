"""Organizers' own templates: checked at save with the variables of their own kind and every
shape these come in, bounded in size; one that fails anyway never fails the decision that sends
it (the built-in text goes out, the reason is on the message)."""

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.events import config
from app.messages.models import MessageTemplate
from app.messages.service import OVERRIDABLE
from tests.api.messages.helpers import rows
from tests.factories import assert_problem, make_event, register
from tests.mailbox import Box, deliver

# A variable of some other kind of message, for each kind.
FOREIGN = {kind: "session_title" for kind in OVERRIDABLE} | {
    "enrollment.created": "poll_title",
    "enrollment.promoted": "self_service_url",
}


def _url(event: dict, kind: str = "registration.created", language: str = "pl") -> str:
    return f"/api/v1/events/{event['id']}/message-templates/{kind}/{language}"


def _put(client: TestClient, admin: dict, event: dict, text: str, *, subject: str = "Temat", **where: str):
    return client.put(_url(event, **where), json={"subject": subject, "text": text}, headers=admin)


@pytest.mark.parametrize("kind", OVERRIDABLE)
def test_a_variable_of_another_kind_is_refused_naming_it(client, admin, kind):
    event = make_event(client, admin)
    problem = assert_problem(_put(client, admin, event, f"Dzień dobry {{{{ {FOREIGN[kind]} }}}}", kind=kind), 422)
    assert FOREIGN[kind] in problem["detail"] and "first_name" in problem["detail"]  # what it has, too
    assert problem["errors"][0]["loc"] == ["body", "text"]
    in_subject = assert_problem(_put(client, admin, event, "x", subject="{{ nope }}", kind=kind), 422)
    assert "nope" in in_subject["detail"] and in_subject["errors"][0]["loc"] == ["body", "subject"]
    listed = client.get(f"/api/v1/events/{event['id']}/message-templates", headers=admin).json()
    assert not any(t["custom"] for t in listed)


@pytest.mark.parametrize(
    "text",
    [
        "{{ 100 // position }}",  # a confirmed person has no position
        "{{ session_room.upper() }}",  # calls are not available
        "{{ 'x' * 3000000 }}",
        "{% for a in event_title %}{% for b in event_title %}{{ 'x' * 1000 }}{% endfor %}{% endfor %}",  # too long
        "{{ 9 ** 99999999 }}",
        "{{ '%0999999999d' % 1 }}",
        "{{ 'x'|center(999999999) }}",
        "{% set x = 1 %}{{ x }}",
        "{% for a in [1] %}{% for b in [1] %}{% for c in [1] %}{% endfor %}{% endfor %}{% endfor %}",
        "{% for a in range(10) %}{% endfor %}",
        '{% include "pl/registration.created.txt" %}',
        "{{ ''.__class__.__mro__ }}",
        "{% if %}",
        "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
        "{% if first_name %}" * 2000 + "{% endif %}" * 2000,
    ],
)
def test_templates_that_fail_or_grow_are_refused(client, admin, text):
    event = make_event(client, admin)
    assert_problem(_put(client, admin, event, text), 422)


def test_refusal_says_which_shape_fails(client, admin):
    event = make_event(client, admin)
    problem = assert_problem(_put(client, admin, event, "{{ 100 // position }}"), 422)
    assert "position=None" in problem["detail"] and "TypeError" in problem["detail"]
    guarded = "{% if position %}Pozycja: {{ 100 // position }}{% endif %}{{ '-' * 40 }}"
    assert _put(client, admin, event, guarded).status_code == 200


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_builtin_text_can_be_saved_as_is(client, admin, language):
    event = make_event(client, admin)
    listed = client.get(f"/api/v1/events/{event['id']}/message-templates", headers=admin).json()
    for t in (t for t in listed if t["language"] == language):
        saved = _put(client, admin, event, t["text"], subject=t["subject"], kind=t["kind"], language=language)
        assert saved.status_code == 200, (t["kind"], saved.text)


def _store_unchecked(app: FastAPI, event: dict, text: str) -> None:
    """A template saved before templates were checked as they are now."""
    with Session(app.state.engine) as db:
        db.add(
            MessageTemplate(
                event_id=event["id"],
                kind="registration.created",
                language="pl",
                subject="Witamy, {{ first_name }}",
                text=text,
            )
        )
        config.touch(db, event_id=event["id"])
        db.commit()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Nr {{ 100 // position }}", "it raised TypeError"),
        ("{% for a in last_name %}{% for b in last_name %}{{ 'x' * 1000 }}{% endfor %}{% endfor %}", "longer than"),
        ("{% set x = first_name %}{{ x }}", "{% set %} is not available"),
        ("{{ event_title[first_name] }}", "it raised UndefinedError"),
    ],
)
def test_a_template_that_fails_when_sent_gives_way_to_the_builtin_text(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str], caplog, text, reason
) -> None:
    event = make_event(mail_client, admin)
    _store_unchecked(mail_app, event, text)
    with caplog.at_level(logging.DEBUG):
        person = register(mail_client, event["id"], 1)  # 201, not 500
    assert person["status"] == "confirmed"
    [row] = rows(mail_app, kind="registration.created")
    assert row.template_error is not None and reason in row.template_error
    assert "Łucja" not in row.template_error and "Żółkiewska" not in row.template_error
    listed = mail_client.get(f"/api/v1/events/{event['id']}/messages", headers=admin).json()["items"]
    assert listed[0]["template_error"] == row.template_error
    deliver(mail_app)
    [mail] = box.to("lucja.1@")
    assert str(mail["Subject"]).startswith("Potwierdzenie rejestracji")  # the built-in text
    assert person["token"] in box.text(mail)
    logged = [r for r in caplog.records if r.name.startswith("app")]
    for record in logged:  # the failure is logged without the person
        assert "Łucja" not in str(vars(record)) and "lucja.1@" not in str(vars(record))
    assert any("template" in r.getMessage() and r.levelno == logging.WARNING for r in logged)


def test_a_template_that_works_leaves_no_error(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    assert _put(mail_client, admin, event, "Link: {{ self_service_url }}").status_code == 200
    register(mail_client, event["id"], 1)
    [row] = rows(mail_app, kind="registration.created")
    assert row.template_error is None and row.subject == "Temat"
