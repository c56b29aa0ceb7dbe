"""Who sees whom in GET /events/{id}/participants: the audience each person chose."""

from datetime import date

import pytest

from app.auth.deps import Organizer
from app.auth.models import KeyRole
from app.auth.optional import optional_organizer
from app.db import open_session
from app.privacy.service import retention
from tests.api.participants.helpers import names, participants
from tests.factories import assert_problem, bearer, make_event, register


@pytest.fixture
def listed(client, admin):
    """One confirmed person per listing choice (none by default) and a member token."""
    event = make_event(client, admin)
    e = event["id"]
    regs = {
        "hidden": register(client, e, 1, last_name="Domyślna"),
        "members": register(client, e, 2, last_name="Dla-Uczestników", listing="participants"),
        "public": register(client, e, 3, last_name="Publiczna", listing="public"),
    }
    return event, regs


def test_three_audiences(client, admin, listed):
    event, regs = listed
    e = event["id"]
    assert names(client, e) == ["Publiczna"]
    member = regs["hidden"]["token"]  # a member who is not listed still sees the others
    assert names(client, e, bearer(member)) == ["Dla-Uczestników", "Publiczna"]
    assert names(client, e, admin) == ["Dla-Uczestników", "Publiczna"]
    body = participants(client, e)
    assert body["total"] == 1 and body["limit"] == 50 and body["offset"] == 0
    assert body["items"] == [
        {
            "first_name": "Łucja",
            "last_name": "Publiczna",
            "organization": "Gmina 3",
            "partnership": "Partnerstwo Doliny Bugu",
        }
    ]


def test_no_email_category_position_or_ids(client, admin, listed):
    event, regs = listed
    for headers in ({}, bearer(regs["members"]["token"]), admin):
        r = client.get(f"/api/v1/events/{event['id']}/participants", headers=headers)
        assert r.status_code == 200
        text = r.text
        assert "@" not in text and "email" not in text and "gmina-serock.pl" not in text
        assert "local_government" not in text and "category" not in text and "Sekretarz" not in text
        assert '"id"' not in text and "token" not in text and "listing" not in text


def test_default_none_is_never_shown(client, admin, listed):
    event, regs = listed
    for headers in ({}, bearer(regs["public"]["token"]), admin):
        assert "Domyślna" not in names(client, event["id"], headers)


def test_token_of_another_event_or_garbage_reads_as_anonymous(client, admin, listed):
    event, _ = listed
    other = make_event(client, admin, slug="inne-wydarzenie")
    stranger = register(client, other["id"], 9, listing="participants")
    assert names(client, event["id"], bearer(stranger["token"])) == ["Publiczna"]
    assert names(client, event["id"], bearer("reg_not-a-real-token")) == ["Publiczna"]
    assert names(client, event["id"], bearer("something-else")) == ["Publiczna"]
    # ...and the stranger's own event shows them to themselves (they chose participants).
    assert names(client, other["id"], bearer(stranger["token"])) == ["Żółkiewska-9"]
    assert names(client, other["id"]) == []


def test_checkin_key_reads_as_anonymous(client, admin, listed):
    event, _ = listed
    key = client.post("/api/v1/organizer-keys", json={"name": "bramka", "role": "checkin"}, headers=admin).json()
    assert names(client, event["id"], bearer(key["key"])) == ["Publiczna"]


def test_waitlisted_cancelled_and_erased_are_not_listed(client, admin):
    event = make_event(client, admin, capacity=2)
    e = event["id"]
    a = register(client, e, 1, last_name="Adamska", listing="public")
    b = register(client, e, 2, last_name="Bąk", listing="public")
    c = register(client, e, 3, last_name="Cebula", listing="participants")
    assert c["status"] == "waitlisted"
    assert names(client, e, admin) == ["Adamska", "Bąk"]
    # A waitlisted person is a member: sees the `participants` listings (none confirmed but them).
    assert names(client, e, bearer(c["token"])) == ["Adamska", "Bąk"]
    assert client.delete("/api/v1/me", headers=bearer(b["token"])).status_code == 200  # c takes b's seat
    assert names(client, e, admin) == ["Adamska", "Cebula"]
    assert names(client, e) == ["Adamska"]
    # A cancelled registration's token still reads /me but is no member any more.
    assert client.get("/api/v1/me", headers=bearer(b["token"])).status_code == 200
    assert names(client, e, bearer(b["token"])) == ["Adamska"]
    erased = client.post(f"/api/v1/registrations/{a['id']}/erase", headers=admin)
    assert erased.status_code == 200
    assert names(client, e, admin) == ["Cebula"]


