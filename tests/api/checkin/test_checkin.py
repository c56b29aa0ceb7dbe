"""Check-in at the door: codes, organizer and door keys, idempotency, revocation, undo, exports."""

import io

import openpyxl

from tests.api.exports.helpers import key, parse_csv, seed
from tests.factories import assert_problem, bearer, make_session


def codes(client, admin, event_id):
    r = client.get(f"/api/v1/events/{event_id}/checkin-codes", headers=admin)
    assert r.status_code == 200, r.text
    return {c["last_name"]: c for c in r.json()["items"]}


def test_codes_are_stable_derived_and_not_the_token(client, admin, app):
    from sqlalchemy import text

    ev, regs = seed(client, admin)
    first = codes(client, admin, ev["id"])
    assert len(first) == 9 and first == codes(client, admin, ev["id"])  # re-rendering gives the same codes
    assert [
        c["last_name"] for c in client.get(f"/api/v1/events/{ev['id']}/checkin-codes", headers=admin).json()["items"]
    ][:3] == ["Lewandowski", "Lis", "Łęcki"]
    zak = first["Żak"]
    assert zak["code"].startswith(f"{zak['registration_id']}-")
    assert all(c["code"] != r["token"] for c in first.values() for r in regs)
    with app.state.engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("registrations", "attendance", "checkin_secrets", "audit_log")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
    assert zak["code"] not in dump and zak["code"].split("-")[1] not in dump


def test_check_in_with_door_key_idempotent_then_undo(client, admin):
    ev, _ = seed(client, admin)
    door = key(client, admin, "checkin")
    code = codes(client, admin, ev["id"])["Żak"]["code"]
    url = f"/api/v1/events/{ev['id']}/checkins"
    first = client.post(url, json={"code": code.lower().replace("-", " - ")}, headers=door)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["first_name"], body["last_name"], body["status"]) == ("Łucja", "Żak", "confirmed")
    assert body["already_checked_in"] is False and body["checked_in_by"].endswith(":checkin device")
    again = client.post(url, json={"code": code}, headers=admin)
    assert again.status_code == 200 and again.json()["already_checked_in"] is True
    assert again.json()["checked_in_at"] == body["checked_in_at"]
    rows = parse_csv(client.get(f"/api/v1/events/{ev['id']}/registrations/export", headers=admin).content)
    zak = next(r for r in rows if r["last_name"] == "Żak")
    assert zak["attended"] == "yes" and zak["checked_in_at"]
    assert sum(r["attended"] == "yes" for r in rows) == 1
    undo = f"/api/v1/events/{ev['id']}/checkins/{body['registration_id']}"
    assert client.delete(undo, headers=door).status_code == 204
    assert client.delete(undo, headers=door).status_code == 204  # idempotent
    rows = parse_csv(client.get(f"/api/v1/events/{ev['id']}/registrations/export", headers=admin).content)
    assert all(r["attended"] == "no" for r in rows)
    assert client.post(url, json={"code": code}, headers=door).status_code == 201


