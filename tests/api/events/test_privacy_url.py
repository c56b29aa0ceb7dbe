"""The event's privacy notice address (`privacy_url`): https only, set, changed and cleared by
organizers, shown to everyone with the event (the registration form links the consent box to it)."""

import pytest

from tests.factories import EVENT, assert_problem, make_event

NOTICE = "https://www.gmina-serock.pl/ochrona-danych?lang=pl#rodo"


def test_unset_by_default_and_readable_by_everyone(client, admin):
    event = make_event(client, admin)
    assert event["privacy_url"] is None
    set_ = client.patch(f"/api/v1/events/{event['id']}", json={"privacy_url": NOTICE}, headers=admin)
    assert set_.status_code == 200, set_.text
    assert set_.json()["privacy_url"] == NOTICE
    public = client.get(f"/api/v1/events/{event['id']}")  # no credential: the form reads it
    assert public.json()["privacy_url"] == NOTICE
    assert client.get("/api/v1/events").json()["items"][0]["privacy_url"] == NOTICE


def test_given_at_creation_trimmed_and_cleared_with_null(client, admin):
    event = make_event(client, admin, privacy_url=f"  {NOTICE} ")
    assert event["privacy_url"] == NOTICE
    other = client.patch(f"/api/v1/events/{event['id']}", json={"title": "Nowy tytuł"}, headers=admin)
    assert other.json()["privacy_url"] == NOTICE  # untouched by a change of another field
    cleared = client.patch(f"/api/v1/events/{event['id']}", json={"privacy_url": None}, headers=admin)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["privacy_url"] is None
    assert client.get(f"/api/v1/events/{event['id']}").json()["privacy_url"] is None


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.org/privacy",  # not https
        "javascript:alert(1)",  # not a web address at all
        "https://",  # no host
        "/privacy",  # relative
        "https://user:secret@example.org/rodo",  # credentials
        "https://example.org/polityka prywatności",  # a space
        "https://example.org:99999/",  # port out of range
        "",  # empty
        "https://example.org/" + "a" * 2000,  # too long
    ],
)
def test_anything_but_an_https_address_is_refused(client, admin, url):
    event = make_event(client, admin)
    body = assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"privacy_url": url}, headers=admin), 422)
    assert ["body", "privacy_url"] in [e["loc"] for e in body["errors"]], body
    created = client.post("/api/v1/events", json={**EVENT, "slug": "inne", "privacy_url": url}, headers=admin)
    assert_problem(created, 422)
    assert client.get(f"/api/v1/events/{event['id']}").json()["privacy_url"] is None


def test_only_organizers_set_it(client, admin):
    event = make_event(client, admin)
    assert_problem(client.patch(f"/api/v1/events/{event['id']}", json={"privacy_url": NOTICE}), 401)
    assert client.get(f"/api/v1/events/{event['id']}").json()["privacy_url"] is None
