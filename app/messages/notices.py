"""What the service tells people and other systems, queued in the caller's transaction.

Each function here is called by the workflow that makes the decision (registration, the
waiting lists, enrollment, the assignment, publishing winners, check-in, erasure), with the
rows it just changed. It renders the e-mail in the person's language (the registration's,
else the event's), with the organizer's own subject and text where they set one, and fans the
notice out to the webhook endpoints that asked for its type. Webhook payloads carry ids and
states, never names or addresses: receivers look people up with an organizer key.

A secret the e-mail must carry (the self-service token, a recovery code) is never stored in
the body: the body holds `SECRET_MARK` and the secret is sealed beside it (app/keyring),
put in when the message is sent, and wiped then.

Every e-mail to a person whose registration still runs carries their personal link
(`me_url`, app/registrations/links.py): the body holds `LINK_MARK`, the row the link's claims
(registration, expiry, `link_version`, none of them secret), and the deliverer signs them into
the link when sending. So the outbox never holds a usable link, and a link of a message still
waiting when the person recovers their link or cancels is born revoked.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.common.time import utcnow
from app.enrollments.models import Enrollment, EnrollmentStatus
from app.events import config
from app.events.models import Event
from app.keyring import service as keyring
from app.messages import outbox, render
from app.messages.greeting import greeting
from app.messages.models import MessageTemplate
from app.registrations import links
from app.registrations.models import Registration, RegistrationStatus
from app.sessions.models import EventSession
from app.settings import Settings, get_settings

log = logging.getLogger("app.messages")
SECRET_MARK = "\u27e6secret\u27e7"  # ⟦secret⟧
LINK_MARK = "\u27e6link\u27e7"  # ⟦link⟧: the signed personal link, made when sending
# Kinds that carry no personal link: the person's links were just revoked (cancellation,
# erasure), or the message is how they get a new one (a lost-link code).
NO_LINK = frozenset({"registration.cancelled", "registration.erased", "recovery.code"})
# What the person asked for themselves goes out even when the event sends no e-mails.
ALWAYS_SENT = frozenset({"recovery.code", "registration.erased"})
SETTINGS_KEY = "settings"  # Session.info: the running app's settings (app/db.py)


def settings_of(db: Session) -> Settings:
    found = db.info.get(SETTINGS_KEY)
    return found if isinstance(found, Settings) else get_settings()


def language_of(event: Event, reg: Registration | None) -> str:
    language = (reg.language if reg is not None else None) or event.language
    return language if language in render.LANGUAGES else "pl"


def base_context(settings: Settings, event: Event, language: str) -> dict[str, Any]:
    base = settings.public_base_url.rstrip("/")
    return {
        "event_title": event.title,
        "venue": event.venue,
        "timezone": event.timezone,
        "event_dates": render.date_range(event.starts_on, event.ends_on, language),
        "event_url": f"{base}/events/{event.id}",
        "me_url": f"{base}/me",
        "recover_url": f"{base}/recover?event={event.id}",
        "language": language,
    }


def person_context(event: Event, reg: Registration, language: str) -> dict[str, Any]:
    """The person's name and the greeting (app/messages/greeting.py); no name once erased."""
    erased = reg.erased_at is not None
    first, last = (None, None) if erased else (reg.first_name, reg.last_name)
    return {
        "first_name": first or "",
        "last_name": last or "",
        "greeting": greeting(
            style=event.greeting,
            language=language,
            first_name=first,
            last_name=last,
            form_of_address=None if erased else reg.form_of_address,
        ),
    }


def link_claims(event: Event, reg: Registration, *, kind: str, to: str | None) -> str | None:
    """The claims of the personal link this message carries; None when it carries none."""
    if kind in NO_LINK or to is not None or reg.id is None:
        return None
    if reg.erased_at is not None or reg.status == RegistrationStatus.cancelled:
        return None
    expires = links.expiry(ends_on=event.ends_on, now=utcnow())
    return links.claims(registration_id=reg.id, expires=expires, version=reg.link_version)


def _override(db: Session, *, event: Event, kind: str, language: str) -> tuple[str, str] | None:
    def find() -> tuple[str, str] | None:
        row = db.exec(
            select(MessageTemplate).where(
                MessageTemplate.event_id == event.id,
                MessageTemplate.kind == kind,
                MessageTemplate.language == language,
            )
        ).first()
        return (row.subject, row.text) if row is not None else None

    return config.remembered(db, event, ("template", kind, language), find)


