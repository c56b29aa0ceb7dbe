"""The participants list: Polish alphabetical order, paging, the `q` search, the rate-limit bucket."""

from app.ratelimit.middleware import bucket
from tests.api.participants.helpers import names, participants
from tests.factories import assert_problem, bearer, make_event, register

POLISH_ORDER = ["Adamska", "Cebula", "Ćwik", "Lis", "łoś", "Nowak-Kowalska", "Nowakowska", "Zając", "Źrebiec", "Żak"]


def _everyone(client, admin):
    event = make_event(client, admin)
    # Registered in a scrambled order so that registration order or ids cannot pass for sorting.
    for i, last in enumerate(reversed(POLISH_ORDER[::2] + POLISH_ORDER[1::2]), start=1):
        register(client, event["id"], i, last_name=last, listing="public", organization=f"Gmina {last}")
    return event["id"]


def test_polish_alphabetical_order(client, admin):
    e = _everyone(client, admin)
    assert names(client, e) == POLISH_ORDER  # Ł after L, Ć after C, Ź then Ż last, hyphen before letters


def test_same_name_breaks_ties_by_registration_and_first_name_counts(client, admin):
    event = make_event(client, admin)
    e = event["id"]
    register(client, e, 1, first_name="Łucja", last_name="Nowak", listing="public", organization="Druga")
    register(client, e, 2, first_name="Lucyna", last_name="Nowak", listing="public", organization="Pierwsza")
    register(client, e, 3, first_name="Łucja", last_name="Nowak", listing="public", organization="Trzecia")
    items = participants(client, e)["items"]
    assert [(p["first_name"], p["organization"]) for p in items] == [
        ("Lucyna", "Pierwsza"),
        ("Łucja", "Druga"),
        ("Łucja", "Trzecia"),
    ]


def test_paging_keeps_the_order(client, admin):
    e = _everyone(client, admin)
    first = participants(client, e, limit=4)
    second = participants(client, e, limit=4, offset=4)
    last = participants(client, e, limit=4, offset=8)
    assert first["total"] == second["total"] == last["total"] == len(POLISH_ORDER)
    assert [p["last_name"] for p in first["items"] + second["items"] + last["items"]] == POLISH_ORDER
    assert (second["limit"], second["offset"]) == (4, 4)
    assert_problem(client.get(f"/api/v1/events/{e}/participants", params={"limit": 0}), 422)
    assert_problem(client.get(f"/api/v1/events/{e}/participants", params={"sort": "email"}), 422)


def test_search_names_and_organizations(client, admin):
    e = _everyone(client, admin)
    assert names(client, e, q="żak") == ["Żak"]  # case-insensitive beyond ASCII, on both databases
    assert names(client, e, q="ŁOŚ") == ["łoś"]
    assert names(client, e, q="nowak") == ["Nowak-Kowalska", "Nowakowska"]
    assert names(client, e, q="gmina zając") == ["Zając"]  # every word must match somewhere
    assert names(client, e, q="łucja nowakowska") == ["Nowakowska"]  # first name + last name
    assert participants(client, e, q="%")["total"] == 0  # wildcards are literal
    assert participants(client, e, q="_")["total"] == 0
    assert names(client, e, q="  ") == POLISH_ORDER
    assert participants(client, e, q="gmina-serock.pl")["total"] == 0  # e-mails are not searched
    assert_problem(client.get(f"/api/v1/events/{e}/participants", params={"q": "x" * 101}), 422)


def test_search_never_reveals_the_hidden(client, admin):
    event = make_event(client, admin)
    e = event["id"]
    register(client, e, 1, last_name="Ukryta", listing="participants", organization="Tajna Fundacja")
    member = register(client, e, 2, last_name="Jawna", listing="public")
    assert participants(client, e, q="tajna")["total"] == 0
    assert participants(client, e, q="ukryta")["total"] == 0
    assert names(client, e, bearer(member["token"]), q="tajna") == ["Ukryta"]


def test_rate_limit_bucket_of_the_list():
    """Anonymous reads are not limited; with a registration token they count as token use."""
    path = "/api/v1/events/1/participants"
    assert bucket("GET", path, b"") is None
    assert bucket("GET", path, b"Bearer org-key") is None
    assert bucket("GET", path, b"Bearer reg_abc") == "token"
    assert bucket("GET", path, b"Bearer link.1.2.3.abc") == "token"  # a personal link (issue 25)
