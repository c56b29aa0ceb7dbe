"""The assignment is solved on a snapshot, outside any write transaction; a commit writes the
seats solved only if nothing the run read has changed meanwhile, and otherwise solves once more
under the event's lock (issue 24).

Here a person changes their ranking while the run reads its snapshot (after the rankings are
read): the run must not write seats computed from the old ranking.
"""

from sqlalchemy import event as sa_event

from tests.factories import bearer, make_event, make_session, register


def _two_workshops(client, admin):
    event = make_event(client, admin)
    workshops = [
        make_session(client, admin, event["id"], title=f"Warsztat {c}", capacity=1, room=f"Sala {c}")["id"]
        for c in "AB"
    ]
    people = [register(client, event["id"], i) for i in range(2)]
    for reg in people:
        r = client.put("/api/v1/me/preferences", json={"session_ids": workshops}, headers=bearer(reg["token"]))
        assert r.status_code == 200, r.text
    return event, workshops, people


def test_a_ranking_changed_while_solving_is_solved_again_under_the_lock(client, admin, app):
    event, (a, b), (first, second) = _two_workshops(client, admin)
    url = f"/api/v1/events/{event['id']}/assignments"
    armed = [True]

    def after(conn, cursor, statement, parameters, context, executemany):
        if armed[0] and "FROM preferences" in statement:  # the snapshot has read the rankings
            armed[0] = False
            r = client.put("/api/v1/me/preferences", json={"session_ids": [b, a]}, headers=bearer(second["token"]))
            assert r.status_code == 200, r.text

    engine = app.state.engine
    sa_event.listen(engine, "after_cursor_execute", after)
    try:
        run = client.post(url, json={"method": "optimal", "dry_run": False}, headers=admin)
    finally:
        sa_event.remove(engine, "after_cursor_execute", after)
    assert not armed[0]
    assert run.status_code == 200, run.text
    assert run.json()["first_choice_share"] == 1.0  # the new ranking: each gets their first choice
    rosters = {w: client.get(f"/api/v1/sessions/{w}/enrollments", headers=admin).json()["items"] for w in (a, b)}
    assert [e["registration_id"] for e in rosters[a]] == [first["id"]]
    assert [e["registration_id"] for e in rosters[b]] == [second["id"]]