def email(
    db: Session,
    *,
    kind: str,
    event: Event,
    reg: Registration,
    extra: Mapping[str, Any] | None = None,
    secret: str | None = None,
    to: str | None = None,
    overridable: bool = True,
) -> bool:
    """Queue one e-mail of `kind` to the person of `reg` (nobody, once their data is erased, and
    nothing but the always-sent kinds for an event with e-mails off); whether it was queued."""
    if reg.erased_at is not None and to is None:
        return False
    if not event.emails_enabled and kind not in ALWAYS_SENT:
        return False
    settings = settings_of(db)
    language = language_of(event, reg)
    claims = link_claims(event, reg, kind=kind, to=to)
    context = base_context(settings, event, language) | person_context(event, reg, language)
    if claims is not None:
        context["me_url"] = f"{settings.public_base_url.rstrip('/')}/me#link={LINK_MARK}"
        keyring.derived_key(db, settings, links.PURPOSE)  # the key is stored before a deliverer signs with it
    context |= dict(extra or {})
    override = _override(db, event=event, kind=kind, language=language) if overridable else None
    message, template_error = render.render_or_builtin(kind, language, context, override=override)
    if template_error is not None:  # the reason may quote the person's data: it stays on the row
        log.warning(
            "event %s: the organizer's template %s/%s failed; the built-in text was used", event.id, kind, language
        )
    outbox.enqueue_email(
        db,
        kind=kind,
        event_id=event.id,
        registration_id=reg.id if to is None else None,
        to=to or reg.email,
        to_name=f"{reg.first_name} {reg.last_name}" if to is None else "",
        language=language,
        subject=message.subject,
        text=message.text,
        html=message.html,
        sealed_secret=keyring.seal(db, settings, secret) if secret is not None else None,
        link_claims=claims,
        template_error=template_error,
    )
    return True


def webhooks(db: Session, *, kind: str, event: Event, data: dict[str, Any]) -> None:
    """Queue the notice for every webhook endpoint subscribed to `kind`."""
    from app.webhooks.service import subscribed

    event_id = id_of(event)
    endpoints = config.remembered(
        db, event, ("webhooks", kind), lambda: [(id_of(e), e.url) for e in subscribed(db, kind=kind, event_id=event_id)]
    )
    for webhook_id, url in endpoints:
        outbox.enqueue_webhook(
            db, kind=kind, event_id=event_id, webhook_id=webhook_id, url=url, data={"event_id": event_id} | data
        )


# --- registration and the event's waiting list ------------------------------------------------


def registration_created(db: Session, *, event: Event, reg: Registration, token: str, position: int | None) -> None:
    base = settings_of(db).public_base_url.rstrip("/")
    email(
        db,
        kind="registration.created",
        event=event,
        reg=reg,
        secret=token,
        extra={
            "status": str(reg.status),
            "position": position,
            "self_service_url": f"{base}/me#token={SECRET_MARK}",
        },
    )
    webhooks(
        db,
        kind="registration.created",
        event=event,
        data={"registration_id": reg.id, "status": str(reg.status), "waitlist_position": position},
    )


def registration_decided(db: Session, *, event: Event, reg: Registration, position: int | None) -> None:
    """An organizer approved (confirmed or waitlisted) or rejected a pending registration."""
    kind = "registration.rejected" if reg.status == RegistrationStatus.rejected else "registration.approved"
    email(db, kind=kind, event=event, reg=reg, extra={"status": str(reg.status), "position": position})
    webhooks(
        db,
        kind=kind,
        event=event,
        data={"registration_id": reg.id, "status": str(reg.status), "waitlist_position": position},
    )


def registrations_promoted(db: Session, *, event: Event, regs: Sequence[Registration]) -> None:
    for reg in regs:
        email(db, kind="registration.promoted", event=event, reg=reg)
        webhooks(
            db,
            kind="registration.promoted",
            event=event,
            data={"registration_id": reg.id, "status": str(RegistrationStatus.confirmed)},
        )


def registration_cancelled(db: Session, *, event: Event, reg: Registration) -> None:
    email(db, kind="registration.cancelled", event=event, reg=reg)
    webhooks(db, kind="registration.cancelled", event=event, data={"registration_id": reg.id})


def registration_erased(db: Session, *, event: Event, reg: Registration, address: str) -> None:
    """Erasure is done: one last message to the address the person had (wiped once sent)."""
    email(db, kind="registration.erased", event=event, reg=reg, to=address, overridable=False)
    webhooks(db, kind="registration.erased", event=event, data={"registration_id": reg.id})


def recovery_code(db: Session, *, event: Event, reg: Registration, code: str, minutes: int) -> None:
    base = settings_of(db).public_base_url.rstrip("/")
    email(
        db,
        kind="recovery.code",
        event=event,
        reg=reg,
        secret=code,
        overridable=False,
        extra={"code": SECRET_MARK, "minutes": minutes, "recover_link": f"{base}/recover#code={SECRET_MARK}"},
    )


def broadcast(db: Session, *, event: Event, regs: Iterable[Registration], subject: str, text: str) -> int:
    sent = 0
    for reg in regs:
        email(
            db,
            kind="broadcast",
            event=event,
            reg=reg,
            overridable=False,
            extra={"subject": render.one_line(subject), "text": text},
        )
        sent += 1
    return sent


# --- sessions --------------------------------------------------------------------------------


def _session_context(event: Event, session: EventSession, language: str) -> dict[str, Any]:
    return {
        "session_title": session.title,
        "session_room": session.room,
        "session_when": render.when(session.starts_at, session.ends_at, event.timezone, language),
    }


