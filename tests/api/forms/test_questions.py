"""Custom questions: validated answers, options with capacity, edits that never corrupt answers."""

from fastapi.testclient import TestClient

from tests.api.forms.helpers import ACCESS, ARRIVAL, DIET, GUESTS, NIGHT, NOTES, add_question
from tests.factories import assert_problem, bearer, make_event, person


def _form(client: TestClient, admin: dict[str, str]) -> tuple[dict, dict, dict]:
    event = make_event(client, admin)
    night = add_question(client, admin, event["id"], NIGHT)
    diet = add_question(client, admin, event["id"], DIET)
    return event, night, diet


def _reg(client: TestClient, event_id: int, i: int, answers: dict) -> object:
    return client.post(f"/api/v1/events/{event_id}/registrations", json=person(i, answers=answers))


def test_questions_are_listed_in_order_with_places_left(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    notes = add_question(client, admin, event["id"], {**NOTES, "position": 0})
    listed = client.get(f"/api/v1/events/{event['id']}/questions").json()  # public
    assert [q["id"] for q in listed] == [notes["id"], night["id"], diet["id"]]
    assert listed[1]["label"] == {"pl": "Nocleg 29/30 XI", "en": "Night 29/30 Nov"}
    assert [(o["capacity"], o["remaining"]) for o in listed[1]["options"]] == [(1, 1), (None, None)]
    assert listed[0]["options"] is None
    assert_problem(
        client.post(f"/api/v1/events/{event['id']}/questions", json={**NIGHT, "options": []}, headers=admin), 422
    )
    assert_problem(
        client.post(
            f"/api/v1/events/{event['id']}/questions", json={**NOTES, "options": NIGHT["options"]}, headers=admin
        ),
        422,
    )
    assert_problem(client.post(f"/api/v1/events/{event['id']}/questions", json=NOTES), 401)


def test_answers_of_every_type_are_stored_and_shown_to_the_person(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    ids = {
        name: add_question(client, admin, event["id"], body)["id"]
        for name, body in (("notes", NOTES), ("access", ACCESS), ("arrival", ARRIVAL), ("guests", GUESTS))
    }
    yes, _ = (o["id"] for o in night["options"])
    veg, gluten = (o["id"] for o in diet["options"])
    answers = {
        str(night["id"]): yes,
        str(diet["id"]): [gluten, veg],
        str(ids["notes"]): "Przyjadę\npociągiem",
        str(ids["access"]): True,
        str(ids["arrival"]): "2022-11-29",
        str(ids["guests"]): 1,
    }
    r = _reg(client, event["id"], 1, answers)
    assert r.status_code == 201, r.text
    me = client.get("/api/v1/me", headers=bearer(r.json()["token"])).json()
    assert me["answers"] == {
        str(night["id"]): [yes],
        str(diet["id"]): [veg, gluten],
        str(ids["notes"]): "Przyjadę\npociągiem",
        str(ids["access"]): True,
        str(ids["arrival"]): "2022-11-29",
        str(ids["guests"]): 1,
    }


def test_bad_answers_are_refused_naming_the_field(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    other = make_event(client, admin, slug="inne")
    foreign = add_question(client, admin, other["id"], NIGHT)
    yes = night["options"][0]["id"]
    notes = add_question(client, admin, event["id"], {**NOTES, "type": "text"})
    cases = {
        "missing required": ({}, f"answers.{night['id']}"),
        "unknown question": ({str(night["id"]): yes, "999999": "x"}, "answers.999999"),
        "question of another event": (
            {str(night["id"]): yes, str(foreign["id"]): foreign["options"][0]["id"]},
            f"answers.{foreign['id']}",
        ),
        "option of another question": ({str(night["id"]): diet["options"][0]["id"]}, f"answers.{night['id']}"),
        "wrong type": ({str(night["id"]): "tak"}, f"answers.{night['id']}"),
        "list for single choice": ({str(night["id"]): [yes]}, f"answers.{night['id']}"),
        "duplicate options": (
            {str(night["id"]): yes, str(diet["id"]): [diet["options"][0]["id"]] * 2},
            f"answers.{diet['id']}",
        ),
        "line break in short text": ({str(night["id"]): yes, str(notes["id"]): "a\nb"}, f"answers.{notes['id']}"),
        "not an id": ({str(night["id"]): yes, "abc": 1}, "answers.abc"),
    }
    for name, (answers, where) in cases.items():
        body = _reg(client, event["id"], 1, answers)
        problem = assert_problem(body, 422)
        locs = [".".join(str(p) for p in e["loc"][1:]) for e in problem["errors"]]
        assert any(loc.startswith(where) or loc == "answers.abc.[key]" for loc in locs), (name, problem)
    assert client.get(f"/api/v1/events/{event['id']}/registrations", headers=admin).json()["total"] == 0


def test_category_questions_are_asked_only_of_their_categories(client: TestClient, admin: dict[str, str]) -> None:
    event = make_event(client, admin)
    q = add_question(client, admin, event["id"], {**ACCESS, "required": True, "categories": ["ministry"]})
    assert _reg(client, event["id"], 1, {}).status_code == 201  # local government: not asked
    assert_problem(client.post(f"/api/v1/events/{event['id']}/registrations", json=person(2, category="ministry")), 422)
    assert_problem(_reg(client, event["id"], 3, {str(q["id"]): True}), 422)  # not asked of local government
    ok = client.post(
        f"/api/v1/events/{event['id']}/registrations",
        json=person(4, category="ministry", answers={str(q["id"]): False}),
    )
    assert ok.status_code == 201, ok.text


def test_the_last_room_goes_to_one_person_and_comes_back_on_cancel(client: TestClient, admin: dict[str, str]) -> None:
    event, night, _ = _form(client, admin)
    yes, no = (o["id"] for o in night["options"])
    first = _reg(client, event["id"], 1, {str(night["id"]): yes})
    assert first.status_code == 201
    full = assert_problem(_reg(client, event["id"], 2, {str(night["id"]): yes}), 409)
    assert full["type"].endswith("option-full") and "Tak, pokój w hotelu" in full["detail"]
    assert full["option_id"] == yes
    assert client.get(f"/api/v1/events/{event['id']}", headers=admin).json()["confirmed"] == 1  # nothing half-written
    assert _reg(client, event["id"], 2, {str(night["id"]): no}).status_code == 201
    client.delete("/api/v1/me", headers=bearer(first.json()["token"]))
    third = _reg(client, event["id"], 3, {str(night["id"]): yes})
    assert third.status_code == 201
    listed = client.get(f"/api/v1/events/{event['id']}/questions").json()[0]
    assert listed["options"][0]["taken"] == 1 and listed["options"][0]["remaining"] == 0


def test_changing_answers_in_me(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    yes, no = (o["id"] for o in night["options"])
    a = _reg(client, event["id"], 1, {str(night["id"]): yes}).json()
    b = _reg(client, event["id"], 2, {str(night["id"]): no}).json()
    assert_problem(
        client.patch("/api/v1/me", json={"answers": {str(night["id"]): yes}}, headers=bearer(b["token"])), 409
    )
    r = client.patch("/api/v1/me", json={"answers": {str(night["id"]): no}}, headers=bearer(a["token"]))
    assert r.status_code == 200, r.text
    r = client.patch(
        "/api/v1/me", json={"answers": {str(night["id"]): yes, str(diet["id"]): []}}, headers=bearer(b["token"])
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["answers"] == {str(night["id"]): [yes]}
    assert_problem(
        client.patch("/api/v1/me", json={"answers": {str(night["id"]): None}}, headers=bearer(b["token"])), 422
    )  # required
    # a PATCH without answers keeps them
    client.patch("/api/v1/me", json={"position": "Wójt"}, headers=bearer(b["token"]))
    assert client.get("/api/v1/me", headers=bearer(b["token"])).json()["answers"] == {str(night["id"]): [yes]}


def test_edits_never_corrupt_answers(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    yes, no = (o["id"] for o in night["options"])
    _reg(client, event["id"], 1, {str(night["id"]): yes})
    url = f"/api/v1/questions/{night['id']}"
    assert_problem(client.patch(url, json={"type": "text"}, headers=admin), 409)
    assert_problem(client.patch(url, json={"options": [{"id": no, "label": {"pl": "Nie"}}]}, headers=admin), 409)
    assert_problem(
        client.patch(
            url,
            json={"options": [{"id": yes, "label": {"pl": "Tak"}, "capacity": 0}, {"id": no, "label": {"pl": "Nie"}}]},
            headers=admin,
        ),
        409,
    )
    assert_problem(client.delete(url, headers=admin), 409)
    renamed = client.patch(
        url,
        json={
            "label": {"pl": "Nocleg", "en": "Night"},
            "options": [
                {"id": yes, "label": {"pl": "Tak"}, "capacity": 2},
                {"id": no, "label": {"pl": "Nie"}},
                {"label": {"pl": "Tylko śniadanie"}},
            ],
        },
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    assert [o["label"]["pl"] for o in renamed.json()["options"]] == ["Tak", "Nie", "Tylko śniadanie"]
    assert renamed.json()["options"][0]["taken"] == 1
    assert client.delete(f"/api/v1/questions/{diet['id']}", headers=admin).status_code == 204  # nobody answered
    assert_problem(client.delete(f"/api/v1/questions/{diet['id']}", headers=admin), 404)


def test_erasure_wipes_answers_and_gives_the_room_back(client: TestClient, admin: dict[str, str]) -> None:
    event, night, _ = _form(client, admin)
    yes = night["options"][0]["id"]
    a = _reg(client, event["id"], 1, {str(night["id"]): yes}).json()
    assert client.delete("/api/v1/me?erase=true", headers=bearer(a["token"])).status_code == 200
    assert client.get(f"/api/v1/events/{event['id']}/questions").json()[0]["options"][0]["taken"] == 0
    assert _reg(client, event["id"], 2, {str(night["id"]): yes}).status_code == 201


def test_stats_count_each_option(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    yes, no = (o["id"] for o in night["options"])
    _reg(client, event["id"], 1, {str(night["id"]): yes, str(diet["id"]): [diet["options"][0]["id"]]})
    _reg(client, event["id"], 2, {str(night["id"]): no})
    stats = client.get(f"/api/v1/events/{event['id']}/registrations/stats", headers=admin).json()
    by_question = {q["question_id"]: q for q in stats["questions"]}
    assert [(o["taken"], o["capacity"], o["remaining"]) for o in by_question[night["id"]]["options"]] == [
        (1, 1, 0),
        (1, None, None),
    ]
    assert [o["taken"] for o in by_question[diet["id"]]["options"]] == [1, 0]
    assert stats["pending"] == 0 and stats["confirmed"] == 2


def test_every_wrong_answer_is_named_at_once(client: TestClient, admin: dict[str, str]) -> None:
    event, night, diet = _form(client, admin)
    problem = assert_problem(_reg(client, event["id"], 1, {str(diet["id"]): "wegańska"}), 422)
    found = {(tuple(e["loc"]), e["type"]) for e in problem["errors"]}
    assert found == {
        (("body", "answers", str(diet["id"])), "value_error"),
        (("body", "answers", str(night["id"])), "missing"),
    }
