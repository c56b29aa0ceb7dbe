from sqlmodel import func, select

from app.db import open_session
from app.demo import SLUG, load
from app.registrations.models import Registration


def test_demo_loads_the_serock_seminar_once(client, app, admin):
    with open_session(app.state.engine, write=True) as db:
        assert load(db, consent_version="test") is not None
        db.commit()
    with open_session(app.state.engine, write=True) as db:
        assert load(db, consent_version="test") is None  # idempotent
        partnerships = db.exec(select(func.count(func.distinct(Registration.partnership)))).one()
    events = client.get("/api/v1/events").json()["items"]
    event = next(e for e in events if e["slug"] == SLUG)
    assert event["timezone"] == "Europe/Warsaw" and event["starts_on"] == "2022-11-29"
    sessions = client.get(f"/api/v1/events/{event['id']}/sessions").json()["items"]
    assert len(sessions) == 14
    assert sum(s["kind"] == "workshop" for s in sessions) == 10
    assert any("kryteria horyzontalne" in s["title"] for s in sessions)
    regs = client.get(f"/api/v1/events/{event['id']}/registrations", params={"limit": 500}, headers=admin).json()
    assert regs["total"] == 150
    assert partnerships == 77
    assert any(ch in "".join(r["last_name"] for r in regs["items"]) for ch in "ąćęłńóśźż")
