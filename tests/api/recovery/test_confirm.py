"""Exchanging a code: a fresh token once, the old token dead; every bad code a 400, never a 500."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, select

from app.common import codes
from app.common.time import utcnow
from app.recovery import service
from app.recovery.models import RecoveryCode
from tests.api.recovery.helpers import code_from_mail, confirm, recover
from tests.factories import assert_problem, bearer, make_event, person, register


def _code_for(client, app, box, event_id: int, i: int = 1) -> str:
    assert recover(client, event_id, person(i)["email"]).status_code == 202
    return code_from_mail(app, box, person(i)["email"])


def test_code_gives_fresh_token_and_old_token_stops(client, admin, app, box):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    r = confirm(client, code)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "registration_id", "event_id"}
    assert body["registration_id"] == reg["id"] and body["event_id"] == event["id"]
    assert body["token"].startswith("reg_") and body["token"] != reg["token"]
    me = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.json()["id"] == reg["id"]
    assert_problem(client.get("/api/v1/me", headers=bearer(reg["token"])), 401)
    # used up: a second exchange fails, and the token from the first keeps working
    problem = assert_problem(confirm(client, code), 400)
    assert problem["type"] == "/problems/recovery-code-invalid"
    assert client.get("/api/v1/me", headers=bearer(body["token"])).status_code == 200


def test_code_as_typed_case_spaces_and_look_alikes(client, admin, app, box):
    event = make_event(client, admin)
    register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    typed = " " + code.replace("-", " ").lower().replace("0", "o").replace("1", "l") + " "
    assert confirm(client, typed).status_code == 200


def test_a_new_code_ends_the_earlier_one(client, admin, app, box):
    event = make_event(client, admin)
    register(client, event["id"], 1)
    first = _code_for(client, app, box, event["id"])
    second = _code_for(client, app, box, event["id"])
    assert first != second
    assert_problem(confirm(client, first), 400)
    assert confirm(client, second).status_code == 200


def test_expired_code(client, admin, app, box):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    with Session(app.state.engine) as db:
        row = db.exec(select(RecoveryCode)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()
    assert_problem(confirm(client, code), 400)
    assert client.get("/api/v1/me", headers=bearer(reg["token"])).status_code == 200


def test_unknown_and_malformed_codes_are_400_garbage_bodies_422(client, admin, app, box):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    wrong = "0000-0000-00" if code != "0000-0000-00" else "1111-1111-11"
    for text in (wrong, code[:-1], code + "Z", "UUUU-UUUU-UU", "ŻÓŁW-ŻÓŁW-ŻÓ", "-", "x" * 64, reg["token"][:64]):
        problem = assert_problem(confirm(client, text), 400)
        assert problem["detail"] == "The code is unknown, already used or expired; ask for a new one."
    url = "/api/v1/registrations/recover/confirm"
    for body in (
        {},
        {"code": ""},
        {"code": None},
        {"code": 1234},
        {"code": "x" * 65},
        {"code": "AB\x00"},
        {"code": code, "token": "x"},
        [code],
        code,
    ):
        assert_problem(client.post(url, json=body), 422)
    assert_problem(client.post(url, content=b"code=1", headers={"Content-Type": "application/json"}), 422)
    # none of that used the real code up
    assert confirm(client, code).status_code == 200


def test_erasure_deletes_codes(client, admin, app, box):
    """`delete_for` (called by erasure) leaves no code that could still be exchanged."""
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    with Session(app.state.engine) as db:
        service.delete_for(db, registration_id=reg["id"])
        db.commit()
        assert db.exec(select(RecoveryCode)).all() == []
    assert_problem(confirm(client, code), 400)
    assert client.get("/api/v1/me", headers=bearer(reg["token"])).status_code == 200


def test_erased_registration_code_is_refused(client, admin, app, box):
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    code = _code_for(client, app, box, event["id"])
    assert client.delete("/api/v1/me?erase=true", headers=bearer(reg["token"])).status_code == 200
    assert_problem(confirm(client, code), 400)


def test_code_format():
    made = {service.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == 12 and code[4] == code[9] == "-"
        assert service.normalize_code(code) == code.replace("-", "")
        assert set(code.replace("-", "")) <= set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** service.CODE_LENGTH >= 2**50
    assert service.normalize_code("abcd efgh jk") == "ABCDEFGHJK"
    assert service.normalize_code("oIlo-0000-00") == "01100000" + "00"
    assert service.normalize_code("ABCD-EFGH-JU") is None
    assert service.normalize_code("ABCD-EFGH-J") is None


def test_calendar_feed_survives_lost_link_recovery(client, admin, app, box):
    """By design: the feed has its own secret, which a fresh registration token leaves alone
    (the person revokes it with the new token at DELETE /me/calendar)."""
    event = make_event(client, admin)
    reg = register(client, event["id"], 1)
    made = client.post("/api/v1/me/calendar", headers=bearer(reg["token"]))
    assert made.status_code == 201, made.text
    feed = urlsplit(made.json()["url"]).path
    token = confirm(client, _code_for(client, app, box, event["id"])).json()["token"]
    assert_problem(client.get("/api/v1/me", headers=bearer(reg["token"])), 401)
    assert client.get(feed).status_code == 200
    assert client.delete("/api/v1/me/calendar", headers=bearer(token)).status_code == 204
    assert_problem(client.get(feed), 404)
