"""Model-based test of the whole registration/enrollment state machine (issue "Invariants of the whole state machine").

Hypothesis drives the HTTP API with random sequences of participant and organizer actions on
one small event, and after every step checks the invariants of `tests/invariants.py` straight
from the database. A 4xx answer is a legitimate refusal; a 5xx never is. Each broken invariant
is raised as its own exception type, so Hypothesis can tell them apart.

The programme (Europe/Warsaw, 29 November; a form question "Nocleg" whose room option has 2 places,
and an invitation code holding 1 seat): a plenary 10:00-11:00 and a workshop 10:30-12:00
overlapping it; two topic workshops (from a poll, so they carry `topic_id`) in each of the slots
14:00-15:30 and 16:00-17:30, the same two topics in both; a panel 14:00-17:30 chaining both slots.
It is built through the API once per database. Every example starts from an emptied database
(`tests.dbutil.reset`), into which that state is copied back row by row, then sets the event's
capacity and organization limit and registers the first people: cheap examples make shrinking a
counterexample affordable.

Cost: STATEFUL_EXAMPLES (default 25) examples of up to STATEFUL_STEPS (default 30) steps per
database; `bench/stateful_soak.py` runs a longer soak. A failure is shrunk to the simplest
broken invariant; STATEFUL_ALL_BUGS=1 shrinks and reports every kind separately (slower).
"""

import functools
import logging
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, NamedTuple

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, Table, text

from app.tables import metadata
from tests.dbutil import KEPT_TABLES, reset
from tests.factories import EVENT, bearer, person
from tests.invariants import violations

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "25"))
STEPS = int(os.environ.get("STATEFUL_STEPS", "30"))
ALL_BUGS = os.environ.get("STATEFUL_ALL_BUGS", "") == "1"
MAX_PEOPLE = 8
ORGANIZATIONS = ("Gmina Serock", "Gmina Wieliszew", "Fundacja Doliny Bugu")
WINDOWS = {  # where sessions start and where they may be moved
    "plenary": ("2022-11-29T10:00:00+01:00", "2022-11-29T11:00:00+01:00"),
    "morning": ("2022-11-29T10:30:00+01:00", "2022-11-29T12:00:00+01:00"),
    "slot_a": ("2022-11-29T14:00:00+01:00", "2022-11-29T15:30:00+01:00"),
    "slot_b": ("2022-11-29T16:00:00+01:00", "2022-11-29T17:30:00+01:00"),
    "a_to_b": ("2022-11-29T14:00:00+01:00", "2022-11-29T17:30:00+01:00"),
    "day_two": ("2022-11-30T09:00:00+01:00", "2022-11-30T10:30:00+01:00"),
}
N_SESSIONS, N_TOPICS = 7, 3
PERSON = st.integers(0, MAX_PEOPLE - 1)
SESSION = st.integers(0, N_SESSIONS - 1)
RUN = {"examples": 0, "steps": 0}

Rows = list[tuple[Table, list[dict[str, Any]]]]


class Programme(NamedTuple):
    event_id: int
    poll_id: int
    sessions: list[int]  # plenary, morning workshop, topic A and B at 14:00, A and B at 16:00, panel
    topics: list[int]  # A and B (published), C (on the ballot only)
    question: int  # "Nocleg": a hotel room (2 places) or none
    options: list[int]  # room, no room
    code: str  # an invitation with 3 uses holding 1 seat


PROGRAMMES: dict[str, tuple[Programme, Rows]] = {}  # database URL -> programme and its rows


def snapshot(engine: Engine) -> Rows:
    with engine.connect() as conn:
        return [
            (t, [dict(r) for r in conn.execute(t.select()).mappings()])
            for t in metadata.sorted_tables
            if t.name not in KEPT_TABLES
        ]


