"""Summaries for organizers: people per partnership and organization; the programme with rooms."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.checkin.models import Attendance
from app.common.collation import text_key
from app.events.models import Event
from app.exports.schemas import OrganizationCount, PartnershipCount, PartnershipSummary
from app.exports.writers import Column
from app.registrations.models import Registration
from app.sessions.models import EventSession


def partnership_summary(db: Session, *, event: Event, statuses: Sequence[str]) -> PartnershipSummary:
    """Partnership -> organizations -> people counts, in Polish order (no partnership last)."""
    rows = db.exec(
        select(Registration.partnership, Registration.organization_normalized, func.min(Registration.organization),
               func.count())
        .where(Registration.event_id == event.id, col(Registration.status).in_(statuses))
        .group_by(Registration.partnership, Registration.organization_normalized)
    ).all()
    groups: dict[str | None, list[OrganizationCount]] = {}
    for partnership, _, organization, people in rows:
        groups.setdefault(partnership, []).append(OrganizationCount(organization=organization, people=people))
    items = [
        PartnershipCount(partnership=name, people=sum(o.people for o in orgs),
                         organizations=sorted(orgs, key=lambda o: text_key(o.organization)))
        for name, orgs in groups.items()
    ]
    items.sort(key=lambda p: (p.partnership is None, text_key(p.partnership)))
    return PartnershipSummary(event_id=event.id, statuses=list(statuses), partnerships=items,
                              people=sum(p.people for p in items),
                              organizations=sum(len(p.organizations) for p in items))


PARTNERSHIP_COLUMNS = [Column("partnership", "text", 40), Column("organization", "text", 40),
                       Column("people", "int", 10)]


def partnership_rows(summary: PartnershipSummary) -> list[tuple[Any, ...]]:
    return [(p.partnership, o.organization, o.people) for p in summary.partnerships for o in p.organizations]


SESSION_LIST_COLUMNS = [
    Column("session_id", "int", 10), Column("title", "text", 40), Column("kind", "text", 10),
    Column("room", "text", 16), Column("starts_at", "datetime", 17), Column("ends_at", "datetime", 17),
    Column("capacity", "int", 10), Column("enrolled", "int", 10), Column("checked_in", "int", 11),
]


def session_rows(db: Session, *, event: Event) -> list[tuple[Any, ...]]:
    """The programme in time order with rooms, local times and head counts (for sign-in sheets)."""
    zone = ZoneInfo(event.timezone)
    checked = (select(Attendance.session_id, func.count().label("n")).where(Attendance.event_id == event.id)
               .group_by(col(Attendance.session_id)).subquery())
    rows = db.exec(
        select(EventSession, checked.c.n).outerjoin(checked, checked.c.session_id == EventSession.id)
        .where(EventSession.event_id == event.id).order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    return [(s.id, s.title, str(s.kind), s.room, local(s.starts_at, zone), local(s.ends_at, zone), s.capacity,
             s.enrolled, n or 0) for s, n in rows]


def local(value: datetime, zone: ZoneInfo) -> datetime:
    """Naive wall-clock time in the event's zone (what spreadsheets and printouts show)."""
    return value.astimezone(zone).replace(tzinfo=None)
