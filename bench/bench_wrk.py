"""The registration rush under wrk (the C load generator), issue 16.

    .venv/bin/python bench/bench_wrk.py [--scenarios sqlite1,pg2,pg4] [--duration 15]
                                         [--connections 32] [--threads 2] [--people 2000]

Each scenario gets a fresh database and a fresh server (tests/concurrency/server.py, rate
limits off): `sqlite1` is SQLite with 1 uvicorn worker, `pg2` and `pg4` PostgreSQL with 2 and
4 workers. In each, wrk (`-t2 -c32 -d15s --latency`, one Lua script per endpoint) loads:

  GET  /healthz                            the HTTP stack alone (the baseline of the ratio);
  POST /api/v1/events/{id}/registrations   every request a new person, into an open event
                                           with room for everyone;
  POST /api/v1/me/enrollments              pre-registered people (`--people`) take seats in
                                           50 non-overlapping sessions, each request the next
                                           (token, session) pair, so nearly all are new seats;
  PUT  /api/v1/polls/{id}/ballot           the same people cast or replace an approval ballot.

It prints requests/s, latency p50 and p99 (wrk's --latency distribution), errors (socket
errors plus non-2xx answers) and the ratio to /healthz requests/s, then checks through the
API that the counters still match the rows after every write run. Exit status 1 when any
request failed or a check failed. PostgreSQL uses TEST_DATABASE_URL (default:
postgres@127.0.0.1:5432/test) and drops its database afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.concurrency.server import LiveServer, live_server

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCENARIOS: dict[str, tuple[str, int]] = {"sqlite1": ("sqlite", 1), "pg2": ("postgresql", 2), "pg4": ("postgresql", 4)}
ZONE = "Europe/Warsaw"
DAYS, SESSIONS_PER_DAY = 5, 10  # 50 one-hour sessions, none overlapping
TOPICS = 5
WARMUP_SECONDS = 2
# Issue 16's targets at 32 connections (printed, not part of the exit status).
TARGET_RATIO, TARGET_P99_MS = 0.25, 100.0

HEALTHZ, REGISTER, ENROLL, BALLOT = "GET /healthz", "POST registrations", "POST me/enrollments", "PUT polls/ballot"
# The same rush into an event that sends no e-mails: what the outbox row (and its delivery by
# the workers' in-process deliverers, into .eml files) costs a registration.
REGISTER_QUIET = "POST reg. (no e-mail)"

# --- Lua ------------------------------------------------------------------------------------

# Put before every script (not a format template): setup() numbers the threads (thread_id, 0-based, a global of each
# thread's Lua state); response() counts status codes per thread; done() prints the totals as
# "STATUS <code> <count>" lines after wrk's own summary.
LUA_COMMON = """
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("STATUS %d %d\\n", code, n))
  end
end
"""

LUA_HEALTHZ = """
wrk.method = "GET"
wrk.path = "/healthz"
"""

# Every request a new person: the e-mail combines the run, the thread id and a per-thread counter.
LUA_REGISTER = """
local path = {path}
local run = {run}
local headers = {{["Content-Type"] = "application/json"}}
local counter = 0

function request()
  counter = counter + 1
  local n = string.format("%s-%d-%d", run, thread_id, counter)
  local body = string.format(
    '{{"first_name":"Łucja","last_name":"Żółkiewska-%s","email":"lucja.%s@gmina-serock.pl",' ..
    '"organization":"Gmina %d","partnership":"Partnerstwo Doliny Bugu","position":"Sekretarz gminy",' ..
    '"category":"local_government","consent":true}}', n, n, counter % 50)
  return wrk.format("POST", path, headers, body)
end
"""

# Request k of thread t is pair p = t + threads * k: token p mod N, session (p div N) mod S, so
# the threads never share a pair and every pair comes once before any repeats.
LUA_TOKENS = """
local tokens = {{}}
local threads_n = {threads}
local counter = -1

function init(args)
  for line in io.lines({tokens_file}) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
end

