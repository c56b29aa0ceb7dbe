"""Every decision the service makes about a person reaches them: sessions, assignment, polls,
erasure; organizers' broadcasts and own templates."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.messages.helpers import make_due, rows
from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register
from tests.mailbox import Box, deliver


def _subjects(box: Box, address: str) -> list[str]:
    return [str(m["Subject"]) for m in box.to(address)]


def test_session_enrollment_waitlist_and_move_up(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    session = make_session(mail_client, admin, event["id"], capacity=1, title="Transport i mobilność")
    a, b = register(mail_client, event["id"], 1), register(mail_client, event["id"], 2)
    for person in (a, b):
        r = mail_client.post(
            "/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(person["token"])
        )
        assert r.status_code in (200, 201), r.text
    deliver(mail_app)
    box.messages.clear()
    assert mail_client.delete(f"/api/v1/me/enrollments/{session['id']}", headers=bearer(a["token"])).status_code == 204
    deliver(mail_app)
    [moved] = box.to("lucja.2@")
    assert str(moved["Subject"]) == "Zwolniło się miejsce: Transport i mobilność"
    assert "29 listopada 2022, 14:00–15:30, sala: Sala A" in box.text(moved)  # the event's time zone
    kinds = [r.kind for r in rows(mail_app)]
    assert kinds.count("enrollment.created") == 2 and kinds.count("enrollment.promoted") == 1
    waitlisted = [r for r in rows(mail_app) if r.kind == "enrollment.created"][1]
    assert "Miejsce na liście rezerwowej: 1." in waitlisted.body_text


def test_assignment_commit_tells_each_person_their_workshops(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    ws = [
        make_session(mail_client, admin, event["id"], title=t, capacity=1, room=f"Sala {r}")
        for t, r in (("Energia", "A"), ("Dziedzictwo", "B"))
    ]
    people = [register(mail_client, event["id"], i) for i in (1, 2)]
    for person, order in zip(people, ([0, 1], [0, 1]), strict=True):
        assert (
            mail_client.put(
                "/api/v1/me/preferences",
                json={"session_ids": [ws[i]["id"] for i in order]},
                headers=bearer(person["token"]),
            ).status_code
            == 200
        )
    url = f"/api/v1/events/{event['id']}/assignments"
    assert mail_client.post(url, json={"method": "optimal", "dry_run": True}, headers=admin).status_code == 200
    assert not [r for r in rows(mail_app) if r.kind == "assignment.committed"]  # a dry run tells nobody
    assert mail_client.post(url, json={"method": "optimal", "dry_run": False}, headers=admin).status_code == 200
    deliver(mail_app)
    got = {}
    for i in (1, 2):
        [mail] = [m for m in box.to(f"lucja.{i}@") if str(m["Subject"]).startswith("Przydzielone warsztaty")]
        got[i] = box.text(mail)
    assert sorted("Energia" in t for t in got.values()) == [False, True]
    assert all(("Sala A" in t) != ("Sala B" in t) for t in got.values())


def test_poll_announce_and_published_winners(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=2)
    people = [register(mail_client, event["id"], i) for i in (1, 2, 3)]  # the third waits: not told
    poll = make_poll(mail_client, admin, event["id"], seats=2)
    announced = mail_client.post(f"/api/v1/polls/{poll['id']}/announce", headers=admin)
    assert announced.status_code == 200 and announced.json() == {"recipients": 2}
    for person in people[:2]:
        mail_client.put(
            f"/api/v1/polls/{poll['id']}/ballot",
            json={"topic_ids": poll["topic_ids"][:2]},
            headers=bearer(person["token"]),
        )
    body = {
        "starts_at": "2022-11-29T14:00:00+01:00",
        "ends_at": "2022-11-29T16:00:00+01:00",
        "rooms": [{"room": "Sala A", "capacity": 60}, {"room": "Sala B", "capacity": 40}],
    }
    assert mail_client.post(f"/api/v1/polls/{poll['id']}/publish", json=body, headers=admin).status_code == 201
    deliver(mail_app)
    assert _subjects(box, "lucja.3@") == ["Lista rezerwowa: Seminarium sieciujące partnerstw – Serock"]
    subjects = _subjects(box, "lucja.1@")
    assert any(s.startswith("Głosowanie na tematy warsztatów") for s in subjects)
    [published] = [m for m in box.to("lucja.1@") if str(m["Subject"]).startswith("Wybrane tematy")]
    text = box.text(published)
    assert "Transformacja energetyczna: 29 listopada 2022, 14:00–16:00" in text and "Transport i mobilność" in text
    closed = make_poll(
        mail_client, admin, event["id"], closes_at="2022-01-01T00:00:00Z", opens_at="2021-12-01T00:00:00Z"
    )
    assert_problem(mail_client.post(f"/api/v1/polls/{closed['id']}/announce", headers=admin), 409)


def test_announcing_a_poll_of_an_event_without_emails_counts_no_recipients(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    """Seen before: `recipients: 2` with nothing queued (as broadcasts did, issue 23 item 9)."""
    event = make_event(mail_client, admin, emails_enabled=False)
    for i in (1, 2):
        register(mail_client, event["id"], i)
    poll = make_poll(mail_client, admin, event["id"], seats=2)
    announced = mail_client.post(f"/api/v1/polls/{poll['id']}/announce", headers=admin)
    assert announced.status_code == 200 and announced.json() == {"recipients": 0}
    assert not [r for r in rows(mail_app) if r.kind == "poll.opened"]


def test_erasure_drops_pending_mail_and_sends_one_last_message_then_forgets_it(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    person = register(mail_client, event["id"], 1)
    assert mail_client.delete("/api/v1/me?erase=true", headers=bearer(person["token"])).status_code in (200, 204)
    deliver(mail_app)
    # The confirmation and the cancellation were still pending: dropped, never sent.
    assert _subjects(box, "lucja.1@") == ["Dane usunięte: Seminarium sieciujące partnerstw – Serock"]
    left = rows(mail_app)
    assert [r.kind for r in left] == ["registration.erased"]
    assert left[0].status == "sent" and "lucja" not in left[0].recipient + left[0].body_text


def test_a_notice_of_erasure_that_fails_for_good_forgets_the_address(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    person = register(mail_client, event["id"], 1)
    box.refuse = 451  # the server quotes the recipient in its answer
    assert mail_client.delete("/api/v1/me?erase=true", headers=bearer(person["token"])).status_code in (200, 204)
    for _ in range(3):  # OUTBOX_MAX_ATTEMPTS
        make_due(mail_app)
        deliver(mail_app)
    [row] = rows(mail_app)
    assert (row.kind, row.status, row.attempts) == ("registration.erased", "failed", 3)
    assert "451" in (row.last_error or "")
    stored = " ".join(str(v) for v in vars(row).values())
    assert "lucja" not in stored.lower() and "gmina-serock" not in stored
    listed = mail_client.get(f"/api/v1/events/{event['id']}/messages?status=failed", headers=admin).json()
    assert [m["to"] for m in listed["items"]] == ["(erased)"]
    assert "gmina-serock" not in mail_client.get(f"/api/v1/messages/{row.id}", headers=admin).text


def test_broadcast_dry_run_filters_and_sends(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, capacity=3)
    for i, category in ((1, "ministry"), (2, "local_government"), (3, "local_government"), (4, "ministry")):
        register(mail_client, event["id"], i, category=category)
    deliver(mail_app)
    box.messages.clear()
    url = f"/api/v1/events/{event['id']}/broadcasts"
    body = {
        "subject": "Zmiana sali\r\nBcc: everyone@example.org",
        "text": "Panel przenosimy do Sali B.\nDo zobaczenia!",
    }
    assert mail_client.post(url, json=body, headers=admin).status_code == 422  # control characters in a subject
    body["subject"] = "Zmiana sali – panel o funduszach UE"
    dry = mail_client.post(url, json={**body, "category": "local_government"}, headers=admin)
    assert dry.json() == {"recipients": 2, "dry_run": True}
    assert mail_client.post(url, json={**body, "status": "waitlisted"}, headers=admin).json()["recipients"] == 1
    assert not rows(mail_app, kind="broadcast")
    sent = mail_client.post(url, json={**body, "category": "local_government", "dry_run": False}, headers=admin)
    assert sent.json() == {"recipients": 2, "dry_run": False}
    deliver(mail_app)
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in box.messages) == [
        "lucja.2@gmina-serock.pl",
        "lucja.3@gmina-serock.pl",
    ]
    assert "Panel przenosimy do Sali B." in box.text(box.messages[0])
    assert "Bcc" not in box.messages[0]
    audit = mail_client.get("/api/v1/audit-log", headers=admin).json()["items"]
    assert any("broadcast" in entry["action"] for entry in audit)
    assert_problem(mail_client.post(url, json=body), 401)


def test_a_broadcast_of_an_event_without_emails_is_refused_not_claimed(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin, emails_enabled=False)
    for i in (1, 2):
        register(mail_client, event["id"], i)
    url = f"/api/v1/events/{event['id']}/broadcasts"
    body = {"subject": "Zmiana sali", "text": "Panel przenosimy do Sali B."}
    assert mail_client.post(url, json=body, headers=admin).json() == {"recipients": 2, "dry_run": True}
    refused = assert_problem(mail_client.post(url, json={**body, "dry_run": False}, headers=admin), 409)
    assert refused["type"] == "/problems/emails-disabled" and "emails_enabled" in refused["detail"]
    deliver(mail_app)
    assert not rows(mail_app, kind="broadcast") and not box.messages


def test_organizer_templates_replace_the_builtin_text(
    mail_app: FastAPI, mail_client: TestClient, box: Box, admin: dict[str, str]
) -> None:
    event = make_event(mail_client, admin)
    url = f"/api/v1/events/{event['id']}/message-templates"
    listed = mail_client.get(url, headers=admin).json()
    assert {(t["kind"], t["language"]) for t in listed} >= {
        ("registration.created", "pl"),
        ("registration.created", "en"),
    }
    assert not any(t["custom"] for t in listed)
    bad = mail_client.put(f"{url}/registration.created/pl", json={"subject": "x", "text": "{{ nope }}"}, headers=admin)
    assert_problem(bad, 422)
    unsafe = mail_client.put(
        f"{url}/registration.created/pl", json={"subject": "x", "text": "{{ ''.__class__.__mro__ }}"}, headers=admin
    )
    assert_problem(unsafe, 422)  # the sandbox refuses
    assert_problem(mail_client.put(f"{url}/recovery.code/pl", json={"subject": "x", "text": "y"}, headers=admin), 404)
    mine = {
        "subject": "Do zobaczenia w Serocku, {{ first_name }}!",
        "text": "Twój link: {{ self_service_url }}\nNocleg potwierdzimy osobno.",
    }
    assert mail_client.put(f"{url}/registration.created/pl", json=mine, headers=admin).status_code == 200
    person = register(mail_client, event["id"], 1)
    register(mail_client, event["id"], 2, language="en")
    deliver(mail_app)
    [mail] = box.to("lucja.1@")
    assert str(mail["Subject"]) == "Do zobaczenia w Serocku, Łucja!"
    assert person["token"] in box.text(mail) and "Nocleg potwierdzimy osobno." in box.text(mail)
    assert str(box.to("lucja.2@")[0]["Subject"]).startswith("Registration confirmed")  # English untouched
    assert mail_client.delete(f"{url}/registration.created/pl", headers=admin).status_code == 204
    register(mail_client, event["id"], 3)
    deliver(mail_app)
    assert str(box.to("lucja.3@")[0]["Subject"]).startswith("Potwierdzenie rejestracji")


def test_one_decision_about_many_people_asks_templates_and_webhooks_once(
    mail_app: FastAPI, mail_client: TestClient, admin: dict[str, str]
) -> None:
    from sqlalchemy import event as sa_event

    event = make_event(mail_client, admin, capacity=10, requires_approval=True)
    pending = [register(mail_client, event["id"], i)["id"] for i in range(1, 5)]
    lookups: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and (
            "message_templates" in statement or "FROM webhooks" in statement
        ):
            lookups.append(statement)

    sa_event.listen(mail_app.state.engine, "before_cursor_execute", seen)
    try:
        approved = mail_client.post(
            f"/api/v1/events/{event['id']}/registrations/approve", json={"registration_ids": pending}, headers=admin
        )
    finally:
        sa_event.remove(mail_app.state.engine, "before_cursor_execute", seen)
    assert approved.status_code == 200, approved.text
    assert len(rows(mail_app, kind="registration.approved")) == 4
    assert len(lookups) == 2, lookups  # the template and the endpoints, once each: not once per person
