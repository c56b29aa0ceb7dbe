"""Helpers for the invariant race tests: build a small event, fire requests together, and
check the stored state after every trial, through the API and in the database.

`fire` (one request per thread) and `swarm` (a task per thread) release freshly connected
httpx clients through a barrier; fresh connections spread the requests over the worker
processes. `Scenario.problems` reads the event back through the organizer API (sessions,
their people, registrations) and lists every broken invariant: counters equal rows, nobody
over capacity, no seat idle while someone waits, gap-free waiting lists, only confirmed people
hold places, nobody in two overlapping sessions. `Trials` adds what `tests.invariants` finds
in the database, counts the answers per kind of request over all trials, and fails the test
with how many trials broke, how, and every status seen.
"""

import ssl
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self

import httpx
from sqlalchemy import create_engine

from tests.concurrency.server import LiveServer
from tests.concurrency.test_registration_race import RACE_TIMEOUT, NoAnswer, bearer, person, race
from tests.invariants import violations

API = "/api/v1"
# Sessions in the same slot run in parallel.
SLOTS = (
    ("2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    ("2022-11-29T16:00:00+01:00", "2022-11-29T17:30:00+01:00"),
    ("2022-11-30T10:00:00+01:00", "2022-11-30T11:30:00+01:00"),
)
_TLS = ssl.create_default_context()  # shared: httpx builds a new one per client otherwise (~50 ms)

Answer = httpx.Response | NoAnswer
Call = Callable[[httpx.Client], httpx.Response]


@dataclass(frozen=True)
class Person:
    id: int
    token: str
    status: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


class Trials:
    """Bookkeeping over a test's trials: the status codes per kind of request, the server errors
    (5xx or no answer) with their bodies, and what each broken trial broke; `verdict` asserts.

    `judge` also reads the whole database with `tests.invariants.violations` and charges the
    trial with every violation that was not there before (other tests on the shared server may
    have left some on purpose). Use as a context manager: the engine is disposed on exit.
    """

    def __init__(self, live: LiveServer, name: str, count: int) -> None:
        self.label, self.count = f"[{live.backend}] {name}", count
        self.codes: Counter[tuple[str, int | str]] = Counter()
        self.server_errors: list[tuple[str, int | str, str]] = []
        self.failures: list[str] = []
        self._judged = 0  # server errors already charged to a trial
        self._engine = create_engine(live.database_url)
        self._known = set(violations(self._engine))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._engine.dispose()

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.count))

    def tally(self, kinds: Sequence[str], answers: Sequence[Answer]) -> None:
        for kind, answer in zip(kinds, answers, strict=True):
            self.codes[kind, answer.status_code] += 1
            if isinstance(answer, NoAnswer) or answer.status_code >= 500:
                self.server_errors.append((kind, answer.status_code, answer.text[:200]))

    def judge(self, trial: int, event_id: int, problems: Sequence[str]) -> None:
        """The trial broke if an invariant broke or one of its requests got a 5xx or no answer."""
        errors = Counter(f"{kind} {status}" for kind, status, _ in self.server_errors[self._judged :])
        self._judged = len(self.server_errors)
        found = [v for v in violations(self._engine) if v not in self._known]
        self._known.update(found)
        problems = [*problems, *(f"database: {v}" for v in found)]
        if errors:
            problems.append(f"server errors {dict(errors)}")
        if problems:
            self.failures.append(f"trial {trial} (event {event_id}): " + "; ".join(problems))

    def summary(self) -> str:
        return ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(self.codes.items(), key=str))

    def verdict(self) -> None:
        print(f"\n{self.label}: {len(self.failures)}/{self.count} trials broke; {self.summary()}")
        lines = [f"{len(self.failures)} of {self.count} trials broke; statuses: {self.summary()}"]
        lines += [f"  {failure}" for failure in self.failures[:12]]
        if self.server_errors:
            kind, status, text = self.server_errors[0]
            lines.append(f"{len(self.server_errors)} server errors, the first: {kind} {status} {text}")
        assert not self.failures, "\n".join(lines)


def codes(answers: Sequence[Answer]) -> list[int | str]:
    return [answer.status_code for answer in answers]


# --- racing ------------------------------------------------------------------------------


def client(live: LiveServer, *, timeout: float = 60.0) -> httpx.Client:
    return live.client(timeout=timeout, verify=_TLS)


@contextmanager
def warm_client(live: LiveServer) -> Iterator[httpx.Client]:
    """A new client, its connection opened before the barrier so that the race starts at once."""
    with client(live, timeout=RACE_TIMEOUT) as http:
        http.get("/healthz")
        yield http


def send(call: Call, http: httpx.Client) -> Answer:
    try:
        return call(http)
    except httpx.TransportError as exc:
        return NoAnswer(type(exc).__name__, str(exc))


def fire(live: LiveServer, calls: Sequence[Call]) -> list[Answer]:
    """Send every call at the same moment, one thread and client each; answers in order."""
    return race(lambda http, i: send(calls[i], http), len(calls), connect=lambda: warm_client(live), threads=len(calls))


def swarm(
    live: LiveServer, task: Callable[[httpx.Client, int], list[tuple[str, Answer]]], threads: int
) -> list[list[tuple[str, Answer]]]:
    """Run task(client, k) for k < threads, all released together: each thread's (kind, answer) list."""
    return race(task, threads, connect=lambda: warm_client(live), threads=threads)


def sign_up(event_id: int, tag: str, i: int) -> Call:
    return lambda http: http.post(f"{API}/events/{event_id}/registrations", json=person(tag, i))


def enroll(who: Person, session_id: int) -> Call:
    return lambda http: http.post(f"{API}/me/enrollments", json={"session_id": session_id}, headers=who.auth)