local function next_pair()
  counter = counter + 1
  local p = thread_id + threads_n * counter
  local n = #tokens
  return p, tokens[(p % n) + 1], math.floor(p / n)
end
"""

LUA_ENROLL = """
local sessions = {{{sessions}}}

function request()
  local p, token, round = next_pair()
  local session = sessions[(round % #sessions) + 1]
  local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}}
  return wrk.format("POST", "/api/v1/me/enrollments", headers, '{{"session_id":' .. session .. '}}')
end
"""

# Approval ballots of 1 to 3 of the poll's topics, varying with the pair.
LUA_BALLOT = """
local topics = {{{topics}}}
local path = {path}

function request()
  local p, token, round = next_pair()
  local chosen = {{}}
  for j = 0, p % 3 do
    chosen[#chosen + 1] = topics[((p + j) % #topics) + 1]
  end
  local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}}
  return wrk.format("PUT", path, headers, '{{"topic_ids":[' .. table.concat(chosen, ",") .. ']}}')
end
"""


def lua_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    scenario: str
    endpoint: str
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    socket_errors: dict[str, int]
    non_2xx: int
    statuses: dict[int, int]
    ratio: float = float("nan")
    # CPU milliseconds per answered request during the run: the app's processes (web workers and
    # a delivery worker), PostgreSQL's, and the whole machine's (wrk included).
    cpu_ms: dict[str, float] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(scenario: str, endpoint: str, out: str) -> WrkResult:
    """Figures from wrk's report (4.x format, with --latency) and the STATUS lines of done()."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s*(\d+) requests in ", out, re.M)
    if rate is None or total is None:
        raise RuntimeError(f"cannot parse wrk's output:\n{out}")
    pct = {q: float(v) * UNIT_MS[u] for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M)}
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True)) if sock else {}
    )
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    statuses = {int(c): int(n) for c, n in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M)}
    return WrkResult(
        scenario, endpoint, int(total.group(1)), float(rate.group(1)), pct.get("50", float("nan")),
        pct.get("99", float("nan")), {k: v for k, v in socket_errors.items() if v}, int(non.group(1)) if non else 0,
        dict(sorted(statuses.items())),
    )  # fmt: skip


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(app_pgids: set[int]) -> dict[str, int]:
    """CPU clock ticks used so far by the app's process groups, by PostgreSQL, by the machine."""
    used = {"app": 0, "postgresql": 0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        comm, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        # utime + stime, and cutime + cstime: what children that ended (PostgreSQL backends) used
        ticks = sum(map(int, fields[11:15]))
        if int(fields[2]) in app_pgids:
            used["app"] += ticks
        elif comm.startswith("postgres"):
            used["postgresql"] += ticks
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used["machine"] = sum(map(int, cpu)) - int(cpu[3]) - int(cpu[4])  # all but idle and iowait
    return used


def run_wrk(url: str, script: Path, *, threads: int, connections: int, duration: int, timeout: int) -> str:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + timeout + 60)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --- fixtures through the API ---------------------------------------------------------------


def person(i: str) -> dict[str, Any]:
    """Like tests/factories.py person()."""
    return {
        "first_name": "Łucja", "last_name": f"Żółkiewska-{i}", "email": f"lucja.{i}@gmina-serock.pl",
        "organization": f"Gmina {i}", "partnership": "Partnerstwo Doliny Bugu", "position": "Sekretarz gminy",
        "category": "local_government", "consent": True,
    }  # fmt: skip


