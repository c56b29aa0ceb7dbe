"""Many kinds of requests at once on 4 worker processes: no answer is a 5xx, and afterwards
the stored state keeps every invariant (`Scenario.problems`, `tests.invariants`).

- mixed participant traffic (enroll, leave, cancel, register) over a few parallel sessions;
- an assignment commit while people who ranked the workshops enroll themselves in them;
- organizer downloads (exports, badges, check-in codes, sign-in sheets) during a
  registration rush: they read, but also write an audit row.

Seen before the fix: on PostgreSQL, deadlocks between enrollment, cancellation, registration
and the assignment commit (it inserts seats, whose foreign key waits for the registration row
an enrolling person has locked, while that person waits for the session row the commit has
locked), answered with 503, and seats leaked as in test_invariant_races.py; on SQLite, most
downloads answered 503 ("database is locked") during a rush.
"""

import random
import threading
import time
from functools import partial

import httpx
import pytest

from tests.concurrency.invariant_support import (
    API,
    Answer,
    Call,
    Person,
    Scenario,
    Trials,
    cancel,
    enroll,
    fire,
    leave,
    scenario,
    send,
    sign_up,
    swarm,
)
from tests.concurrency.server import LiveServer

pytestmark = pytest.mark.slow

THREADS, SECONDS, PER_THREAD = 16, 3.0, 2  # mixed traffic: 16 threads, 3 s, 2 people each to start with
RANKERS, ENROLLERS = 6, 6  # assignment: people who only rank the workshops, people who also enroll themselves
RUSH = 100  # registrations fired with the downloads


def wander(
    http: httpx.Client, k: int, *, s: Scenario, crowd: list[Person], sessions: list[int], seed: str
) -> list[tuple[str, Answer]]:
    """Thread k's traffic until the time is up, with its own people: register 8 %, cancel 10 %,
    leave 35 % (a session the person is in), enroll the rest (any session)."""
    rng = random.Random(f"{seed}-{k}")
    places: dict[Person, set[int]] = {p: set() for p in crowd[k * PER_THREAD : (k + 1) * PER_THREAD]}
    done: list[tuple[str, Answer]] = []
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        roll, seated = rng.random(), [p for p, sids in places.items() if sids]
        if roll < 0.08 or not places:
            answer = send(sign_up(s.event_id, f"walk{k}", len(done)), http)
            done.append(("register", answer))
            if answer.status_code == 201:
                body = answer.json()
                places[Person(body["id"], body["token"], body["status"])] = set()
        elif roll < 0.18 and seated:
            who = rng.choice(seated)
            done.append(("cancel", send(cancel(who), http)))
            del places[who]
        elif roll < 0.53 and seated:
            who = rng.choice(seated)
            sid = rng.choice(sorted(places[who]))
            done.append(("leave", send(leave(who, sid), http)))
            places[who].discard(sid)
        else:
            who, sid = rng.choice(list(places)), rng.choice(sessions)
            done.append(("enroll", answer := send(enroll(who, sid), http)))
            if answer.status_code in (200, 201):
                places[who].add(sid)
    return done


