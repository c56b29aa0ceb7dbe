"""The organizer's registration search (`q`) ignores case and Polish diacritics, on both databases.

"Zak" finds "Żak", "lodz" finds "Łódź", "zolw" finds "Żółw": the stored `search_key` is folded
(NFKD, no combining marks, ł -> l, casefold) wherever names and organizations are written, and
the query's words are folded the same way.
"""

import pytest
from sqlalchemy import create_engine, text

from app.common.collation import fold, search_key
from tests.dbutil import backends, fresh_database, migrate
from tests.factories import bearer, make_event, register

PEOPLE = [  # (first name, last name, organization)
    ("Łucja", "Żak", "Urząd Miasta Łódź"),
    ("Jan", "Żółw", "Gmina Serock"),
    ("Anna", "Zając", "Starostwo Powiatowe w Śremie"),
    ("ŁUKASZ", "NOWAK", "GMINA ŁĘKNICA"),
    ("Zofia", "Kowalska", "Fundacja 100% Współpracy"),
]


def seed(client, admin):
    event = make_event(client, admin)
    regs = [
        register(
            client, event["id"], i, first_name=first, last_name=last, organization=org, email=f"osoba{i}@example.pl"
        )
        for i, (first, last, org) in enumerate(PEOPLE, start=1)
    ]
    return event, regs


def found(client, admin, event_id, q):
    r = client.get(f"/api/v1/events/{event_id}/registrations", params={"q": q, "limit": 500}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return sorted(item["last_name"] for item in body["items"])


def test_fold():
    assert fold("Żółw") == "zolw"
    assert fold("ŁÓDŹ") == fold("Łódź") == "lodz"
    assert fold("Ąę Ćń Śź") == "ae cn sz"
    assert fold("  Straße\tﬁt ") == "strasse fit"
    assert search_key("Łucja", "Żak", "Urząd Miasta Łódź") == "zak lucja urzad miasta lodz"
    assert search_key("Jan", "Nowak", None) == "nowak jan"


def test_names_without_diacritics_or_case(client, admin):
    event, _ = seed(client, admin)
    e = event["id"]
    assert found(client, admin, e, "Zak") == ["Żak"]
    assert found(client, admin, e, "zak") == ["Żak"]
    assert found(client, admin, e, "ŻAK") == ["Żak"]
    assert found(client, admin, e, "zolw") == ["Żółw"]
    assert found(client, admin, e, "ŻÓŁW") == ["Żółw"]
    assert found(client, admin, e, "zajac") == ["Zając"]
    assert found(client, admin, e, "lukasz") == ["NOWAK"]  # stored in capitals, found in lower case
    assert found(client, admin, e, "łucja") == ["Żak"]
    assert found(client, admin, e, "lucja zak") == ["Żak"]  # every word must match
    assert found(client, admin, e, "Żak Jan") == []
    assert found(client, admin, e, "za") == ["Zając", "Żak"]  # a part of a word


def test_organization(client, admin):
    event, _ = seed(client, admin)
    e = event["id"]
    assert found(client, admin, e, "Lodz") == ["Żak"]
    assert found(client, admin, e, "ŁÓDŹ") == ["Żak"]
    assert found(client, admin, e, "sremie") == ["Zając"]
    assert found(client, admin, e, "leknica") == ["NOWAK"]
    assert found(client, admin, e, "gmina") == ["NOWAK", "Żółw"]
    assert found(client, admin, e, "gmina zolw") == ["Żółw"]  # name and organization together


def test_email_still_found_and_wildcards_literal(client, admin):
    event, _ = seed(client, admin)
    e = event["id"]
    assert found(client, admin, e, "osoba3@") == ["Zając"]
    assert found(client, admin, e, "100%") == ["Kowalska"]
    assert found(client, admin, e, "%") == ["Kowalska"]  # a literal percent sign, not "anything"
    assert found(client, admin, e, "_") == []
    assert found(client, admin, e, "x") == ["Kowalska", "NOWAK", "Zając", "Żak", "Żółw"]  # all e-mails: example.pl
    assert len(found(client, admin, e, "  ")) == len(PEOPLE)  # no words: no filter


def test_with_other_filters_and_paging(client, admin):
    event, _ = seed(client, admin)
    url = f"/api/v1/events/{event['id']}/registrations"
    r = client.get(url, params={"q": "gmina", "limit": 1}, headers=admin).json()
    assert r["total"] == 2 and len(r["items"]) == 1
    r = client.get(url, params={"q": "gmina", "status": "waitlisted"}, headers=admin).json()
    assert r["total"] == 0
    other = make_event(client, admin, slug="inne")
    register(client, other["id"], 9, last_name="Żak", email="zak@example.pl")
    assert found(client, admin, event["id"], "zak") == ["Żak"]  # only this event
    assert found(client, admin, other["id"], "zak") == ["Żak"]


def test_a_changed_name_is_found_by_the_new_one(client, admin):
    event, regs = seed(client, admin)
    e = event["id"]
    r = client.patch(
        "/api/v1/me", json={"last_name": "Źrebiec", "organization": "Gmina Żółkiewka"}, headers=bearer(regs[0]["token"])
    )
    assert r.status_code == 200, r.text
    assert found(client, admin, e, "zak") == []
    assert found(client, admin, e, "zrebiec") == ["Źrebiec"]
    assert found(client, admin, e, "zolkiewka") == ["Źrebiec"]
    assert found(client, admin, e, "lodz") == []


def test_an_erased_person_is_not_found_by_name(client, admin):
    event, regs = seed(client, admin)
    assert client.post(f"/api/v1/registrations/{regs[1]['id']}/erase", headers=admin).status_code == 200
    assert found(client, admin, event["id"], "zolw") == []
    assert found(client, admin, event["id"], "jan") == []


@pytest.mark.parametrize("backend", backends())
def test_migration_backfills_existing_registrations(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        migrate(url, "0010")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO events (id, slug, title, venue, timezone, starts_on, ends_on, capacity, published, "
                    "confirmed_count, waitlist_seq, reserved_open, requires_approval, created_at, updated_at) VALUES "
                    "(1, 'serock', 'Seminarium', 'Serock', 'Europe/Warsaw', '2022-11-29', '2022-11-30', 10, true, 1, "
                    "0, 0, false, '2022-10-01 10:00:00', '2022-10-01 10:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO registrations (id, event_id, first_name, last_name, email, email_normalized, "
                    "organization, organization_normalized, category, status, consent_at, consent_version, "
                    "token_digest, created_at, updated_at) VALUES (1, 1, 'Łucja', 'Żółw', 'l@x.pl', 'l@x.pl', "
                    "'Urząd Miasta Łódź', 'urząd miasta łódź', 'other', 'confirmed', '2022-10-01 10:00:00', 'v1', "
                    "'d1', '2022-10-01 10:00:00', '2022-10-01 10:00:00')"
                )
            )
        migrate(url, "0011")
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT search_key FROM registrations")).scalar_one()
                == "zolw lucja urzad miasta lodz"
            )
        engine.dispose()