def post(client: httpx.Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    if response.status_code != 201:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
    return response.json()


def get(client: httpx.Client, path: str, server: LiveServer, **params: Any) -> dict[str, Any]:
    response = client.get(path, headers=server.admin, params=params)
    response.raise_for_status()
    return response.json()


def make_event(client: httpx.Client, server: LiveServer, *, capacity: int, days: int, emails: bool = True) -> int:
    """A published event whose registration window is open now, `days` days long, a month ahead."""
    now, start = datetime.now(UTC), date.today() + timedelta(days=30)
    body = {
        "slug": f"rush-{uuid.uuid4().hex[:10]}", "title": "Seminarium sieciujące partnerstw – Serock",
        "venue": "Hotel Narvil, Serock", "timezone": ZONE, "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=days - 1)).isoformat(), "capacity": capacity,
        "registration_opens_at": (now - timedelta(hours=1)).isoformat(),
        "registration_closes_at": (now + timedelta(days=7)).isoformat(), "emails_enabled": emails,
    }  # fmt: skip
    return int(post(client, "/api/v1/events", body, server.admin)["id"])


def make_sessions(client: httpx.Client, server: LiveServer, event_id: int, capacity: int) -> list[int]:
    """DAYS x SESSIONS_PER_DAY one-hour workshops from 08:00 local time, none overlapping."""
    event = get(client, f"/api/v1/events/{event_id}", server)
    first = date.fromisoformat(event["starts_on"])
    ids = []
    for day in range(DAYS):
        for slot in range(SESSIONS_PER_DAY):
            d = first + timedelta(days=day)
            starts = datetime(d.year, d.month, d.day, 8 + slot, tzinfo=ZoneInfo(ZONE))
            body = {
                "title": f"Warsztat {day + 1}.{slot + 1}", "kind": "workshop", "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(), "room": "Sala A", "capacity": capacity,
            }  # fmt: skip
            ids.append(int(post(client, f"/api/v1/events/{event_id}/sessions", body, server.admin)["id"]))
    return ids


def make_poll(client: httpx.Client, server: LiveServer, event_id: int) -> tuple[int, list[int]]:
    """An open approval poll with TOPICS topics."""
    body = {"title": "Tematy warsztatów", "seats": 2, "ballot": "approval"}
    poll = int(post(client, f"/api/v1/events/{event_id}/polls", body, server.admin)["id"])
    titles = [
        "Transformacja energetyczna",
        "Rewitalizacja",
        "Turystyka rowerowa",
        "Gospodarka wodna",
        "Cyfryzacja urzędów",
    ]
    topics = [
        int(post(client, f"/api/v1/polls/{poll}/topics", {"title": t}, server.admin)["id"]) for t in titles[:TOPICS]
    ]
    return poll, topics


def register_people(server: LiveServer, event_id: int, people: int, workers: int = 8) -> list[str]:
    """`people` confirmed registrations by plain HTTP from `workers` threads; their tokens."""

    def chunk(part: int) -> list[str]:
        tokens = []
        with server.client() as client:
            for i in range(part, people, workers):
                tokens.append(post(client, f"/api/v1/events/{event_id}/registrations", person(f"p{i}"), {})["token"])
        return tokens

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [t for part in pool.map(chunk, range(workers)) for t in part]


# --- checks ---------------------------------------------------------------------------------


def settled(read: Callable[[], Any], *, timeout: float = 20.0) -> Any:
    """`read()` once two reads half a second apart agree: requests wrk cut off may still commit."""
    last, deadline = read(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = read()
        if now == last:
            return now
        last = now
    return last


def check(result: WrkResult, ok: bool, text: str) -> None:
    (result.checks if ok else result.failed_checks).append(text)


def check_registrations(
    client: httpx.Client, server: LiveServer, result: WrkResult, event_id: int, connections: int
) -> None:
    def read() -> tuple[int, dict[str, Any], int]:
        listed = get(client, f"/api/v1/events/{event_id}/registrations", server, limit=1)["total"]
        stats = get(client, f"/api/v1/events/{event_id}/registrations/stats", server)
        counter = get(client, f"/api/v1/events/{event_id}", server)["confirmed"]
        return listed, stats, counter

    listed, stats, counter = settled(read)
    created = result.statuses.get(201, 0)
    rows = (
        f"{listed} registrations, confirmed {stats['confirmed']}, waitlisted {stats['waitlisted']}, "
        f"cancelled {stats['cancelled']}, event counter {counter}, wrk saw {created} x 201"
    )
    ok = (
        stats["confirmed"] + stats["waitlisted"] + stats["cancelled"] == listed
        and counter == stats["confirmed"]
        and stats["confirmed"] <= stats["capacity"]
        and stats["waitlisted"] == 0
    )
    check(result, ok, f"overbooking check: {'ok' if ok else 'FAILED'} ({rows})")
    # wrk stops with up to `connections` requests in flight, which the server may still commit.
    ok = created <= listed <= created + connections
    check(result, ok, f"201s vs rows: {'ok' if ok else 'FAILED'} ({created} <= {listed} <= {created} + {connections})")


def check_outbox(client: httpx.Client, server: LiveServer, result: WrkResult, event_id: int) -> None:
    """Every registration of the rush has its e-mail, and the workers deliver them all."""
    url = f"/api/v1/events/{event_id}/messages"
    started = time.monotonic()

    def pending() -> int:
        return int(get(client, url, server, status="pending", limit=1)["total"])

    while pending() and time.monotonic() - started < 120:
        time.sleep(0.5)
    listed = get(client, f"/api/v1/events/{event_id}/registrations", server, limit=1)["total"]
    sent = get(client, url, server, status="sent", limit=1)["total"]
    ok = sent == listed
    check(
        result,
        ok,
        f"outbox: {'ok' if ok else 'FAILED'} ({sent} e-mails sent for {listed} registrations, "
        f"the last {time.monotonic() - started:.1f} s after the rush)",
    )


def check_enrollments(
    client: httpx.Client, server: LiveServer, result: WrkResult, event_id: int, sessions: list[int], connections: int
) -> None:
    def read() -> list[tuple[int, int, int, int]]:
        listed = get(client, f"/api/v1/events/{event_id}/sessions", server, limit=500)["items"]
        return [(s["enrolled"], s["capacity"],
                 get(client, f"/api/v1/sessions/{s['id']}/enrollments", server, status="enrolled", limit=1)["total"],
                 get(client, f"/api/v1/sessions/{s['id']}/enrollments", server, status="waitlisted", limit=1)["total"])
                for s in listed if s["id"] in sessions]  # fmt: skip

    rows = settled(read)
    bad = [i for i, (counter, cap, seated, waiting) in enumerate(rows) if counter != seated or seated > cap or waiting]
    seated = sum(r[2] for r in rows)
    ok = not bad and len(rows) == len(sessions)
    check(
        result,
        ok,
        f"session overbooking check: {'ok' if ok else 'FAILED'} ({len(rows)} sessions, {seated} seats, "
        f"counters == rows{'' if not bad else f' except sessions {bad}'})",
    )
    created = result.statuses.get(201, 0)
    ok = created <= seated <= created + connections
    check(result, ok, f"201s vs rows: {'ok' if ok else 'FAILED'} ({created} <= {seated} <= {created} + {connections})")
    if result.statuses.get(200):
        result.checks.append(f"note: {result.statuses[200]} answers were 200 'already enrolled' (pairs reused)")


def check_ballots(client: httpx.Client, server: LiveServer, result: WrkResult, poll_id: int, people: int) -> None:
    results = settled(lambda: get(client, f"/api/v1/polls/{poll_id}/results", server, rule="approval"))
    ballots, topics = results["ballots"], results["topics"]
    ok = (0 < ballots <= people or not result.statuses.get(200)) and all(t["supporters"] <= ballots for t in topics)
    check(
        result,
        ok,
        f"ballot check: {'ok' if ok else 'FAILED'} ({ballots} ballots of {people} people, "
        f"supporters per topic {[t['supporters'] for t in topics]})",
    )


# --- a scenario -----------------------------------------------------------------------------


def run_scenario(name: str, args: argparse.Namespace) -> list[WrkResult]:
    backend, workers = SCENARIOS[name]
    env = {"RATE_LIMIT_STORE": "off", **({"OUTBOX_DISPATCH": "off"} if args.dispatch == "worker" else {})}
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-wrk-{name}-") as tmp,
        live_server(backend, Path(tmp), workers=workers, extra_env=env) as server,
        server.client() as client,
        delivery_worker(server, args.dispatch) as worker_pgid,
    ):
        tmp_dir = Path(tmp)
        app_pgids = {server.pid} | ({worker_pgid} if worker_pgid else set())
        print(
            f"{name}: {backend}, {workers} worker(s) at {server.base_url}; preparing {args.people} people, "
            f"{DAYS * SESSIONS_PER_DAY} sessions, a poll ...",
            flush=True,
        )
        rush_event = make_event(client, server, capacity=1_000_000, days=1)
        quiet_event = make_event(client, server, capacity=1_000_000, days=1, emails=False)
        event = make_event(client, server, capacity=args.people, days=DAYS)
        sessions = make_sessions(client, server, event, capacity=args.people)
        poll, topics = make_poll(client, server, event)
        started = time.monotonic()
        tokens = register_people(server, event, args.people)
        print(f"{name}: {len(tokens)} people registered in {time.monotonic() - started:.1f} s", flush=True)
        tokens_file = tmp_dir / "tokens.txt"
        tokens_file.write_text("\n".join(tokens) + "\n")

        scripts = {
            HEALTHZ: LUA_HEALTHZ,
            REGISTER: LUA_REGISTER.format(
                path=lua_str(f"/api/v1/events/{rush_event}/registrations"), run=lua_str(uuid.uuid4().hex[:6])
            ),
            REGISTER_QUIET: LUA_REGISTER.format(
                path=lua_str(f"/api/v1/events/{quiet_event}/registrations"), run=lua_str(uuid.uuid4().hex[:6])
            ),
            ENROLL: (LUA_TOKENS + LUA_ENROLL).format(
                threads=args.threads, tokens_file=lua_str(str(tokens_file)), sessions=",".join(map(str, sessions))
            ),
            BALLOT: (LUA_TOKENS + LUA_BALLOT).format(
                threads=args.threads,
                tokens_file=lua_str(str(tokens_file)),
                topics=",".join(map(str, topics)),
                path=lua_str(f"/api/v1/polls/{poll}/ballot"),
            ),
        }
        wrk = {"threads": args.threads, "connections": args.connections, "timeout": args.timeout}
        results: list[WrkResult] = []
        for endpoint, lua in scripts.items():
            script = tmp_dir / f"{len(results)}.lua"
            script.write_text(LUA_COMMON + lua, encoding="utf-8")
            if endpoint == HEALTHZ:  # unmeasured: every worker past its first requests
                run_wrk(server.base_url, script, duration=WARMUP_SECONDS, **wrk)
            print(f"{name}: wrk {endpoint} for {args.duration} s ...", flush=True)
            before = cpu_ticks(app_pgids)
            out = run_wrk(server.base_url, script, duration=args.duration, **wrk)
            after = cpu_ticks(app_pgids)
            result = parse_wrk(name, endpoint, out)
            result.cpu_ms = {k: (after[k] - before[k]) * TICK_MS / max(result.requests, 1) for k in after}
            results.append(result)
            if endpoint == REGISTER:
                check_registrations(client, server, result, rush_event, args.connections)
                check_outbox(client, server, result, rush_event)
            elif endpoint == REGISTER_QUIET:
                check_registrations(client, server, result, quiet_event, args.connections)
            elif endpoint == ENROLL:
                check_enrollments(client, server, result, event, sessions, args.connections)
            elif endpoint == BALLOT:
                check_ballots(client, server, result, poll, args.people)
            for line in result.checks + result.failed_checks:
                print(f"{name}: {endpoint}: {line}", flush=True)
            if result.errors:
                print(
                    f"{name}: {endpoint}: {result.errors} errors, statuses {result.statuses}, socket errors "
                    f"{result.socket_errors}\nwrk said:\n{out}\nserver warnings and errors:\n{server.log_digest()}",
                    flush=True,
                )
        health = results[0].rate
        for r in results:
            r.ratio = r.rate / health if health else float("nan")
        return results


@contextmanager
def delivery_worker(server: LiveServer, dispatch: str) -> Iterator[int | None]:
    """`--dispatch worker`: the web workers queue messages only (OUTBOX_DISPATCH=off) and one
    `python -m app.worker` process beside them delivers, as on a machine with cores to spare.
    Yields the worker's process group (None without one)."""
    if dispatch != "worker":
        yield None
        return
    env = {
        **os.environ,
        "DATABASE_URL": server.database_url,
        "LOG_LEVEL": "WARNING",
        "OUTBOX_DIR": str(server.outbox_dir or Path(tempfile.gettempdir()) / "bench-outbox"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def print_table(results: list[WrkResult], args: argparse.Namespace) -> None:
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout={args.timeout}s --latency, "
        f"loopback, load generator on the same machine; e-mails delivered by: {args.dispatch}"
    )
    head = (
        f"{'scenario':<9} {'endpoint':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'/healthz':>8} {'CPU ms/request: app':>19} {'pg':>5} {'all':>5}  statuses"
    )
    print(head + "\n" + "-" * len(head))
    for r in results:
        statuses = " ".join(f"{code}:{n}" for code, n in r.statuses.items())
        cpu = r.cpu_ms or {"app": float("nan"), "postgresql": float("nan"), "machine": float("nan")}
        print(
            f"{r.scenario:<9} {r.endpoint:<20} {r.rate:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.errors:>7} "
            f"{r.ratio:>8.2f} {cpu['app']:>19.2f} {cpu['postgresql']:>5.2f} {cpu['machine']:>5.2f}  {statuses}"
        )
    for r in results:
        if r.errors:
            print(
                f"{r.scenario} {r.endpoint}: Non-2xx or 3xx responses {r.non_2xx}, socket errors {r.socket_errors or 0}"
            )
    for r in results:
        for line in r.failed_checks:
            print(f"{r.scenario} {r.endpoint}: {line}")
    print(
        f"\nissue 16 targets: registrations >= {TARGET_RATIO:.0%} of /healthz req/s, p99 < {TARGET_P99_MS:.0f} ms "
        f"at {args.connections} connections, zero errors"
    )
    for r in results:
        if r.endpoint == REGISTER:
            met = r.ratio >= TARGET_RATIO and r.p99_ms < TARGET_P99_MS and not r.errors
            print(
                f"  {r.scenario:<9} ratio {r.ratio:.2f}, p99 {r.p99_ms:.1f} ms, errors {r.errors}: "
                f"{'met' if met else 'missed'}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated: sqlite1,pg2,pg4")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--timeout",
        type=int,
        default=10,
        help="wrk's per-request timeout in seconds (wrk's own default, 2, drops slow requests from "
        "the latency figures and counts them as socket errors)",
    )
    parser.add_argument("--people", type=int, default=2000, help="pre-registered people for enrollments and ballots")
    parser.add_argument(
        "--dispatch",
        choices=["inprocess", "worker"],
        default="inprocess",
        help="who delivers the e-mails: the web workers (the default, as with `make run`) or one "
        "`python -m app.worker` beside them (OUTBOX_DISPATCH=off in the web workers)",
    )
    args = parser.parse_args(argv)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown or not scenarios:
        parser.error(f"unknown scenarios {unknown}; choose from {','.join(SCENARIOS)}")
    if not (
        1 <= args.duration <= 3600
        and 1 <= args.threads <= 64
        and args.threads <= args.connections <= 1000
        and 1 <= args.timeout <= 600
        and 1 <= args.people <= 100_000
    ):
        parser.error(
            "bounds: 1 <= duration <= 3600, 1 <= threads <= connections <= 1000, 1 <= timeout <= 600, "
            "1 <= people <= 100000"
        )
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install wrk)")
    if any(SCENARIOS[s][0] == "postgresql" for s in scenarios):
        os.environ.setdefault("TEST_DATABASE_URL", DEFAULT_PG)
    results: list[WrkResult] = []
    for name in scenarios:
        results += run_scenario(name, args)
    print_table(results, args)
    failed = any(r.errors or r.failed_checks for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
