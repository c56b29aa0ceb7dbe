"""Invariants of the whole registration/enrollment state machine, read straight from the database.

`violations(engine)` loads the few tables involved with plain SQL (so it works on SQLite, which
stores naive UTC text, and on PostgreSQL, timestamptz, alike) and returns one line per broken
invariant, each starting with the invariant's name and a colon:

- `event-count`: `events.confirmed_count` equals the number of confirmed registrations and
  never exceeds `capacity`.
- `session-count`: `sessions.enrolled` equals the number of `enrolled` enrollment rows and
  never exceeds `capacity` (when the session has one).
- `holder-not-confirmed`: only confirmed registrations hold enrollment rows (enrolled or
  waitlisted); a waitlisted or cancelled registration holds no session place at all.
- `overlap`: nobody holds places (enrolled or waitlisted) in two sessions whose half-open
  intervals [starts_at, ends_at) overlap.
- `same-topic`: nobody holds places in two sessions made from the same poll topic.
- `waitlist-seq`: waiting lists are FIFO queues: a waitlisted registration (enrollment) has a
  `waitlist_seq`, distinct within its event (session) and not above the event's (session's)
  sequence counter; confirmed, cancelled and enrolled rows have none.
- `idle-waitlist`: a session's waiting list is non-empty only when the session is full; an
  event's only when it is full or every waiting person's organization is at the event's
  `max_per_organization` (otherwise someone should have been promoted).
- `org-limit`: with `max_per_organization` set, no organization has more confirmed people than
  the limit. An organizer's explicit "confirm" may exceed it on purpose; a caller that used
  such an override passes `check_org_limit=False`.
- `ballot-topic`: ballots name only approved topics.
- `held-seats`: an event's `reserved_open` is the sum of its invitations' unused held seats,
  and `confirmed_count + reserved_open` never exceeds `capacity`; an invitation's uses and
  held seats stay within their limits, and `used` counts the registrations made with it.
- `option-count`: a question option's `taken` equals the active (not cancelled, not
  rejected) registrations that chose it, and never exceeds its capacity.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, text

Row = RowMapping


def _rows(conn: Connection, sql: str) -> Sequence[Row]:
    return conn.execute(text(sql)).mappings().all()


def _utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def violations(engine: Engine, *, check_org_limit: bool = True) -> list[str]:
    """Every broken invariant, as human-readable lines (empty when the state is consistent)."""
    with engine.connect() as conn:
        events = {
            e["id"]: e
            for e in _rows(
                conn,
                "SELECT id, capacity, confirmed_count, waitlist_seq, max_per_organization, reserved_open FROM events",
            )
        }
        invitations = _rows(
            conn,
            "SELECT i.id, i.event_id, i.uses, i.used, i.reserved_seats, i.reserved_used, "
            "(SELECT COUNT(*) FROM registrations r WHERE r.invitation_id = i.id) AS made "
            "FROM invitations i ORDER BY i.id",
        )
        options = _rows(
            conn,
            "SELECT o.id, o.capacity, o.taken, (SELECT COUNT(*) FROM answers a JOIN registrations r "
            "ON r.id = a.registration_id WHERE a.option_id = o.id AND r.status NOT IN "
            "('cancelled', 'rejected')) AS chosen FROM question_options o ORDER BY o.id",
        )
        sessions = {
            s["id"]: s
            for s in _rows(
                conn, "SELECT id, capacity, enrolled, waitlist_seq, starts_at, ends_at, topic_id FROM sessions"
            )
        }
        regs = _rows(
            conn,
            "SELECT id, event_id, status, waitlist_seq, organization_normalized AS org "
            "FROM registrations ORDER BY waitlist_seq, id",
        )
        enrollments = _rows(
            conn,
            "SELECT id, session_id, registration_id, status, waitlist_seq FROM enrollments "
            "ORDER BY session_id, registration_id",
        )
        bad_choices = _rows(
            conn,
            "SELECT b.id AS ballot_id, b.registration_id, c.topic_id, t.status "
            "FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id "
            "JOIN topics t ON t.id = c.topic_id WHERE t.status != 'approved' ORDER BY b.id",
        )
    confirmed = [r for r in regs if r["status"] == "confirmed"]
    org_confirmed = Counter((r["event_id"], r["org"]) for r in confirmed)
    return [
        *_counters(events, sessions, confirmed, enrollments),
        *_holders(sessions, regs, enrollments),
        *_queue("registration", "event_id", regs, events),
        *_queue("enrollment", "session_id", enrollments, sessions),
        *_idle_waitlists(events, sessions, regs, enrollments, org_confirmed),
        *(_org_limits(events, org_confirmed) if check_org_limit else []),
        *(
            f"ballot-topic: ballot {c['ballot_id']} of registration {c['registration_id']} names topic "
            f"{c['topic_id']} ({c['status']})"
            for c in bad_choices
        ),
        *_held_seats(events, invitations),
        *(
            f"option-count: option {o['id']} has taken={o['taken']}, chosen by {o['chosen']} active registrations, "
            f"capacity {o['capacity']}"
            for o in options
            if o["taken"] != o["chosen"] or (o["capacity"] is not None and o["taken"] > o["capacity"])
        ),
    ]


def _held_seats(events: Mapping[int, Row], invitations: Sequence[Row]) -> Iterable[str]:
    held = Counter()
    for i in invitations:
        held[i["event_id"]] += i["reserved_seats"] - i["reserved_used"]
        if (
            not (0 <= i["used"] <= i["uses"] and 0 <= i["reserved_used"] <= i["reserved_seats"])
            or i["used"] != i["made"]
        ):
            yield (
                f"held-seats: invitation {i['id']} has used {i['used']} of {i['uses']} ({i['made']} registrations "
                f"made with it), held {i['reserved_used']} of {i['reserved_seats']}"
            )
    for e in events.values():
        if e["reserved_open"] != held[e["id"]] or e["confirmed_count"] + e["reserved_open"] > e["capacity"]:
            yield (
                f"held-seats: event {e['id']} has reserved_open={e['reserved_open']}, {held[e['id']]} unused held "
                f"seats, confirmed_count={e['confirmed_count']}, capacity {e['capacity']}"
            )


def _counters(
    events: Mapping[int, Row], sessions: Mapping[int, Row], confirmed: Sequence[Row], enrollments: Sequence[Row]
) -> Iterable[str]:
    per_event = Counter(r["event_id"] for r in confirmed)
    for e in events.values():
        if e["confirmed_count"] != per_event[e["id"]] or e["confirmed_count"] > e["capacity"]:
            yield (
                f"event-count: event {e['id']} has confirmed_count={e['confirmed_count']}, "
                f"{per_event[e['id']]} confirmed registrations, capacity {e['capacity']}"
            )
    seated = Counter(n["session_id"] for n in enrollments if n["status"] == "enrolled")
    for s in sessions.values():
        if s["enrolled"] != seated[s["id"]] or (s["capacity"] is not None and s["enrolled"] > s["capacity"]):
            yield (
                f"session-count: session {s['id']} has enrolled={s['enrolled']}, {seated[s['id']]} enrolled rows, "
                f"capacity {s['capacity']}"
            )


def _holders(sessions: Mapping[int, Row], regs: Sequence[Row], enrollments: Sequence[Row]) -> Iterable[str]:
    status = {r["id"]: r["status"] for r in regs}
    held = defaultdict(list)
    for n in enrollments:
        if status[n["registration_id"]] != "confirmed":
            yield (
                f"holder-not-confirmed: registration {n['registration_id']} ({status[n['registration_id']]}) "
                f"is {n['status']} in session {n['session_id']}"
            )
        held[n["registration_id"]].append(n)
    for reg_id, places in sorted(held.items()):
        for a, b in combinations(places, 2):
            sa, sb = sessions[a["session_id"]], sessions[b["session_id"]]
            pair = f"sessions {sa['id']} ({a['status']}) and {sb['id']} ({b['status']})"
            a_start, a_end, b_start, b_end = (
                _utc(t) for t in (sa["starts_at"], sa["ends_at"], sb["starts_at"], sb["ends_at"])
            )
            if a_start < b_end and b_start < a_end:
                yield (
                    f"overlap: registration {reg_id} holds {pair}, which overlap "
                    f"({a_start:%d %H:%M}-{a_end:%H:%M} and {b_start:%d %H:%M}-{b_end:%H:%M} UTC)"
                )
            if sa["topic_id"] is not None and sa["topic_id"] == sb["topic_id"]:
                yield f"same-topic: registration {reg_id} holds {pair}, both of topic {sa['topic_id']}"


def _queue(holder: str, owner: str, rows: Sequence[Row], owners: Mapping[int, Row]) -> Iterable[str]:
    """Waiting-list numbers of registrations (per event) or enrollments (per session)."""
    taken = defaultdict(list)
    for x in rows:
        seq, counter = x["waitlist_seq"], owners[x[owner]]["waitlist_seq"]
        if (x["status"] == "waitlisted") == (seq is None) or (seq is not None and seq > counter):
            yield (
                f"waitlist-seq: {holder} {x['id']} ({x['status']}, {owner} {x[owner]}) has waitlist_seq={seq}, "
                f"sequence counter {counter}"
            )
        if x["status"] == "waitlisted" and seq is not None:
            taken[x[owner], seq].append(x["id"])
    for (owner_id, seq), ids in taken.items():
        if len(ids) > 1:
            yield f"waitlist-seq: {holder}s {ids} on the waiting list of {owner} {owner_id} share waitlist_seq={seq}"


def _idle_waitlists(
    events: Mapping[int, Row],
    sessions: Mapping[int, Row],
    regs: Sequence[Row],
    enrollments: Sequence[Row],
    org_confirmed: Counter[tuple[int, str]],
) -> Iterable[str]:
    seated = Counter(n["session_id"] for n in enrollments if n["status"] == "enrolled")
    waiting = Counter(n["session_id"] for n in enrollments if n["status"] == "waitlisted")
    for sid, n in sorted(waiting.items()):
        capacity = sessions[sid]["capacity"]
        if capacity is None or seated[sid] < capacity:
            yield (
                f"idle-waitlist: session {sid} has {n} waiting with {seated[sid]} of "
                f"{'unlimited' if capacity is None else capacity} seats taken"
            )
    confirmed = Counter(r["event_id"] for r in regs if r["status"] == "confirmed")
    passed_over = defaultdict(list)
    for r in regs:
        event = events[r["event_id"]]
        limit, in_org = event["max_per_organization"], org_confirmed[r["event_id"], r["org"]]
        if (
            r["status"] == "waitlisted"
            and confirmed[event["id"]] + event["reserved_open"] < event["capacity"]
            and (limit is None or in_org < limit)
        ):
            passed_over[event["id"]].append(f"{r['id']} ({r['org']}: {in_org} confirmed)")
    for event_id, people in sorted(passed_over.items()):
        yield (
            f"idle-waitlist: event {event_id} has {confirmed[event_id]} confirmed of capacity "
            f"{events[event_id]['capacity']}, yet {', '.join(people)} wait although under the organization limit"
        )


def _org_limits(events: Mapping[int, Row], org_confirmed: Counter[tuple[int, str]]) -> Iterable[str]:
    for (event_id, org), n in sorted(org_confirmed.items()):
        limit = events[event_id]["max_per_organization"]
        if limit is not None and n > limit:
            yield f"org-limit: event {event_id} has {n} confirmed of organization {org!r}, limit {limit}"