def test_session_check_in_and_export(client, admin):
    ev, regs = seed(client, admin)
    session = make_session(client, admin, ev["id"])
    assert (
        client.post(
            "/api/v1/me/enrollments", json={"session_id": session["id"]}, headers=bearer(regs[0]["token"])
        ).status_code
        == 201
    )
    code = codes(client, admin, ev["id"])["Żak"]["code"]
    url = f"/api/v1/events/{ev['id']}/checkins"
    r = client.post(url, json={"code": code, "session_id": session["id"]}, headers=admin)
    assert r.status_code == 201 and r.json()["session_id"] == session["id"]
    assert r.json()["enrollment_status"] == "enrolled"
    # the session check-in is not an event check-in
    event_rows = parse_csv(client.get(f"/api/v1/events/{ev['id']}/registrations/export", headers=admin).content)
    assert all(x["attended"] == "no" for x in event_rows)
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                f"/api/v1/sessions/{session['id']}/attendees/export", params={"format": "xlsx"}, headers=admin
            ).content
        )
    )
    header = [c.value for c in book.active[1]]
    row = next(book.active.iter_rows(min_row=2, values_only=True))
    assert row[header.index("attended")] is True
    assert row[header.index("checked_in_at")].year >= 2024
    other = make_session(
        client,
        admin,
        ev["id"],
        title="Inna",
        starts_at="2022-11-30T09:00:00+01:00",
        ends_at="2022-11-30T10:00:00+01:00",
    )
    assert (
        client.post(url, json={"code": code, "session_id": other["id"]}, headers=admin).json()["enrollment_status"]
        is None
    )
    assert_problem(client.post(url, json={"code": code, "session_id": 99999}, headers=admin), 404)
    undo = f"/api/v1/events/{ev['id']}/checkins/{r.json()['registration_id']}"
    assert client.delete(undo, params={"session_id": session["id"]}, headers=admin).status_code == 204


def test_unknown_revoked_foreign_and_cancelled_codes(client, admin):
    ev, regs = seed(client, admin)
    other, _ = seed(client, admin, slug="inne-wydarzenie")
    url = f"/api/v1/events/{ev['id']}/checkins"
    all_codes = codes(client, admin, ev["id"])
    zak = all_codes["Żak"]
    for bad in (
        "nonsense",
        f"{zak['registration_id']}-AAAAAAAAAAAAAAAA",
        regs[0]["token"][:64],
        "99999999999-AAAAAAAAAAAAAAAA",
        codes(client, admin, other["id"])["Żak"]["code"],
    ):
        body = assert_problem(client.post(url, json={"code": bad}, headers=admin), 404)
        assert body["type"].endswith("unknown-checkin-code")
    # a lost badge: the new code works, the old one no longer does
    r = client.post(f"/api/v1/registrations/{zak['registration_id']}/checkin-code", headers=admin)
    assert r.status_code == 200 and r.json()["code"] != zak["code"]
    assert_problem(client.post(url, json={"code": zak["code"]}, headers=admin), 404)
    assert client.post(url, json={"code": r.json()["code"]}, headers=admin).status_code == 201
    # revoke every code of the event
    lis = all_codes["Lis"]["code"]
    assert client.post(f"/api/v1/events/{ev['id']}/checkin-codes/rotate", headers=admin).status_code == 204
    assert_problem(client.post(url, json={"code": lis}, headers=admin), 404)
    fresh = codes(client, admin, ev["id"])["Lis"]["code"]
    assert fresh != lis and client.post(url, json={"code": fresh}, headers=admin).status_code == 201
    # a cancelled registration
    lukasz = codes(client, admin, ev["id"])["Łukasz"]["code"]
    assert client.delete("/api/v1/me", headers=bearer(regs[1]["token"])).status_code == 200
    assert_problem(client.post(url, json={"code": lukasz}, headers=admin), 409)


def test_check_in_auth(client, admin):
    ev, regs = seed(client, admin)
    code = codes(client, admin, ev["id"])["Żak"]["code"]
    url = f"/api/v1/events/{ev['id']}/checkins"
    assert_problem(client.post(url, json={"code": code}), 401)
    assert_problem(client.post(url, json={"code": code}, headers=bearer(regs[0]["token"])), 401)
    door = key(client, admin, "checkin")
    # a door key may check in but not fetch codes, rotate them or revoke one
    assert_problem(client.get(f"/api/v1/events/{ev['id']}/checkin-codes", headers=door), 403)
    assert_problem(client.post(f"/api/v1/events/{ev['id']}/checkin-codes/rotate", headers=door), 403)
    assert_problem(client.post(f"/api/v1/registrations/{regs[0]['id']}/checkin-code", headers=door), 403)
    assert_problem(client.post(url, json={"code": code, "extra": 1}, headers=door), 422)
    assert_problem(client.post("/api/v1/events/99999/checkins", json={"code": code}, headers=door), 404)
