"""What organizers export: attendee tables (the chosen columns, then the event's questions),
people per partnership and organization, the programme with rooms."""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.checkin.models import Attendance
from app.common.collation import text_key
from app.events.models import Event
from app.exports import localise
from app.exports.columns import SIDE_COLUMNS, Lang, answer_columns, answered_values, parse_columns, values
from app.exports.query import ExportSpec, stream_people, stream_rows
from app.exports.schemas import OrganizationCount, PartnershipCount, PartnershipSummary
from app.exports.writers import Column
from app.questions.service import questions_of
from app.registrations.models import Registration
from app.sessions.models import EventSession


def attendee_table(
    db: Session, engine: Engine, *, spec: ExportSpec, columns: str | None, zone: ZoneInfo, lang: Lang | None = None
) -> tuple[list[Column], Iterator[tuple[Any, ...]]]:
    """The columns of an attendee export and its rows, streamed lazily on a session of their own.

    `columns` (the `columns` query parameter) are checked first (422); then come the event's
    questions, one column each in form order, headed by the label in `lang` (Polish when there
    is no English one, or no `lang`). Answers, workshops and waiting-list positions are read
    only when the export holds them, one keyset page of people at a time. With `lang` the
    headers and coded values are words of that language (app/exports/localise.py).
    """
    chosen = parse_columns(columns, session=spec.session_id is not None)
    if lang is not None:
        chosen = localise.headers(chosen, lang)
    asked = answer_columns(questions_of(db, event_id=spec.event_id), lang=lang or "pl", taken=[c.title for c in chosen])
    side = {c.key for c in chosen} & SIDE_COLUMNS
    cols = [*chosen, *(a.column for a in asked)]
    rows: Iterator[tuple[Any, ...]]
    if not asked and not side:
        rows = values(stream_rows(engine, spec), chosen, zone)
    else:
        people = stream_people(
            engine, spec, answers=bool(asked), workshops="workshops" in side, positions="waitlist_position" in side
        )
        rows = answered_values(people, chosen, asked, zone)
    if lang is None:
        return cols, rows
    return localise.rows(cols, rows, lang)


def partnership_summary(db: Session, *, event: Event, statuses: Sequence[str]) -> PartnershipSummary:
    """Partnership -> organizations -> people counts, in Polish order (no partnership last)."""
    rows = db.exec(
        select(
            Registration.partnership,
            Registration.organization_normalized,
            func.min(Registration.organization),
            func.count(),
        )
        .where(Registration.event_id == event.id, col(Registration.status).in_(statuses))
        .group_by(Registration.partnership, Registration.organization_normalized)
    ).all()
    groups: dict[str | None, list[OrganizationCount]] = {}
    for partnership, _, organization, people in rows:
        groups.setdefault(partnership, []).append(OrganizationCount(organization=organization, people=people))
    items = [
        PartnershipCount(
            partnership=name,
            people=sum(o.people for o in orgs),
            organizations=sorted(orgs, key=lambda o: text_key(o.organization)),
        )
        for name, orgs in groups.items()
    ]
    items.sort(key=lambda p: (p.partnership is None, text_key(p.partnership)))
    return PartnershipSummary(
        event_id=event.id,
        statuses=list(statuses),
        partnerships=items,
        people=sum(p.people for p in items),
        organizations=sum(len(p.organizations) for p in items),
    )


PARTNERSHIP_COLUMNS = [
    Column("partnership", "text", 40),
    Column("organization", "text", 40),
    Column("people", "int", 10),
]


def partnership_rows(summary: PartnershipSummary) -> list[tuple[Any, ...]]:
    return [(p.partnership, o.organization, o.people) for p in summary.partnerships for o in p.organizations]


SESSION_LIST_COLUMNS = [
    Column("session_id", "int", 10),
    Column("title", "text", 40),
    Column("kind", "text", 10),
    Column("room", "text", 16),
    Column("starts_at", "datetime", 17),
    Column("ends_at", "datetime", 17),
    Column("capacity", "int", 10),
    Column("enrolled", "int", 10),
    Column("checked_in", "int", 11),
]


def session_rows(db: Session, *, event: Event) -> list[tuple[Any, ...]]:
    """The programme in time order with rooms, local times and head counts (for sign-in sheets)."""
    zone = ZoneInfo(event.timezone)
    checked = (
        select(Attendance.session_id, func.count().label("n"))
        .where(Attendance.event_id == event.id)
        .group_by(col(Attendance.session_id))
        .subquery()
    )
    rows = db.exec(
        select(EventSession, checked.c.n)
        .outerjoin(checked, checked.c.session_id == EventSession.id)
        .where(EventSession.event_id == event.id)
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    return [
        (
            s.id,
            s.title,
            str(s.kind),
            s.room,
            local(s.starts_at, zone),
            local(s.ends_at, zone),
            s.capacity,
            s.enrolled,
            n or 0,
        )
        for s, n in rows
    ]


def local(value: datetime, zone: ZoneInfo) -> datetime:
    """Naive wall-clock time in the event's zone (what spreadsheets and printouts show)."""
    return value.astimezone(zone).replace(tzinfo=None)
