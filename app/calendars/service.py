"""Calendars (iCalendar, RFC 5545): an event's public programme and a person's own feed.

The only writer of `calendar_feeds`. A feed URL carries a secret of its own (calendar apps
cannot send a Bearer header, so it is not the registration token), stored only as a digest;
making a new one replaces (revokes) the old one. Times are written in the event's time zone
with its VTIMEZONE, so calendar apps show them right wherever their user is.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration, vText
from icalendar import Event as VEvent
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.calendars.models import CalendarFeed
from app.common.ids import id_of
from app.common.locking import lock
from app.common.security import digest, new_secret
from app.common.time import as_utc, utcnow
from app.enrollments.models import EnrollmentStatus
from app.enrollments.service import enrollments_of
from app.errors import Conflict, NotFound
from app.events.models import Event
from app.events.service import get_event
from app.registrations.models import INACTIVE, Registration, RegistrationStatus
from app.sessions.models import EventSession

FEED_PREFIX = "cal"
_FEED_MAX = 100  # longer than any secret we make: refused before the database is asked
PRODID = "-//Seminar registration//Calendar//EN"
REFRESH = timedelta(hours=1)
WAITING = {"pl": "lista rezerwowa", "en": "waiting list"}
PENDING = {"pl": "czeka na zatwierdzenie", "en": "awaiting approval"}
MINE = {"pl": "mój program", "en": "my programme"}


# --- feeds (the table) ----------------------------------------------------------------------


def create_feed(db: Session, *, registration_id: int) -> str:
    """A new feed secret for the person (the previous one, if any, stops working at once)."""
    reg = lock(db, Registration, registration_id)  # one feed row per person, even when asked twice at once
    if reg is None or _closed(reg):
        raise Conflict("A cancelled, rejected or erased registration has no calendar feed.")
    secret = new_secret(FEED_PREFIX)
    feed = db.get(CalendarFeed, registration_id)
    if feed is None:
        feed = CalendarFeed(registration_id=registration_id, token_digest=digest(secret))
    else:
        feed.token_digest, feed.created_at = digest(secret), utcnow()
    db.add(feed)
    db.flush()
    return secret


def delete_for(db: Session, *, registration_id: int) -> None:
    """Revoke the person's feed (no feed: nothing to do). Erasure calls it too."""
    db.execute(delete(CalendarFeed).where(col(CalendarFeed.registration_id) == registration_id))
    db.flush()


def has_feed(db: Session, *, registration_id: int) -> bool:
    return db.get(CalendarFeed, registration_id) is not None


def feed_owner(db: Session, *, secret: str) -> Registration | None:
    """The registration a feed secret belongs to; None when unknown, revoked, cancelled, rejected
    or erased (the feed of a person an organizer takes back works again)."""
    if not secret.startswith(f"{FEED_PREFIX}_") or len(secret) > _FEED_MAX:
        return None
    reg = db.exec(
        select(Registration)
        .join(CalendarFeed, col(CalendarFeed.registration_id) == col(Registration.id))
        .where(CalendarFeed.token_digest == digest(secret))
    ).first()
    return None if reg is None or _closed(reg) else reg


def _closed(reg: Registration) -> bool:
    return reg.status in INACTIVE or reg.erased_at is not None


# --- calendars (the documents) --------------------------------------------------------------


def programme(db: Session, *, event_id: int, host: str) -> tuple[Event, bytes]:
    """A published event's programme: every session, or the event's days when it has none yet."""
    event = get_event(db, event_id=event_id)
    sessions = db.exec(
        select(EventSession)
        .where(EventSession.event_id == event_id)
        .order_by(col(EventSession.starts_at), col(EventSession.id))
    ).all()
    cal = _calendar(event, name=event.title, uid=f"programme-{event_id}@{host}")
    stamp = utcnow()
    for row in sessions:
        cal.add_component(_session_event(event, row, host=host, stamp=stamp))
    if not sessions:
        cal.add_component(_whole_event(event, host=host, stamp=stamp))
    return event, _finish(cal, event)