def test_mixed_participant_traffic_never_fails(live: LiveServer) -> None:
    """16 threads for 3 s enroll, leave, cancel and register at random (seeded) over 6 sessions
    of 3 seats in 3 slots (2 parallel sessions per slot)."""
    with Trials(live, "mixed traffic", 2) as trials:
        for trial in trials:
            with scenario(live, "mixed", capacity=THREADS * PER_THREAD + 8) as s:
                sessions = [s.session(capacity=3, slot=k // 2) for k in range(6)]
                crowd = s.people(THREADS * PER_THREAD)
                task = partial(wander, s=s, crowd=crowd, sessions=sessions, seed=str(trial))
                done = [pair for pairs in swarm(live, task, THREADS) for pair in pairs]
                trials.tally([kind for kind, _ in done], [answer for _, answer in done])
                trials.judge(trial, s.event_id, s.problems())
        trials.verdict()


def commit_assignment(live: LiveServer, event_id: int) -> Call:
    body = {"method": "optimal", "dry_run": False}
    return lambda http: http.post(f"{API}/events/{event_id}/assignments", json=body, headers=live.admin)


def commit_or_churn(
    http: httpx.Client,
    k: int,
    *,
    live: LiveServer,
    s: Scenario,
    people: list[Person],
    targets: list[int],
    committed: threading.Event,
) -> list[tuple[str, Answer]]:
    """Thread 0 commits the assignment; thread k > 0 enrolls person k - 1 in a workshop and
    leaves again, over and over, until the commit has answered, and ends enrolling."""
    if k == 0:
        try:
            return [("assign", send(commit_assignment(live, s.event_id), http))]
        finally:
            committed.set()
    who, sid, done = people[k - 1], targets[k - 1], []
    for _ in range(100):  # a bound, should the commit hang
        done.append(("enroll", send(enroll(who, sid), http)))
        if committed.is_set():
            break
        done.append(("leave", send(leave(who, sid), http)))
    return done


def assignment_trial(live: LiveServer, trials: Trials, s: Scenario) -> list[str]:
    workshops = [s.session(capacity=4, slot=k // 2) for k in range(4)]
    enrolling = s.people(ENROLLERS)
    for i, p in enumerate(enrolling + s.people(RANKERS)):
        order = workshops[i % 4 :] + workshops[: i % 4]
        s.http.put(f"{API}/me/preferences", json={"session_ids": order}, headers=p.auth).raise_for_status()
    targets = [workshops[i % 4] for i in range(ENROLLERS)]
    task = partial(commit_or_churn, live=live, s=s, people=enrolling, targets=targets, committed=threading.Event())
    [(_, commit)], *churns = swarm(live, task, 1 + ENROLLERS)
    done = [pair for pairs in churns for pair in pairs]
    trials.tally(["assign"] + [kind for kind, _ in done], [commit] + [answer for _, answer in done])
    problems = s.problems()
    if commit.status_code != 200:
        problems.append(f"assignment answered {commit.status_code}: {commit.text[:200]}")
    for p, w, answers in zip(enrolling, targets, churns, strict=True):
        kind, final = answers[-1]
        seated = kind == "enroll" and final.status_code in (200, 201) and final.json()["status"] == "enrolled"
        if seated and p.id not in s.roster(w)[0]:
            problems.append(f"registration {p.id} was last answered enrolled in {w} but holds no seat there")
    return problems


def test_assignment_commit_while_people_enroll(live: LiveServer) -> None:
    """2 slots x 2 workshops of 4 seats; 12 people ranked every workshop. The organizer commits
    the assignment while 6 of them enroll themselves in a workshop and leave it again: nothing
    fails, and whoever was last answered "enrolled" holds the seat."""
    with Trials(live, "assignment commit vs self-enrollment", 6) as trials:
        for trial in trials:
            with scenario(live, "assign", capacity=RANKERS + ENROLLERS) as s:
                trials.judge(trial, s.event_id, assignment_trial(live, trials, s))
        trials.verdict()


def download(live: LiveServer, path: str) -> Call:
    return lambda http: http.get(f"{API}{path}", headers=live.admin)


def rush_trial(live: LiveServer, trials: Trials, s: Scenario) -> list[str]:
    s.people(10)  # something to export from the start
    session_id = s.session(capacity=None, kind="plenary")
    downloads = {
        "export-csv": f"/events/{s.event_id}/registrations/export?format=csv",
        "export-xlsx": f"/events/{s.event_id}/registrations/export?format=xlsx",
        "badges": f"/events/{s.event_id}/badges",
        "checkin-codes": f"/events/{s.event_id}/checkin-codes",
        "sign-in-sheet": f"/sessions/{session_id}/sign-in-sheet",
    }
    kinds = ["register"] * RUSH + list(downloads) * 4
    calls = [sign_up(s.event_id, "crowd", i) for i in range(RUSH)]
    calls += [download(live, downloads[kind]) for kind in kinds[RUSH:]]
    answers = fire(live, calls)
    trials.tally(kinds, answers)
    problems = s.problems()
    failed = [
        (kind, answer.status_code)
        for kind, answer in zip(kinds, answers, strict=True)
        if answer.status_code != (201 if kind == "register" else 200)
    ]
    if failed:
        problems.append(f"{len(failed)} requests failed: {failed[:8]}")
    return problems


def test_downloads_during_a_registration_rush(live: LiveServer) -> None:
    """100 registrations and 20 organizer downloads fired together: every answer is 201 / 200."""
    with Trials(live, "downloads during a registration rush", 2) as trials:
        for trial in trials:
            with scenario(live, "rush", capacity=60) as s:
                trials.judge(trial, s.event_id, rush_trial(live, trials, s))
        trials.verdict()
