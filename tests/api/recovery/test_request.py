"""Asking for a code: the same answer for every address; an e-mail only to a registered one."""

from sqlmodel import Session, select

from app.messages.models import OutboxMessage
from app.recovery.models import RecoveryCode
from tests.api.recovery.helpers import code_from_mail, queued, recover
from tests.factories import assert_problem, bearer, make_event, person, register


def test_same_answer_registered_or_not_and_mail_only_to_registered(client, admin, app, box):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    known = recover(client, event["id"], "  LUCJA.1@Gmina-Serock.pl ")
    unknown = recover(client, event["id"], "nikt@gmina-serock.pl")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.content == unknown.content
    assert known.json()["code_minutes"] == 30
    assert "nikt" not in unknown.text and "lucja" not in known.text.lower()

    rows = queued(app)
    assert len(rows) == 1
    assert rows[0].registration_id == reg["id"] and rows[0].recipient == person(1)["email"]
    assert rows[0].sealed_secret and rows[0].sealed_secret not in rows[0].body_text
    # the code is not stored in clear anywhere: only its digest, and sealed in the outbox
    code = code_from_mail(app, box, person(1)["email"])
    with Session(app.state.engine) as db:
        stored = db.exec(select(RecoveryCode)).all()
        message = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "recovery.code")).one()
    assert len(stored) == 1 and stored[0].registration_id == reg["id"]
    assert code not in stored[0].code_digest and code.replace("-", "") not in stored[0].code_digest
    assert message.sealed_secret is None and code not in message.body_text  # wiped once sent
    assert box.envelopes[-1][1] == [person(1)["email"]]
    assert not box.to("nikt@gmina-serock.pl")


def test_other_events_cancelled_and_erased_get_nothing(client, admin, app):
    event = make_event(client, admin)
    other = make_event(client, admin, slug="inne-wydarzenie")
    register(client, other["id"], 1)  # registered, but for another event
    cancelled = register(client, event["id"], 2)
    assert client.delete("/api/v1/me", headers=bearer(cancelled["token"])).status_code == 200
    erased = register(client, event["id"], 3)
    assert client.delete("/api/v1/me?erase=true", headers=bearer(erased["token"])).status_code == 200
    answers = [recover(client, event["id"], person(i)["email"]) for i in (1, 2, 3)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert queued(app) == []


def test_unknown_or_unpublished_event_is_404(client, admin, app):
    hidden = make_event(client, admin, published=False)
    register(client, hidden["id"], 1, headers=admin)
    for event_id in (hidden["id"], 999_999):
        assert_problem(recover(client, event_id, person(1)["email"]), 404)
    assert_problem(recover(client, 0, person(1)["email"]), 422)
    assert queued(app) == []


def test_bad_bodies_are_422(client, admin):
    event = make_event(client, admin)
    url = f"/api/v1/events/{event['id']}/registrations/recover"
    for body in (
        {},
        {"email": "not-an-address"},
        {"email": None},
        {"email": 5},
        {"email": ["a@b.pl"]},
        {"email": "a@b.pl", "event_id": 1},
        {"email": "a\x00@b.pl"},
        {"email": "x" * 250 + "@b.pl"},
        [],
        "a@b.pl",
    ):
        assert_problem(client.post(url, json=body), 422)
    assert_problem(client.post(url, content=b"{not json", headers={"Content-Type": "application/json"}), 422)


def test_per_address_quota_sends_nothing_more_but_answers_the_same(client, admin, app, box):
    event = make_event(client, admin)
    register(client, event["id"], 1)
    quota = app.state.settings.recovery_per_address_hour
    answers = [recover(client, event["id"], person(1)["email"]) for _ in range(quota + 2)]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    assert len(queued(app)) == quota
    # the last code sent still works: asking beyond the quota did not end it
    code = code_from_mail(app, box, person(1)["email"])
    r = client.post("/api/v1/registrations/recover/confirm", json={"code": code})
    assert r.status_code == 200, r.text
    # another address of the same event has its own quota
    register(client, event["id"], 2)
    assert recover(client, event["id"], person(2)["email"]).status_code == 202
    assert len(queued(app)) == quota + 1
