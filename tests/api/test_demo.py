from collections import Counter, defaultdict

from sqlmodel import func, select

from app.assignment.models import Preference
from app.db import open_session
from app.demo import PROPOSALS, SLUG, TOPICS, WORKSHOP_TOPICS, load
from app.enrollments.models import Enrollment, EnrollmentSource, EnrollmentStatus
from app.registrations.models import Registration

HERITAGE = "Dziedzictwo kulturowe i przyrodnicze"


def _load_demo(app):
    with open_session(app.state.engine, write=True) as db:
        loaded = load(db, consent_version="test")
        assert loaded is not None
        db.commit()
    return loaded


def test_demo_loads_the_serock_seminar_once(client, app, admin):
    _load_demo(app)
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
    assert Counter(r["status"] for r in regs["items"]) == {"confirmed": 150}
    assert partnerships == 77
    assert any(ch in "".join(r["last_name"] for r in regs["items"]) for ch in "ąćęłńóśźż")


def test_demo_poll_ballots_and_proportional_winners(client, app, admin):
    loaded = _load_demo(app)
    event_id = loaded.event.id
    polls = client.get(f"/api/v1/events/{event_id}/polls", headers=admin).json()
    assert polls["total"] == 1
    poll = polls["items"][0]
    assert poll["ballot"] == "approval" and poll["seats"] == 5 and poll["allow_proposals"]
    assert not poll["is_open"] and poll["closes_at"].startswith("2022-11-25")  # closed before the seminar
    titles = {t["title"] for t in poll["topics"]}
    assert titles == {t for t, *_ in TOPICS} | {t for t, *_ in PROPOSALS}
    assert all(t["status"] == "approved" for t in poll["topics"])
    by_id = {t["id"]: t["title"] for t in poll["topics"]}

    shares = client.get(f"/api/v1/polls/{poll['id']}/results", params={"rule": "equal_shares"}, headers=admin)
    assert shares.status_code == 200, shares.text
    shares = shares.json()
    assert shares["ballots"] == 150
    assert {by_id[t] for t in shares["winners"]} == set(WORKSHOP_TOPICS)
    plain = client.get(f"/api/v1/polls/{poll['id']}/results", params={"rule": "approval"}, headers=admin).json()
    assert HERITAGE not in {by_id[t] for t in plain["winners"]}  # the minority's topic needs proportionality
    supporters = {by_id[t["id"]]: t["supporters"] for t in shares["topics"]}
    assert 25 <= supporters[HERITAGE] <= 45  # a bloc of about a fifth, not a majority topic
    assert supporters["Cyfryzacja usług publicznych"] > supporters[HERITAGE]
    assert loaded.chosen.winners == shares["winners"] and loaded.by_approval.winners == plain["winners"]


def test_demo_publishes_the_winners_ranks_and_commits_the_assignment(client, app, admin):
    loaded = _load_demo(app)
    event_id = loaded.event.id
    poll_topics = {t.id: t.title for t in loaded.chosen.topics}
    sessions = client.get(f"/api/v1/events/{event_id}/sessions").json()["items"]
    workshops = [s for s in sessions if s["kind"] == "workshop"]
    assert len(workshops) == 10
    by_day = defaultdict(list)
    for w in workshops:
        assert poll_topics[w["topic_id"]] == w["title"] and w["title"] in WORKSHOP_TOPICS
        by_day[w["starts_at"][:10]].append(w)
    assert sorted(by_day) == ["2022-11-29", "2022-11-30"]
    for day in by_day.values():
        assert sorted(w["title"] for w in day) == sorted(WORKSHOP_TOPICS)
        assert sorted(w["room"] for w in day) == ["Sala A", "Sala B", "Sala C", "Sala D", "Sala E"]
        assert len({w["starts_at"] for w in day}) == 1  # one slot a day: parallel workshops
    assert all(0 < w["enrolled"] <= w["capacity"] for w in workshops)
    assert sum(w["enrolled"] for w in workshops) == 300

    workshop_ids = {w["id"] for w in workshops}
    with open_session(app.state.engine) as db:
        ranked = db.exec(select(Preference.registration_id, func.count()).group_by(Preference.registration_id)).all()
        seats = db.exec(select(Enrollment).where(Enrollment.status == EnrollmentStatus.enrolled)).all()
    assert len(ranked) == 150 and all(n == 10 for _, n in ranked)  # everyone ranked all ten workshops
    assert {s.session_id for s in seats} == workshop_ids
    assert all(s.source == EnrollmentSource.assignment for s in seats)  # written by the committed assignment
    per_person = defaultdict(list)
    titles = {w["id"]: (w["title"], w["starts_at"][:10]) for w in workshops}
    for s in seats:
        per_person[s.registration_id].append(titles[s.session_id])
    assert len(per_person) == 150
    for places in per_person.values():  # one workshop a day, two different topics
        assert len(places) == 2 and len({d for _, d in places}) == 2 and len({t for t, _ in places}) == 2

    a = loaded.assignment
    assert not a.dry_run and a.assigned == 150 and a.unassigned == 0 and sum(a.rank_counts) == 300
    assert a.rank_counts[0] >= 140 and a.first_choice_share >= a.baseline.first_choice_share