def leave(who: Person, session_id: int) -> Call:
    return lambda http: http.delete(f"{API}/me/enrollments/{session_id}", headers=who.auth)


def cancel(who: Person) -> Call:
    return lambda http: http.delete(f"{API}/me", headers=who.auth)


# --- one event per trial -----------------------------------------------------------------


def ok(response: httpx.Response, *expected: int) -> Any:
    request = response.request
    assert response.status_code in expected, (
        f"{request.method} {request.url.path}: {response.status_code} {response.text[:300]}"
    )
    return response.json() if response.content else None


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["starts_at"] < b["ends_at"] and b["starts_at"] < a["ends_at"]  # all UTC, one ISO format


class Scenario:
    """A fresh event and the organizer's client to set it up and read it back."""

    def __init__(self, live: LiveServer, http: httpx.Client, tag: str, *, capacity: int) -> None:
        self.live, self.http, self.tag = live, http, tag
        body = {
            "slug": f"{tag}-{uuid.uuid4().hex[:12]}", "title": "Seminarium – wyścigi", "venue": "Serock",
            "timezone": "Europe/Warsaw", "starts_on": "2022-11-29", "ends_on": "2022-11-30", "capacity": capacity,
        }  # fmt: skip
        self.event_id: int = ok(http.post(f"{API}/events", json=body, headers=live.admin), 201)["id"]
        self.registered = 0
        self.sessions = 0

    def people(self, n: int) -> list[Person]:
        """n new registrations, in order (confirmed while the event has seats, then waitlisted)."""
        made = []
        for _ in range(n):
            answer = ok(sign_up(self.event_id, self.tag, self.registered)(self.http), 201)
            made.append(Person(answer["id"], answer["token"], answer["status"]))
            self.registered += 1
        return made

    def session(self, *, capacity: int | None, slot: int = 0, kind: str = "workshop") -> int:
        starts_at, ends_at = SLOTS[slot]
        self.sessions += 1  # a room of its own: one room holds one session at a time
        body = {
            "title": f"Warsztat {slot}",
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "room": f"Sala {self.sessions}",
            "capacity": capacity,
        }
        return ok(self.http.post(f"{API}/events/{self.event_id}/sessions", json=body, headers=self.live.admin), 201)[
            "id"
        ]

    def enroll(self, who: Person, session_id: int) -> str:
        return ok(enroll(who, session_id)(self.http), 201)["status"]

    def me(self, who: Person) -> dict[str, Any]:
        return ok(self.http.get(f"{API}/me", headers=who.auth), 200)

    def everything(self, path: str, **params: Any) -> list[dict[str, Any]]:
        page = ok(self.http.get(f"{API}{path}", params={"limit": 500, **params}, headers=self.live.admin), 200)
        assert page["total"] == len(page["items"]), f"{path}: total {page['total']} != {len(page['items'])} items"
        return page["items"]

    def roster(self, session_id: int) -> tuple[list[int], list[int]]:
        """(enrolled registration ids, waiting registration ids in waiting-list order) of a session."""
        items = self.everything(f"/sessions/{session_id}/enrollments")
        enrolled = sorted(i["registration_id"] for i in items if i["status"] == "enrolled")
        waiting = sorted((i for i in items if i["status"] == "waitlisted"), key=lambda i: i["waitlist_position"])
        return enrolled, [i["registration_id"] for i in waiting]

    def problems(self) -> list[str]:
        """Every broken invariant of the event, read back through the organizer API."""
        eid, problems = self.event_id, []
        event = ok(self.http.get(f"{API}/events/{eid}", headers=self.live.admin), 200)
        confirmed = {r["id"] for r in self.everything(f"/events/{eid}/registrations", status="confirmed")}
        queue = self.everything(f"/events/{eid}/registrations", status="waitlisted")
        if event["confirmed"] != len(confirmed):
            problems.append(f"event: counter confirmed={event['confirmed']} but {len(confirmed)} rows")
        if len(confirmed) > event["capacity"]:
            problems.append(f"event: {len(confirmed)} confirmed > capacity {event['capacity']}")
        if sorted(r["waitlist_position"] for r in queue) != list(range(1, len(queue) + 1)):
            problems.append(f"event: waiting-list positions not 1..{len(queue)}")
        places: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for session in self.everything(f"/events/{eid}/sessions"):
            sid, capacity = session["id"], session["capacity"]
            enrolled, waiting = self.roster(sid)
            if session["enrolled"] != len(enrolled):
                problems.append(f"session {sid}: counter enrolled={session['enrolled']} but {len(enrolled)} rows")
            if capacity is not None and len(enrolled) > capacity:
                problems.append(f"session {sid}: {len(enrolled)} enrolled > capacity {capacity}")
            if capacity is not None and len(enrolled) < capacity and waiting:
                problems.append(f"session {sid}: {capacity - len(enrolled)} seats idle while {len(waiting)} wait")
            if outsiders := set(enrolled + waiting) - confirmed:
                problems.append(f"session {sid}: {sorted(outsiders)} hold places but are not confirmed")
            for rid in enrolled + waiting:
                places[rid].append(session)
        for rid, sessions in places.items():
            pairs = [(a["id"], b["id"]) for k, a in enumerate(sessions) for b in sessions[k + 1 :] if _overlap(a, b)]
            if pairs:
                problems.append(f"registration {rid} in overlapping sessions {pairs}")
        return problems


@contextmanager
def scenario(live: LiveServer, tag: str, *, capacity: int) -> Iterator[Scenario]:
    with client(live) as http:
        yield Scenario(live, http, tag, capacity=capacity)
