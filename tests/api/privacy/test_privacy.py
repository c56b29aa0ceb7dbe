from datetime import date

from app.db import open_session
from app.privacy.service import retention
from tests.api.voting.test_polls import make_poll
from tests.factories import assert_problem, bearer, make_event, make_session, register


def test_export_me_contains_everything_and_no_secrets(client, admin):
    event = make_event(client, admin)
    s = make_session(client, admin, event["id"])
    poll = make_poll(client, admin, event["id"])
    reg = register(client, event["id"], 1)
    h = bearer(reg["token"])
    client.post("/api/v1/me/enrollments", json={"session_id": s["id"]}, headers=h)
    client.put(f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": poll["topic_ids"][:2]}, headers=h)
    client.put("/api/v1/me/preferences", json={"session_ids": [s["id"]]}, headers=h)
    r = client.get("/api/v1/me/export", headers=h)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    data = r.json()
    assert data["email"] == "lucja.1@gmina-serock.pl" and data["consent_version"] and data["consent_at"]
    assert data["enrollments"][0]["session_id"] == s["id"]
    assert data["ballots"][0]["topic_ids"] == poll["topic_ids"][:2]
    assert data["preferences"] == [s["id"]]
    assert reg["token"] not in r.text and "digest" not in r.text


def test_erase_me_frees_seat_and_anonymises(client, admin):
    event = make_event(client, admin, capacity=1)
    a, b = register(client, event["id"], 1), register(client, event["id"], 2)
    poll = make_poll(client, admin, event["id"])
    client.put(
        f"/api/v1/polls/{poll['id']}/ballot", json={"topic_ids": poll["topic_ids"][:1]}, headers=bearer(a["token"])
    )
    r = client.delete("/api/v1/me", params={"erase": "true"}, headers=bearer(a["token"]))
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled" and r.json()["erased_at"]
    assert "Łucja" not in r.text and "lucja.1" not in r.text
    assert_problem(client.get("/api/v1/me", headers=bearer(a["token"])), 401)  # token gone
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["status"] == "confirmed"
    stats = client.get(f"/api/v1/events/{event['id']}/registrations/stats", headers=admin).json()
    assert (stats["confirmed"], stats["cancelled"]) == (1, 1)
    assert client.get(f"/api/v1/events/{event['id']}", headers=admin).json()["confirmed"] == 1
    results = client.get(f"/api/v1/polls/{poll['id']}/results", headers=admin).json()
    assert results["ballots"] == 0
    # the e-mail is free again
    assert register(client, event["id"], 1)["status"] == "waitlisted"


def test_organizer_erase(client, admin):
    event = make_event(client, admin)
    a = register(client, event["id"], 1)
    r = client.post(f"/api/v1/registrations/{a['id']}/erase", headers=admin)
    assert r.status_code == 200 and r.json()["first_name"] == "[erased]"
    assert_problem(client.post(f"/api/v1/registrations/{a['id']}/erase"), 401)
    assert_problem(client.post(f"/api/v1/registrations/{a['id']}/erase", headers=bearer(a["token"])), 401)


def test_retention_anonymises_ended_events_only(client, admin, app):
    old = make_event(client, admin, slug="old", starts_on="2022-11-29", ends_on="2022-11-30")
    new = make_event(client, admin, slug="new", starts_on="2030-11-29", ends_on="2030-11-30")
    register(client, old["id"], 1)
    keep = register(client, new["id"], 2)
    with open_session(app.state.engine, write=True) as db:
        done = retention(db, days=90, today=date(2023, 6, 1))
        db.commit()
    assert done == {old["id"]: 1}
    regs = client.get(f"/api/v1/events/{old['id']}/registrations", headers=admin).json()["items"]
    assert regs[0]["last_name"] == "[erased]" and regs[0]["status"] == "confirmed"
    assert client.get("/api/v1/me", headers=bearer(keep["token"])).json()["last_name"] == "Żółkiewska-2"
