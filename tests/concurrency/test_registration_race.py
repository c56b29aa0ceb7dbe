"""Races through real HTTP against uvicorn with 4 worker processes (SQLite and PostgreSQL).

Many threads, each with its own httpx.Client, wait on a barrier and then fire together.
The checks (`check_registration_race`) are shared with test_naive_overbooks.py, which shows
that they do catch overbooking when the write path is a naive read-then-write.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest

from tests.concurrency.server import LiveServer

pytestmark = pytest.mark.slow

C = TypeVar("C")
T = TypeVar("T")
API = "/api/v1"
RACE_TIMEOUT = 90.0  # longer than the server's lock (15 s) and pool (30 s) timeouts: see their answers


# --- racing ------------------------------------------------------------------------------


def race(
    task: Callable[[C, int], T], n: int, *, connect: Callable[[], AbstractContextManager[C]], threads: int = 100
) -> list[T]:
    """Run task(conn, i) for i in range(n) on `threads` threads released together by a barrier.

    Each thread opens its own connection with `connect()` (an httpx.Client, a database
    connection, ...) before the barrier; results come back in the order of i.
    """
    threads = max(1, min(threads, n))
    barrier = threading.Barrier(threads)

    def worker(k: int) -> list[tuple[int, T]]:
        try:
            with connect() as conn:
                barrier.wait(timeout=60)
                return [(i, task(conn, i)) for i in range(k, n, threads)]
        except BaseException:
            barrier.abort()  # release the others at once instead of after the barrier's timeout
            raise

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(worker, k) for k in range(threads)]
        done = [pair for f in futures for pair in f.result()]
    return [result for _, result in sorted(done, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class NoAnswer:
    """A request that got no HTTP answer (timeout, reset): counted by assert_statuses, not raised."""

    status_code: str
    text: str


def http_race(live: LiveServer, task: Callable[[httpx.Client, int], T], n: int, threads: int = 100) -> list[T]:
    def guarded(client: httpx.Client, i: int) -> T | NoAnswer:
        try:
            return task(client, i)
        except httpx.TransportError as exc:
            return NoAnswer(type(exc).__name__, str(exc))

    return race(guarded, n, connect=lambda: live.client(timeout=RACE_TIMEOUT), threads=threads)


# --- API helpers -------------------------------------------------------------------------


def make_event(live: LiveServer, *, capacity: int) -> dict[str, Any]:
    body = {
        "slug": f"race-{uuid.uuid4().hex[:12]}", "title": "Seminarium sieciujące – wyścig", "venue": "Serock",
        "timezone": "Europe/Warsaw", "starts_on": "2022-11-29", "ends_on": "2022-11-30", "capacity": capacity,
    }  # fmt: skip
    with live.client() as client:
        response = client.post(f"{API}/events", json=body, headers=live.admin)
    assert response.status_code == 201, response.text
    return response.json()


def person(tag: str, i: int) -> dict[str, Any]:
    return {
        "first_name": "Zofia", "last_name": f"Wiśniewska-{i}", "email": f"{tag}-{i}@gmina-serock.pl",
        "organization": f"Gmina {i % 7}", "position": "sekretarz", "consent": True,
    }  # fmt: skip


def register_all(live: LiveServer, event_id: int, tag: str, n: int, threads: int = 100) -> list[httpx.Response]:
    url = f"{API}/events/{event_id}/registrations"
    return http_race(live, lambda c, i: c.post(url, json=person(tag, i)), n, threads)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get_event(live: LiveServer, event_id: int) -> dict[str, Any]:
    with live.client() as client:
        response = client.get(f"{API}/events/{event_id}", headers=live.admin)
    assert response.status_code == 200, response.text
    return response.json()


def listed(client: httpx.Client, live: LiveServer, event_id: int, status: str) -> dict[str, Any]:
    response = client.get(
        f"{API}/events/{event_id}/registrations", params={"status": status, "limit": 500}, headers=live.admin
    )
    assert response.status_code == 200, response.text
    return response.json()


def organizer_list(live: LiveServer, event_id: int, status: str) -> list[dict[str, Any]]:
    with live.client() as client:
        page = listed(client, live, event_id, status)
    assert page["total"] == len(page["items"]), page["total"]
    return page["items"]


# --- checks (shared with test_naive_overbooks.py) ----------------------------------------


def assert_statuses(responses: Sequence[httpx.Response], expected: int | set[int] = 201) -> None:
    """Every response has the expected status (no 5xx); otherwise show the counts and a sample."""
    wanted = {expected} if isinstance(expected, int) else expected
    bad = [r for r in responses if r.status_code not in wanted]
    codes = Counter(r.status_code for r in responses)
    assert not bad, f"status codes {dict(codes)}; first unexpected: {bad[0].status_code} {bad[0].text[:300]}"


def check_capacity(confirmed: int, capacity: int, where: str) -> None:
    assert confirmed <= capacity, f"overbooked: {confirmed} confirmed > capacity {capacity} ({where})"


def check_registration_race(
    created: Sequence[dict[str, Any]],
    *,
    capacity: int,
    listed_confirmed: Sequence[dict[str, Any]],
    event_confirmed: int,
) -> None:
    """The outcome of n registrations raced into an empty event of `capacity` seats."""
    confirmed = [c for c in created if c["status"] == "confirmed"]
    waitlisted = [c for c in created if c["status"] == "waitlisted"]
    check_capacity(len(confirmed), capacity, "answers")
    check_capacity(len(listed_confirmed), capacity, "organizer list")
    check_capacity(event_confirmed, capacity, "event.confirmed")
    assert len(confirmed) + len(waitlisted) == len(created), Counter(c["status"] for c in created)
    assert len(confirmed) == min(capacity, len(created)), f"{len(confirmed)} confirmed, seats left empty"
    positions = sorted(w["waitlist_position"] for w in waitlisted)
    assert positions == list(range(1, len(waitlisted) + 1)), f"waitlist positions not 1..{len(waitlisted)}"
    assert len({c["id"] for c in created}) == len(created), "duplicate registration ids"
    assert {c["id"] for c in confirmed} == {r["id"] for r in listed_confirmed}, "organizer list disagrees"
    assert event_confirmed == len(confirmed), f"event.confirmed {event_confirmed} != {len(confirmed)}"


# --- tests -------------------------------------------------------------------------------


def test_200_registrations_into_20_seats(live: LiveServer) -> None:
    capacity, n = 20, 200
    event = make_event(live, capacity=capacity)
    responses = register_all(live, event["id"], "reg", n)
    listed_confirmed = organizer_list(live, event["id"], "confirmed")
    event_confirmed = get_event(live, event["id"])["confirmed"]
    check_capacity(len(listed_confirmed), capacity, "organizer list")  # first the invariant, even after 5xx
    check_capacity(event_confirmed, capacity, "event.confirmed")
    assert_statuses(responses, 201)
    check_registration_race(
        [r.json() for r in responses], capacity=capacity, listed_confirmed=listed_confirmed,
        event_confirmed=event_confirmed,
    )  # fmt: skip
    assert len(organizer_list(live, event["id"], "waitlisted")) == n - capacity


def test_100_enrollments_into_10_places(live: LiveServer) -> None:
    n, places = 100, 10
    event = make_event(live, capacity=n)
    registered = register_all(live, event["id"], "enr", n)
    assert_statuses(registered, 201)
    tokens = [r.json()["token"] for r in registered]
    assert {r.json()["status"] for r in registered} == {"confirmed"}
    session = {
        "title": "Warsztat: partnerstwa międzygminne", "kind": "workshop", "room": "Sala B", "capacity": places,
        "starts_at": "2022-11-29T14:00:00+01:00", "ends_at": "2022-11-29T15:30:00+01:00",
    }  # fmt: skip
    with live.client() as client:
        made = client.post(f"{API}/events/{event['id']}/sessions", json=session, headers=live.admin)
    assert made.status_code == 201, made.text
    session_id = made.json()["id"]

    def enroll(client: httpx.Client, i: int) -> httpx.Response:
        return client.post(f"{API}/me/enrollments", json={"session_id": session_id}, headers=bearer(tokens[i]))

    responses = http_race(live, enroll, n)
    assert_statuses(responses, 201)
    statuses = Counter(r.json()["status"] for r in responses)
    assert statuses == {"enrolled": places, "waitlisted": n - places}, statuses
    with live.client() as client:
        got = client.get(f"{API}/sessions/{session_id}")
    assert got.status_code == 200, got.text
    assert (got.json()["enrolled"], got.json()["capacity"]) == (places, places), got.json()


class Poller(threading.Thread):
    """Reads the event and the organizer list over and over; records every confirmed count seen."""

    def __init__(self, live: LiveServer, event_id: int) -> None:
        super().__init__(daemon=True)
        self.live, self.event_id = live, event_id
        self.stop, self.seen, self.errors = threading.Event(), [], []

    def run(self) -> None:
        with self.live.client() as client:
            while not self.stop.is_set() or not self.seen:
                try:
                    event = client.get(f"{API}/events/{self.event_id}", headers=self.live.admin)
                    page = listed(client, self.live, self.event_id, "confirmed")
                    self.seen += [event.json()["confirmed"], page["total"], len(page["items"])]
                except Exception as exc:
                    self.errors.append(repr(exc))


def test_cancels_and_registrations_mixed_keep_capacity_and_fifo(live: LiveServer) -> None:
    capacity, waiting, cancels, newcomers = 20, 40, 15, 30
    event = make_event(live, capacity=capacity)
    first = register_all(live, event["id"], "mix", capacity + waiting)
    assert_statuses(first, 201)
    bodies = [r.json() for r in first]
    confirmed = [b for b in bodies if b["status"] == "confirmed"]
    queue = sorted((b for b in bodies if b["status"] == "waitlisted"), key=lambda b: b["waitlist_position"])
    assert (len(confirmed), len(queue)) == (capacity, waiting)
    leaving = confirmed[:cancels]

    def is_cancel(i: int) -> bool:  # cancels interleaved with the newcomers
        return i % 3 == 0 and i // 3 < cancels

    def act(client: httpx.Client, i: int) -> httpx.Response:
        if is_cancel(i):
            return client.delete(f"{API}/me", headers=bearer(leaving[i // 3]["token"]))
        return client.post(f"{API}/events/{event['id']}/registrations", json=person("new", i))

    poller = Poller(live, event["id"])
    poller.start()
    try:
        responses = http_race(live, act, cancels + newcomers)
    finally:
        poller.stop.set()
        poller.join(timeout=60)
    cancel_responses = [r for i, r in enumerate(responses) if is_cancel(i)]
    new_responses = [r for i, r in enumerate(responses) if not is_cancel(i)]
    assert_statuses(cancel_responses, {200, 204})
    assert_statuses(new_responses, 201)
    assert not poller.errors, poller.errors[:3]
    assert max(poller.seen) <= capacity, f"overbooked at some moment: saw {max(poller.seen)} > {capacity}"
    assert min(poller.seen) == capacity, f"a seat stood empty while people waited: saw {min(poller.seen)}"
    assert {r.json()["status"] for r in new_responses} == {"waitlisted"}, "a newcomer jumped the queue"

    promoted = {b["id"] for b in queue[:cancels]}
    expected = {b["id"] for b in confirmed[cancels:]} | promoted
    now_confirmed = organizer_list(live, event["id"], "confirmed")
    assert get_event(live, event["id"])["confirmed"] == capacity
    got = {r["id"] for r in now_confirmed}
    assert got == expected, f"FIFO broken: promoted {sorted(got - expected)} instead of {sorted(expected - got)}"
    still = sorted(organizer_list(live, event["id"], "waitlisted"), key=lambda r: r["waitlist_position"])
    assert [r["waitlist_position"] for r in still] == list(range(1, len(still) + 1))
    newcomer_ids = {r.json()["id"] for r in new_responses}
    assert [r["id"] for r in still[: waiting - cancels]] == [b["id"] for b in queue[cancels:]]
    assert {r["id"] for r in still[waiting - cancels :]} == newcomer_ids
    assert {r["id"] for r in organizer_list(live, event["id"], "cancelled")} == {b["id"] for b in leaving}


def test_double_submit_with_idempotency_key(live: LiveServer) -> None:
    event = make_event(live, capacity=5)
    url, key, body = f"{API}/events/{event['id']}/registrations", str(uuid.uuid4()), person("idem", 1)
    responses = http_race(live, lambda c, _: c.post(url, json=body, headers={"Idempotency-Key": key}), 20)
    assert_statuses(responses, 201)
    answers = {(r.json()["id"], r.json()["token"], r.json()["status"]) for r in responses}
    assert len(answers) == 1, answers
    with live.client() as client:
        stored = client.get(url, params={"limit": 500}, headers=live.admin).json()
    assert stored["total"] == 1, stored
    assert get_event(live, event["id"])["confirmed"] == 1
