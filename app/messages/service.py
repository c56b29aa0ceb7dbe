"""Organizers' side of messages: broadcasts to a filtered set of people, their own templates."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.common.time import utcnow
from app.enrollments.models import Enrollment, EnrollmentStatus
from app.errors import AppError, Invalid, NotFound
from app.events import config
from app.events.models import Event
from app.messages import notices, render
from app.messages.models import MessageTemplate
from app.messages.schemas import BroadcastIn, TemplateIn, TemplatePublic
from app.registrations.models import Registration
from app.registrations.service import normalize_org
from app.sessions.models import EventSession


def broadcast_recipients(db: Session, *, event_id: int, data: BroadcastIn) -> Sequence[Registration]:
    cond: list[ColumnElement[bool]] = [col(Registration.event_id) == event_id, col(Registration.status) == data.status,
                                       col(Registration.erased_at).is_(None)]
    if data.category is not None:
        cond.append(col(Registration.category) == data.category)
    if data.organization:
        cond.append(col(Registration.organization_normalized) == normalize_org(data.organization))
    query = select(Registration).where(*cond)
    if data.session_id is not None:
        session = db.get(EventSession, data.session_id)
        if session is None or session.event_id != event_id:
            raise Invalid(f"Session {data.session_id} is not a session of event {event_id}.", field="session_id")
        query = query.join(Enrollment, col(Enrollment.registration_id) == Registration.id).where(
            Enrollment.session_id == data.session_id, Enrollment.status == EnrollmentStatus.enrolled)
    return db.exec(query.order_by(col(Registration.id))).all()


class EmailsDisabled(AppError):
    status, code, title = 409, "emails-disabled", "The event sends no e-mails"


def broadcast(db: Session, *, event: Event, data: BroadcastIn) -> int:
    """The number of people the filters match; unless a dry run, one e-mail each is queued.
    An event with `emails_enabled: false` refuses to send (409) rather than answer a count of
    people nobody wrote to; its dry run still counts them."""
    regs = broadcast_recipients(db, event_id=id_of(event), data=data)
    if data.dry_run:
        return len(regs)
    if not event.emails_enabled:
        raise EmailsDisabled(f"Event {event.id} has e-mails turned off (emails_enabled: false): nothing was sent. "
                             "Turn them on first; a dry run still counts the recipients.")
    return notices.broadcast(db, event=event, regs=regs, subject=data.subject, text=data.text)


# --- templates -------------------------------------------------------------------------------

OVERRIDABLE = ("registration.created", "registration.approved", "registration.rejected", "registration.promoted",
               "registration.cancelled", "enrollment.created",
               "enrollment.promoted", "assignment.committed", "poll.opened", "poll.published")


def _check_kind(kind: str) -> None:
    if kind not in OVERRIDABLE:
        raise NotFound(f"No message kind {kind!r} can be changed; these can: {', '.join(OVERRIDABLE)}.")


def sample_context(db: Session, event: Event, language: str) -> dict[str, object]:
    """Every variable any message may use, with plausible values, to check a template."""
    start = datetime.combine(event.starts_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=13)
    when = render.when(start, start + timedelta(minutes=90), event.timezone, language)
    workshop = {"title": "Transformacja energetyczna", "room": "Sala A", "when": when}
    return notices.base_context(notices.settings_of(db), event, language) | {
        "first_name": "Zofia", "last_name": "Żak", "status": "confirmed", "position": 3,
        "self_service_url": "https://example.org/me#token=…", "session_title": workshop["title"],
        "session_room": "Sala A", "session_when": when, "enrolled": True, "workshops": [workshop],
        "topics": [workshop], "poll_title": "Tematy warsztatów", "poll_closes": when,
    }


def _builtin(kind: str, language: str) -> tuple[str, str]:
    source = (render.TEMPLATES / language / f"{kind}.txt").read_text(encoding="utf-8")
    subject, _, text = source.partition("\n")
    return subject, text.strip() + "\n"


def list_templates(db: Session, *, event_id: int) -> list[TemplatePublic]:
    custom = {(t.kind, t.language): t for t in db.exec(
        select(MessageTemplate).where(MessageTemplate.event_id == event_id)).all()}
    out = []
    for kind in OVERRIDABLE:
        for language in render.LANGUAGES:
            row = custom.get((kind, language))
            subject, text = (row.subject, row.text) if row is not None else _builtin(kind, language)
            out.append(TemplatePublic(kind=kind, language=language, subject=subject, text=text, custom=row is not None))
    return out


def set_template(db: Session, *, event: Event, kind: str, language: str, data: TemplateIn) -> TemplatePublic:
    """Save an organizer's subject and text (Jinja, sandboxed) after rendering them once with
    sample values: a template that does not render is refused (422), never stored."""
    _check_kind(kind)
    try:
        render.render(kind, language, sample_context(db, event, language), override=(data.subject, data.text))
    except render.TemplateInvalid as exc:
        raise Invalid(f"The template does not render: {exc}", field="text") from exc
    row = db.exec(select(MessageTemplate).where(MessageTemplate.event_id == event.id, MessageTemplate.kind == kind,
                                                MessageTemplate.language == language)).first()
    row = row or MessageTemplate(event_id=id_of(event), kind=kind, language=language, subject="", text="")
    row.subject, row.text, row.updated_at = data.subject, data.text, utcnow()
    db.add(row)
    db.flush()
    config.touch(db, event_id=id_of(event))
    return TemplatePublic(kind=kind, language=language, subject=row.subject, text=row.text, custom=True)


def reset_template(db: Session, *, event_id: int, kind: str, language: str) -> None:
    _check_kind(kind)
    db.execute(delete(MessageTemplate).where(col(MessageTemplate.event_id) == event_id,
                                             col(MessageTemplate.kind) == kind,
                                             col(MessageTemplate.language) == language))
    config.touch(db, event_id=event_id)