def enrollment_created(
    db: Session, *, event: Event, reg: Registration, session: EventSession, enrollment: Enrollment, position: int | None
) -> None:
    enrolled = enrollment.status == EnrollmentStatus.enrolled
    email(
        db,
        kind="enrollment.created",
        event=event,
        reg=reg,
        extra=_session_context(event, session, language_of(event, reg)) | {"enrolled": enrolled, "position": position},
    )
    webhooks(
        db,
        kind="enrollment.created",
        event=event,
        data={
            "registration_id": reg.id,
            "session_id": session.id,
            "status": str(enrollment.status),
            "waitlist_position": position,
            "source": str(enrollment.source),
        },
    )


def enrollments_promoted(db: Session, *, session: EventSession, enrollments: Sequence[Enrollment]) -> None:
    if not enrollments:
        return
    event = _event(db, session.event_id)
    regs = _registrations(db, [e.registration_id for e in enrollments])
    for enrollment in enrollments:
        reg = regs[enrollment.registration_id]
        email(
            db,
            kind="enrollment.promoted",
            event=event,
            reg=reg,
            extra=_session_context(event, session, language_of(event, reg)),
        )
        webhooks(
            db,
            kind="enrollment.promoted",
            event=event,
            data={"registration_id": reg.id, "session_id": session.id, "status": str(EnrollmentStatus.enrolled)},
        )


def assignment_committed(db: Session, *, event: Event, seats: Mapping[int, Iterable[int]]) -> None:
    """Each person placed by an assignment run hears their workshops (person -> session ids)."""
    wanted = {s for sessions in seats.values() for s in sessions}
    if not wanted:
        return
    sessions = {id_of(s): s for s in db.exec(select(EventSession).where(col(EventSession.id).in_(wanted))).all()}
    regs = _registrations(db, seats.keys())
    for registration_id, session_ids in sorted(seats.items()):
        reg = regs.get(registration_id)
        mine = sorted((sessions[s] for s in session_ids), key=lambda s: (s.starts_at, id_of(s)))
        if reg is None or not mine:
            continue
        language = language_of(event, reg)
        email(
            db,
            kind="assignment.committed",
            event=event,
            reg=reg,
            extra={
                "workshops": [
                    {
                        "title": s.title,
                        "room": s.room,
                        "when": render.when(s.starts_at, s.ends_at, event.timezone, language),
                    }
                    for s in mine
                ]
            },
        )
        webhooks(
            db,
            kind="assignment.committed",
            event=event,
            data={"registration_id": registration_id, "session_ids": [s.id for s in mine]},
        )


# --- polls -----------------------------------------------------------------------------------


def _local(moment: datetime | None, event: Event, language: str) -> str | None:
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(event.timezone))
    return f"{render.day(local.date(), language)}, {local:%H:%M}"


def poll_opened(db: Session, *, event: Event, poll_id: int, title: str, closes_at: datetime | None) -> int:
    """Tell the confirmed people that a poll is open; how many e-mails were queued (none for an
    event with e-mails off: the webhooks still go)."""
    queued = sum(
        email(
            db,
            kind="poll.opened",
            event=event,
            reg=reg,
            extra={"poll_title": title, "poll_closes": _local(closes_at, event, language_of(event, reg))},
        )
        for reg in confirmed_of(db, event_id=id_of(event))
    )
    webhooks(db, kind="poll.opened", event=event, data={"poll_id": poll_id})
    return queued


def poll_published(db: Session, *, event: Event, poll_id: int, title: str, sessions: Sequence[EventSession]) -> None:
    for reg in confirmed_of(db, event_id=id_of(event)):
        language = language_of(event, reg)
        email(
            db,
            kind="poll.published",
            event=event,
            reg=reg,
            extra={
                "poll_title": title,
                "topics": [
                    {
                        "title": s.title,
                        "room": s.room,
                        "when": render.when(s.starts_at, s.ends_at, event.timezone, language),
                    }
                    for s in sorted(sessions, key=lambda s: (s.starts_at, id_of(s)))
                ],
            },
        )
    webhooks(db, kind="poll.published", event=event, data={"poll_id": poll_id, "session_ids": [s.id for s in sessions]})


# --- check-in (webhooks only) ----------------------------------------------------------------


def checkin_created(db: Session, *, event_id: int, registration_id: int, session_id: int | None) -> None:
    webhooks(
        db,
        kind="checkin.created",
        event=_event(db, event_id),
        data={"registration_id": registration_id, "session_id": session_id},
    )


# --- helpers ---------------------------------------------------------------------------------


def _event(db: Session, event_id: int) -> Event:
    event = db.get(Event, event_id)
    assert event is not None  # sessions and registrations go only with their event
    return event


def _registrations(db: Session, ids: Iterable[int]) -> dict[int, Registration]:
    wanted = sorted(set(ids))
    return {id_of(r): r for r in db.exec(select(Registration).where(col(Registration.id).in_(wanted))).all()}


def confirmed_of(db: Session, *, event_id: int) -> list[Registration]:
    return list(
        db.exec(
            select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.confirmed,
                col(Registration.erased_at).is_(None),
            )
            .order_by(col(Registration.id))
        ).all()
    )
