"""/metrics must not tell whether a recovery request was for a registered address (issue 23)."""

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.api.recovery.helpers import recover
from tests.factories import make_event, person, register
from tests.mailbox import deliver

Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _counts(client: TestClient, admin: dict[str, str]) -> Series:
    """Every counter, histogram count and the outbox's messages by status (sums and buckets
    depend on timing, live gauges on the moment)."""
    response = client.get("/metrics", headers=admin)
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        if s.name.endswith(("_total", "_count")) or s.name == "outbox_messages"
    }


def test_a_recovery_request_moves_the_same_counters_for_any_address(client, admin, app, box):
    event = make_event(client, admin)
    register(client, event["id"], 1)
    deliver(app)  # the confirmation is out of the way
    changed = {}
    for email in (person(1)["email"], "nikt@gmina-serock.pl"):
        before = _counts(client, admin)
        assert recover(client, event["id"], email).status_code == 202
        deliver(app)
        after = _counts(client, admin)
        changed[email] = {
            k: after.get(k, 0.0) - before.get(k, 0.0)
            for k in before.keys() | after.keys()
            if after.get(k, 0.0) != before.get(k, 0.0)
        }
    # the registered address did get its code
    assert [str(m["Subject"]) for m in box.to(person(1)["email"])][-1].startswith("Nowy link do rejestracji")
    assert changed[person(1)["email"]] == changed["nikt@gmina-serock.pl"]
    assert not any(name.startswith("outbox_") for name, _ in changed["nikt@gmina-serock.pl"])
