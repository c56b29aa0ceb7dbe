"""Registrations keep flowing while an organizer solves an assignment (issue 24), on SQLite with
one worker, the embedded default: one writer at a time in the whole database.

Seen before: the run (a dry run included) took the database's write lock with its first
statement and held it while solving, so every registration waited for the solve to end (and
gave up with 503 once it took longer than the lock timeout). Now the run reads a snapshot in a
short read transaction and solves with no transaction open. The figures at 10,000 people are a
benchmark (bench/bench_solve_rush.py), not this test: here it is enough that registrations
are answered, all 201, while the solve is still running.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.concurrency.server import LiveServer, live_server
from tests.concurrency.test_registration_race import API, make_event, person

pytestmark = pytest.mark.slow

PEOPLE, RUSHERS = 400, 4
SLOTS = (
    ("2022-11-29T10:00:00+01:00", "2022-11-29T12:00:00+01:00"),
    ("2022-11-29T13:00:00+01:00", "2022-11-29T15:00:00+01:00"),
)


def _workshops(live: LiveServer, event_id: int) -> list[list[int]]:
    slots = []
    with live.client() as client:
        for k, (starts_at, ends_at) in enumerate(SLOTS):
            slots.append(
                [
                    client.post(
                        f"{API}/events/{event_id}/sessions",
                        headers=live.admin,
                        json={
                            "title": f"Warsztat {k}.{j}",
                            "kind": "workshop",
                            "room": f"Sala {j}",
                            "starts_at": starts_at,
                            "ends_at": ends_at,
                            "capacity": PEOPLE // 5 + 10,
                        },
                    ).json()["id"]
                    for j in range(5)
                ]
            )
    return slots


def _people_who_rank(live: LiveServer, event_id: int, slots: list[list[int]]) -> None:
    def chunk(part: int) -> None:
        with live.client() as client:
            for i in range(part, PEOPLE, 8):
                token = client.post(f"{API}/events/{event_id}/registrations", json=person("solve", i)).json()["token"]
                order = [ws[(i * 7 + j) % 5] if i % 3 else ws[j] for ws in slots for j in range(5)]
                r = client.put(
                    f"{API}/me/preferences", json={"session_ids": order}, headers={"Authorization": f"Bearer {token}"}
                )
                assert r.status_code == 200, r.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(chunk, range(8)))


def test_registrations_are_answered_while_the_assignment_is_solved(tmp_path: Path) -> None:
    with live_server("sqlite", tmp_path / "solve", workers=1) as live:
        event_id = make_event(live, capacity=PEOPLE * 3)["id"]
        _people_who_rank(live, event_id, _workshops(live, event_id))
        solved = threading.Event()
        during: list[int] = []
        after: list[int] = []

        def rush(k: int) -> None:
            i = 0
            with live.client(timeout=120) as client:
                while not solved.is_set():
                    r = client.post(f"{API}/events/{event_id}/registrations", json=person(f"rush{k}", i))
                    (after if solved.is_set() else during).append(r.status_code)
                    i += 1

        body = {"method": "optimal", "dry_run": True, "fairness": "leximin", "time_limit": 60}
        answers: list[httpx.Response] = []
        with ThreadPoolExecutor(max_workers=RUSHERS) as pool, live.client(timeout=300) as client:
            started = time.perf_counter()
            solving = threading.Thread(
                target=lambda: answers.append(
                    client.post(f"{API}/events/{event_id}/assignments", json=body, headers=live.admin)
                )
            )
            solving.start()
            time.sleep(0.5)  # the run has begun
            rushers = [pool.submit(rush, k) for k in range(RUSHERS)]
            solving.join()
            seconds = time.perf_counter() - started
            solved.set()
            for f in rushers:
                f.result()
    [run] = answers
    assert run.status_code == 200, run.text
    assert set(during + after) == {201}, (during + after)[:20]
    # answered while the solve ran (about 100 a second here), not only once it ended: with the
    # write lock held by the solve, only the RUSHERS waiting for it would be answered, at its end
    assert seconds > 1.5, f"the solve took {seconds:.1f} s: too short to tell"
    assert len(during) >= max(20, 2 * int(seconds)), (len(during), seconds)