def restore(engine: Engine, rows: Rows) -> None:
    """Copy a snapshot into the emptied database (PostgreSQL sequences continue after it)."""
    with engine.begin() as conn:
        for table, values in rows:
            if values:
                conn.execute(table.insert(), values)
            if engine.dialect.name == "postgresql" and "id" in table.c:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table.name}"), false)'
                    )
                )


class InvariantBroken(AssertionError):
    """A broken invariant; one subclass per invariant name, so Hypothesis keeps them apart."""

    kinds: ClassVar[dict[str, type["InvariantBroken"]]] = {}

    @classmethod
    def named(cls, name: str) -> type["InvariantBroken"]:
        return cls.kinds.setdefault(name, type(name.title().replace("-", "") + "Broken", (cls,), {}))


def counted(action: Callable[..., None]) -> Callable[..., None]:
    """Count the steps run (the summary line and the `stateful_steps` property).

    Rules have no preconditions on purpose: when every rule is always enabled, removing earlier
    steps does not change which rule later choices pick, and shrinking goes much faster.
    """

    @functools.wraps(action)
    def run(*args: Any, **kwargs: Any) -> None:
        RUN["steps"] += 1
        action(*args, **kwargs)

    return run


class RegistrationMachine(RuleBasedStateMachine):
    """One event, its programme and up to MAX_PEOPLE people, driven through the HTTP API."""

    def __init__(self, app: FastAPI, admin: dict[str, str]) -> None:
        super().__init__()
        RUN["examples"] += 1
        self.engine: Engine = app.state.engine
        self.admin = admin
        reset(self.engine)
        self.stack = ExitStack()
        self.client = self.stack.enter_context(TestClient(app, raise_server_exceptions=False))
        key = self.engine.url.render_as_string()
        if key not in PROGRAMMES:
            PROGRAMMES[key] = (self.build_programme(), snapshot(self.engine))
        else:
            restore(self.engine, PROGRAMMES[key][1])
        self.event_id, self.poll_id, self.sessions, self.topics, self.question, self.options, code = PROGRAMMES[key][0]
        self.codes = [code]  # invitation codes handed out (some used up, revoked)
        self.invitations: list[int] = []
        self.people: list[dict[str, Any]] = []  # {"id", "token"}, in registration order
        self.overridden = False  # an organizer confirmed someone by hand (from the waiting list or cancelled)

    def teardown(self) -> None:
        self.stack.close()

    # --- HTTP helpers -------------------------------------------------------------------

    def call(self, method: str, url: str, auth: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """One request (organizer unless `auth` is given); a 4xx is a refusal, a 5xx a failure."""
        response = self.client.request(method, url, headers=self.admin if auth is None else auth, **kwargs)
        assert response.status_code < 500, f"{method} {url} -> {response.status_code}: {response.text}"
        return response

    def ok(self, method: str, url: str, auth: dict[str, str] | None = None, **kwargs: Any) -> Any:
        response = self.call(method, url, auth, **kwargs)
        assert response.is_success, f"setup: {method} {url} -> {response.status_code}: {response.text}"
        return response.json()

    def person(self, who: int) -> dict[str, Any]:
        return self.people[who % len(self.people)]

    def me(self, who: int) -> dict[str, str]:
        return bearer(self.person(who)["token"])

    # --- setup --------------------------------------------------------------------------

    def build_programme(self) -> Programme:
        event_id = self.ok("POST", "/api/v1/events", json=EVENT)["id"]

        def session(title: str, kind: str, window: str, capacity: int) -> int:
            starts_at, ends_at = WINDOWS[window]
            return self.ok(
                "POST",
                f"/api/v1/events/{event_id}/sessions",
                json={"title": title, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "capacity": capacity},
            )["id"]

        plenary = session("Otwarcie", "plenary", "plenary", 3)
        morning = session("Warsztat poranny", "workshop", "morning", 2)
        poll_id = self.ok("POST", f"/api/v1/events/{event_id}/polls", json={"title": "Tematy", "seats": 2})["id"]
        topics = [
            self.ok("POST", f"/api/v1/polls/{poll_id}/topics", json={"title": title})["id"]
            for title in ("Energia", "Mobilność", "Woda")
        ]
        # One voter makes the first two topics win; they run in both afternoon slots. The voter then leaves.
        seed = bearer(self.ok("POST", f"/api/v1/events/{event_id}/registrations", auth={}, json=person(0))["token"])
        self.ok("PUT", f"/api/v1/polls/{poll_id}/ballot", auth=seed, json={"topic_ids": topics[:2]})
        topical = []
        for window, rooms in (("slot_a", (2, 1)), ("slot_b", (1, 2))):
            starts_at, ends_at = WINDOWS[window]
            published = self.ok(
                "POST",
                f"/api/v1/polls/{poll_id}/publish",
                json={
                    "rule": "approval",
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "rooms": [{"room": f"Sala {i}", "capacity": c} for i, c in enumerate(rooms, start=1)],
                },
            )
            topical += [s["id"] for s in published["items"]]
        self.ok("DELETE", "/api/v1/me", auth=seed)
        panel = session("Panel partnerstw", "panel", "a_to_b", 2)
        question = self.ok(
            "POST",
            f"/api/v1/events/{event_id}/questions",
            json={
                "label": {"pl": "Nocleg"},
                "type": "single_choice",
                "options": [{"label": {"pl": "Pokój"}, "capacity": 2}, {"label": {"pl": "Bez noclegu"}}],
            },
        )
        code = self.ok("POST", f"/api/v1/events/{event_id}/invitations", json={"uses": 3, "reserved_seats": 1})["code"]
        programme = Programme(
            event_id,
            poll_id,
            [plenary, morning, *topical, panel],
            topics,
            question["id"],
            [o["id"] for o in question["options"]],
            code,
        )
        assert len(programme.sessions) == N_SESSIONS and len(programme.topics) == N_TOPICS
        return programme

    def sign_up(self, organization: str, room: int | None = None, code: int | None = None) -> None:
        if len(self.people) < MAX_PEOPLE:
            body = person(len(self.people) + 1, organization=organization)
            if room is not None:
                body["answers"] = {str(self.question): self.options[room]}
            if code is not None:
                body["invitation_code"] = self.codes[code % len(self.codes)]
            response = self.call("POST", f"/api/v1/events/{self.event_id}/registrations", auth={}, json=body)
            if response.status_code == 201:
                self.people.append({"id": response.json()["id"], "token": response.json()["token"]})
                if code is not None and response.json()["status"] == "confirmed":
                    self.overridden = True  # a code's held seat may exceed max_per_organization on purpose

    @initialize(
        capacity=st.integers(2, 4),
        max_per_organization=st.sampled_from([None, 2]),
        first=st.lists(st.sampled_from(ORGANIZATIONS), min_size=1, max_size=4),
    )
    def set_up(self, capacity: int, max_per_organization: int | None, first: list[str]) -> None:
        """The event's capacity and organization limit, and the first registrations (their organizations).

        Starting with people makes every step count: otherwise most of the first ~17 steps (one rule
        in 17 registers) would be participant steps with nobody to act for.
        """
        self.ok(
            "PATCH",
            f"/api/v1/events/{self.event_id}",
            json={"capacity": capacity, "max_per_organization": max_per_organization},
        )
        for organization in first:
            self.sign_up(organization)

    # --- participants -------------------------------------------------------------------

    @rule(
        organization=st.sampled_from(ORGANIZATIONS),
        room=st.none() | st.integers(0, 1),
        code=st.none() | st.integers(0, 3),
    )
    @counted
    def register(self, organization: str, room: int | None, code: int | None) -> None:
        self.sign_up(organization, room, code)

    @rule(who=PERSON, room=st.none() | st.integers(0, 1))
    @counted
    def choose_room(self, who: int, room: int | None) -> None:
        self.call(
            "PATCH",
            "/api/v1/me",
            auth=self.me(who),
            json={"answers": {str(self.question): None if room is None else self.options[room]}},
        )

    @rule(who=PERSON)
    @counted
    def cancel(self, who: int) -> None:
        self.call("DELETE", "/api/v1/me", auth=self.me(who))

    @rule(who=PERSON)
    @counted
    def erase(self, who: int) -> None:
        self.call("DELETE", "/api/v1/me", auth=self.me(who), params={"erase": "true"})

    @rule(who=PERSON, organization=st.sampled_from(ORGANIZATIONS))
    @counted
    def change_organization(self, who: int, organization: str) -> None:
        self.call("PATCH", "/api/v1/me", auth=self.me(who), json={"organization": organization})

    @rule(who=PERSON, session=SESSION)
    @counted
    def enroll(self, who: int, session: int) -> None:
        self.call("POST", "/api/v1/me/enrollments", auth=self.me(who), json={"session_id": self.sessions[session]})

    @rule(who=PERSON, session=SESSION)
    @counted
    def leave(self, who: int, session: int) -> None:
        self.call("DELETE", f"/api/v1/me/enrollments/{self.sessions[session]}", auth=self.me(who))

    @rule(who=PERSON, ranking=st.lists(SESSION, unique=True, max_size=4))
    @counted
    def rank(self, who: int, ranking: list[int]) -> None:
        self.call(
            "PUT",
            "/api/v1/me/preferences",
            auth=self.me(who),
            json={"session_ids": [self.sessions[s] for s in ranking]},
        )

    @rule(who=PERSON, choice=st.lists(st.integers(0, N_TOPICS - 1), unique=True, min_size=1))
    @counted
    def vote(self, who: int, choice: list[int]) -> None:
        self.call(
            "PUT",
            f"/api/v1/polls/{self.poll_id}/ballot",
            auth=self.me(who),
            json={"topic_ids": [self.topics[t] for t in choice]},
        )

    # --- organizers ---------------------------------------------------------------------

    @rule(on=st.booleans())
    @counted
    def approval(self, on: bool) -> None:
        self.call("PATCH", f"/api/v1/events/{self.event_id}", json={"requires_approval": on})

    @rule(who=PERSON, approve=st.booleans())
    @counted
    def decide(self, who: int, approve: bool) -> None:
        self.call("POST", f"/api/v1/registrations/{self.person(who)['id']}/{'approve' if approve else 'reject'}")

    @rule(uses=st.integers(1, 3), held=st.integers(0, 2))
    @counted
    def invite(self, uses: int, held: int) -> None:
        response = self.call(
            "POST",
            f"/api/v1/events/{self.event_id}/invitations",
            json={"uses": uses, "reserved_seats": min(held, uses)},
        )
        if response.status_code == 201:
            self.codes.append(response.json()["code"])
            self.invitations.append(response.json()["id"])

    @rule(which=st.integers(0, 3))
    @counted
    def revoke(self, which: int) -> None:
        if self.invitations:
            self.call("POST", f"/api/v1/invitations/{self.invitations[which % len(self.invitations)]}/revoke")

    @rule(which=st.integers(0, 3))
    @counted
    def expire(self, which: int) -> None:
        """An invitation's time runs out (no request notices it): whoever reads the seats next
        (a registration, a capacity change, an organizer's confirmation) gives its held seats back."""
        if self.invitations:
            with self.engine.begin() as conn:
                conn.execute(
                    text("UPDATE invitations SET expires_at = :past WHERE id = :id"),
                    {
                        "past": datetime.now(UTC) - timedelta(minutes=1),
                        "id": self.invitations[which % len(self.invitations)],
                    },
                )

    @rule(capacity=st.integers(0, 6))
    @counted
    def event_capacity(self, capacity: int) -> None:
        self.call("PATCH", f"/api/v1/events/{self.event_id}", json={"capacity": capacity})

    @rule(session=SESSION, capacity=st.none() | st.integers(0, 3))
    @counted
    def session_capacity(self, session: int, capacity: int | None) -> None:
        self.call("PATCH", f"/api/v1/sessions/{self.sessions[session]}", json={"capacity": capacity})

    @rule(session=SESSION, window=st.sampled_from(sorted(WINDOWS)))
    @counted
    def move_session(self, session: int, window: str) -> None:
        starts_at, ends_at = WINDOWS[window]
        self.call(
            "PATCH", f"/api/v1/sessions/{self.sessions[session]}", json={"starts_at": starts_at, "ends_at": ends_at}
        )

    @rule(session=SESSION, kind=st.sampled_from(["workshop", "panel"]))
    @counted
    def session_kind(self, session: int, kind: str) -> None:
        self.call("PATCH", f"/api/v1/sessions/{self.sessions[session]}", json={"kind": kind})

    @rule(who=PERSON, status=st.sampled_from(["confirmed", "waitlisted", "cancelled"]))
    @counted
    def set_status(self, who: int, status: str) -> None:
        url = f"/api/v1/registrations/{self.person(who)['id']}"
        before = self.call("GET", url).json()["status"]
        changed = self.call("PATCH", url, json={"status": status}).is_success
        if changed and status == "confirmed" and before != "confirmed":
            self.overridden = True  # an organizer's confirm may exceed max_per_organization on purpose

    @rule(who=PERSON, session=SESSION)
    @counted
    def place(self, who: int, session: int) -> None:
        self.call(
            "POST",
            f"/api/v1/sessions/{self.sessions[session]}/enrollments",
            json={"registration_id": self.person(who)["id"]},
        )

    @rule(who=PERSON, session=SESSION)
    @counted
    def remove(self, who: int, session: int) -> None:
        self.call("DELETE", f"/api/v1/sessions/{self.sessions[session]}/enrollments/{self.person(who)['id']}")

    @rule(method=st.sampled_from(["optimal", "first_come"]), fill_unranked=st.booleans())
    @counted
    def assign(self, method: str, fill_unranked: bool) -> None:
        self.call(
            "POST",
            f"/api/v1/events/{self.event_id}/assignments",
            json={"method": method, "dry_run": False, "fill_unranked": fill_unranked, "time_limit": 5},
        )

    @rule(topic=st.integers(0, N_TOPICS - 1), status=st.sampled_from(["approved", "proposed", "rejected"]))
    @counted
    def topic_status(self, topic: int, status: str) -> None:
        self.call("PATCH", f"/api/v1/topics/{self.topics[topic]}", json={"status": status})

    # --- after every step -----------------------------------------------------------------

    @invariant()
    def consistent(self) -> None:
        found = violations(self.engine, check_org_limit=not self.overridden)
        if found:
            raise InvariantBroken.named(found[0].split(":")[0])("\n".join(found))


# Room for 0.2 s a step plus Hypothesis's five minutes of shrinking, so a failure ends shrunk, not killed.
@pytest.mark.timeout(360 + EXAMPLES * STEPS // 5)
def test_state_machine_keeps_invariants(
    app: FastAPI,
    admin: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    record_property: Callable[[str, object], None],
) -> None:
    caplog.set_level(logging.WARNING)  # no log line per request (httpx, access log): a failure's report stays readable
    RUN.update(examples=0, steps=0)
    started = time.monotonic()
    try:
        run_state_machine_as_test(
            lambda: RegistrationMachine(app, admin),
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                report_multiple_bugs=ALL_BUGS,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        record_property("stateful_examples", RUN["examples"])
        record_property("stateful_steps", RUN["steps"])
        print(
            f"\nstate machine ({app.state.engine.dialect.name}): {RUN['examples']} examples, {RUN['steps']} steps, "
            f"{time.monotonic() - started:.1f} s"
        )