def personal(db: Session, *, reg: Registration, host: str) -> tuple[Event, bytes]:
    """The person's sessions and workshops, or the event's days when they have none. Only what
    is certain is CONFIRMED: a registration waiting for approval or on the event's waiting
    list, and a place on a session's waiting list, are TENTATIVE."""
    event = db.get(Event, reg.event_id)
    if event is None:  # the registration's event cascades away with it; only a race gets here
        raise NotFound("This calendar does not exist.")
    language = reg.language or event.language
    waiting = WAITING.get(language, WAITING["en"])
    cal = _calendar(event, name=f"{event.title} – {MINE.get(language, MINE['en'])}", uid=f"feed-{id_of(reg)}@{host}")
    stamp = utcnow()
    places = enrollments_of(db, registration_id=id_of(reg))
    seated = reg.status == RegistrationStatus.confirmed
    for enrollment, row in places:
        waits = enrollment.status == EnrollmentStatus.waitlisted
        cal.add_component(
            _session_event(
                event,
                row,
                host=host,
                stamp=stamp,
                suffix=f" ({waiting})" if waits else "",
                status="CONFIRMED" if seated and not waits else "TENTATIVE",
            )
        )
    if not places:
        suffix = {
            RegistrationStatus.waitlisted: f" ({waiting})",
            RegistrationStatus.pending: f" ({PENDING.get(language, PENDING['en'])})",
        }.get(reg.status, "")
        cal.add_component(
            _whole_event(event, host=host, stamp=stamp, suffix=suffix, status="CONFIRMED" if seated else "TENTATIVE")
        )
    return event, _finish(cal, event)


def _calendar(event: Event, *, name: str, uid: str) -> Calendar:
    """The calendar's own properties, each with its value type: the library knows NAME and the
    X- properties of other calendar apps only as raw text, so it would write a title's `,` `;`
    and `\\` unescaped (RFC 5545 3.3.11) and the refresh time as `1:00:00`."""
    cal = Calendar.new(prodid=PRODID, uid=uid, method="PUBLISH")
    cal.add("NAME", vText(name))  # RFC 7986
    cal.add("X-WR-CALNAME", vText(name))  # what Apple and Google calendars read
    cal.add("REFRESH-INTERVAL", vDuration(REFRESH), parameters={"VALUE": "DURATION"})  # RFC 7986: VALUE required
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    cal.add("X-WR-TIMEZONE", vText(event.timezone))
    return cal


def _session_event(
    event: Event, row: EventSession, *, host: str, stamp: datetime, suffix: str = "", status: str | None = None
) -> VEvent:
    zone = ZoneInfo(event.timezone)
    item = VEvent.new(
        uid=f"session-{id_of(row)}@{host}",
        stamp=stamp,
        summary=row.title + suffix,
        start=as_utc(row.starts_at).astimezone(zone),
        end=as_utc(row.ends_at).astimezone(zone),
        location=_location(row.room, event.venue),
        description=row.description or None,
        categories=[str(row.kind)],
    )
    if status:
        item.add("STATUS", status)
    return item


def _whole_event(event: Event, *, host: str, stamp: datetime, suffix: str = "", status: str | None = None) -> VEvent:
    """All-day, from the first day to the day after the last (DTEND of a date is exclusive)."""
    item = VEvent.new(
        uid=f"event-{id_of(event)}@{host}",
        stamp=stamp,
        summary=event.title + suffix,
        start=event.starts_on,
        end=event.ends_on + timedelta(days=1),
        location=event.venue,
        description=event.description or None,
    )
    item.add("TRANSP", "TRANSPARENT")
    if status:
        item.add("STATUS", status)
    return item


def _location(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


def _finish(cal: Calendar, event: Event) -> bytes:
    """Add the VTIMEZONE the times refer to (valid around the event's dates) and serialise."""
    cal.add_missing_timezones(
        first_date=date(event.starts_on.year - 1, 1, 1), last_date=date(event.ends_on.year + 2, 1, 1)
    )
    return bytes(cal.to_ical())