def test_erased_by_retention_though_still_confirmed_is_not_listed(client, admin, app):
    event = make_event(client, admin, slug="dawne", starts_on="2022-11-29", ends_on="2022-11-30")
    register(client, event["id"], 1, listing="public")
    assert participants(client, event["id"])["total"] == 1
    with open_session(app.state.engine, write=True) as db:
        assert retention(db, days=90, today=date(2023, 6, 1)) == {event["id"]: 1}
        db.commit()
    body = participants(client, event["id"], admin)
    assert body == {"items": [], "total": 0, "limit": 50, "offset": 0}
    # The registration itself stays confirmed (the tallies need it), and keeps its organization.
    regs = client.get(f"/api/v1/events/{event['id']}/registrations", headers=admin).json()["items"]
    assert regs[0]["status"] == "confirmed" and regs[0]["erased_at"]


def test_pending_registration_is_no_member_until_approved(client, admin):
    event = make_event(client, admin, requires_approval=True)
    e = event["id"]
    register(client, e, 1, headers=admin, last_name="Publiczna", listing="public")  # organizers seat directly
    register(client, e, 2, headers=admin, last_name="Dla-Uczestników", listing="participants")
    pending = register(client, e, 3, last_name="Czekająca", listing="public")
    assert pending["status"] == "pending"
    assert names(client, e, bearer(pending["token"])) == ["Publiczna"]  # no member, and not listed
    r = client.post(f"/api/v1/registrations/{pending['id']}/approve", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert names(client, e, bearer(pending["token"])) == ["Czekająca", "Dla-Uczestników", "Publiczna"]
    assert names(client, e) == ["Czekająca", "Publiczna"]


def test_listing_is_stored_at_registration_shown_in_me_and_changed_both_ways(client, admin):
    event = make_event(client, admin)
    e = event["id"]
    me = register(client, e, 1, last_name="Zmienna")
    member = bearer(register(client, e, 2, last_name="Obserwatorka")["token"])
    h = bearer(me["token"])
    assert client.get("/api/v1/me", headers=h).json()["listing"] == "none"
    assert client.get("/api/v1/me/export", headers=h).json()["listing"] == "none"
    for listing, anonymous, members in (
        ("public", ["Zmienna"], ["Zmienna"]),
        ("participants", [], ["Zmienna"]),
        ("none", [], []),
        ("participants", [], ["Zmienna"]),
        ("public", ["Zmienna"], ["Zmienna"]),
    ):
        r = client.patch("/api/v1/me", json={"listing": listing}, headers=h)
        assert r.status_code == 200 and r.json()["listing"] == listing, r.text
        assert client.get("/api/v1/me", headers=h).json()["listing"] == listing
        assert client.get("/api/v1/me/export", headers=h).json()["listing"] == listing
        assert names(client, e) == anonymous, listing
        assert names(client, e, member) == members, listing
    # Other changes leave the choice alone.
    assert client.patch("/api/v1/me", json={"position": "Wójt"}, headers=h).json()["listing"] == "public"
    again = register(client, e, 3, last_name="Od-Razu", listing="participants")
    assert client.get("/api/v1/me", headers=bearer(again["token"])).json()["listing"] == "participants"


@pytest.mark.parametrize("value", ["everyone", "PUBLIC", 1, True, ""])
def test_bad_listing_is_422(client, admin, value):
    event = make_event(client, admin)
    body = assert_problem(
        client.post(
            f"/api/v1/events/{event['id']}/registrations",
            json={
                "first_name": "Anna",
                "last_name": "Nowak",
                "email": "anna@example.pl",
                "organization": "Gmina",
                "consent": True,
                "listing": value,
            },
        ),
        422,
    )
    assert "listing" in str(body)
    me = register(client, event["id"], 1)
    assert_problem(client.patch("/api/v1/me", json={"listing": value}, headers=bearer(me["token"])), 422)
    assert client.get("/api/v1/me", headers=bearer(me["token"])).json()["listing"] == "none"


def test_unknown_or_unpublished_event_is_404_except_for_organizers(client, admin):
    event = make_event(client, admin, published=False)
    e = event["id"]
    member = register(client, e, 1, headers=admin, listing="public")  # organizers may register people early
    assert_problem(client.get(f"/api/v1/events/{e}/participants"), 404)
    assert_problem(client.get(f"/api/v1/events/{e}/participants", headers=bearer(member["token"])), 404)
    assert names(client, e, admin) == ["Żółkiewska-1"]
    assert_problem(client.get("/api/v1/events/987654/participants"), 404)
    assert_problem(client.get("/api/v1/events/987654/participants", headers=admin), 404)


def test_organizer_key_scoped_to_other_events_gets_404(client, admin, app, listed):
    event, _ = listed
    e = event["id"]

    def scoped(event_ids):
        return lambda: Organizer(name="zakres", role=KeyRole.organizer, key_id=1, event_ids=frozenset(event_ids))

    try:
        app.dependency_overrides[optional_organizer] = scoped({e})
        assert names(client, e) == ["Dla-Uczestników", "Publiczna"]
        app.dependency_overrides[optional_organizer] = scoped({e + 1000})
        assert_problem(client.get(f"/api/v1/events/{e}/participants"), 404)
    finally:
        app.dependency_overrides.pop(optional_organizer, None)
