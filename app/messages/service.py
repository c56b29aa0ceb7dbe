"""Organizers' side of messages: broadcasts to a filtered set of people, their own templates."""

import re
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
from app.messages.greeting import greeting
from app.messages.models import MessageTemplate
from app.messages.schemas import BroadcastIn, PreviewIn, PreviewOut, TemplateIn, TemplatePublic, TemplateVariable
from app.messages.variables import described
from app.registrations.models import Registration
from app.registrations.service import normalize_org
from app.sessions.models import EventSession


def broadcast_recipients(db: Session, *, event_id: int, data: BroadcastIn) -> Sequence[Registration]:
    cond: list[ColumnElement[bool]] = [
        col(Registration.event_id) == event_id,
        col(Registration.status) == data.status,
        col(Registration.erased_at).is_(None),
    ]
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
            Enrollment.session_id == data.session_id, Enrollment.status == EnrollmentStatus.enrolled
        )
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
        raise EmailsDisabled(
            f"Event {event.id} has e-mails turned off (emails_enabled: false): nothing was sent. "
            "Turn them on first; a dry run still counts the recipients."
        )
    return notices.broadcast(db, event=event, regs=regs, subject=data.subject, text=data.text)


# --- templates -------------------------------------------------------------------------------

OVERRIDABLE = (
    "registration.created",
    "registration.approved",
    "registration.rejected",
    "registration.promoted",
    "registration.cancelled",
    "enrollment.created",
    "enrollment.promoted",
    "assignment.committed",
    "poll.opened",
    "poll.published",
)


def _check_kind(kind: str) -> None:
    if kind not in OVERRIDABLE:
        raise NotFound(f"No message kind {kind!r} can be changed; these can: {', '.join(OVERRIDABLE)}.")


def samples(db: Session, event: Event, kind: str, language: str) -> list[dict[str, object]]:
    """The variables messages of `kind` have, with plausible values, in each shape they come in
    (a confirmed person has no waiting-list position, a session may have no room...)."""
    start = datetime.combine(event.starts_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=13)
    when = render.when(start, start + timedelta(minutes=90), event.timezone, language)
    settings = notices.settings_of(db)
    person = {
        "first_name": "Zofia",
        "last_name": "Żak",
        "greeting": greeting(
            style=event.greeting, language=language, first_name="Zofia", last_name="Żak", form_of_address="pani"
        ),
        "me_url": f"{settings.public_base_url.rstrip('/')}/me#link=…",
    }
    base = notices.base_context(settings, event, language) | person
    return [base | shape for shape in _shapes(when)[kind]]


def _shapes(when: str) -> dict[str, list[dict[str, object]]]:
    """What app/messages/notices.py gives each kind beyond the event and the person's name."""
    link: dict[str, object] = {"self_service_url": "https://example.org/me#token=…"}
    session: dict[str, object] = {
        "session_title": "Transformacja energetyczna",
        "session_room": "Sala A",
        "session_when": when,
    }
    workshops = [
        {"title": "Transformacja energetyczna", "room": "Sala A", "when": when},
        {"title": "Gospodarka wodna", "room": None, "when": when},
    ]
    poll: dict[str, object] = {"poll_title": "Tematy warsztatów"}
    return {
        "registration.created": [
            link | {"status": "pending", "position": None},
            link | {"status": "confirmed", "position": None},
            link | {"status": "waitlisted", "position": 3},
        ],
        "registration.approved": [{"status": "confirmed", "position": None}, {"status": "waitlisted", "position": 3}],
        "registration.rejected": [{"status": "rejected", "position": None}],
        "registration.promoted": [{}],
        "registration.cancelled": [{}],
        "enrollment.created": [
            session | {"enrolled": True, "position": None},
            session | {"session_room": None, "enrolled": False, "position": 2},
        ],
        "enrollment.promoted": [session, session | {"session_room": None}],
        "assignment.committed": [{"workshops": workshops}, {"workshops": workshops[:1]}],
        "poll.opened": [poll | {"poll_closes": when}, poll | {"poll_closes": None}],
        "poll.published": [poll | {"topics": workshops}, poll | {"topics": workshops[:1]}],
    }


def _builtin(kind: str, language: str) -> tuple[str, str]:
    source = (render.TEMPLATES / language / f"{kind}.txt").read_text(encoding="utf-8")
    subject, _, text = source.partition("\n")
    return subject, text.strip() + "\n"


def _line_of(source: str, name: str) -> str:
    """`line N: ` of the first line naming `name`, for the organizer to find it."""
    for number, line in enumerate(source.splitlines(), start=1):
        if re.search(rf"\b{re.escape(name)}\b", line):
            return f"line {number}: "
    return ""


def _check_variables(kind: str, sources: dict[str, str], *, known: set[str]) -> None:
    for field, source in sources.items():
        try:
            unknown = render.variables(source) - known
        except render.TemplateInvalid as exc:
            raise Invalid(f"The template cannot be used: {exc}", field=field) from exc
        if unknown:
            first = sorted(unknown)[0]
            raise Invalid(
                f"{_line_of(source, first)}messages {kind} have no {', '.join(sorted(unknown))}; "
                f"they have: {', '.join(sorted(known))}.",
                field=field,
            )


def _describe(context: dict[str, object], shapes: list[dict[str, object]]) -> str:
    """The values that make this sample differ from the others: `status='confirmed', position=None`."""
    varying = [k for k in context if any(shape.get(k) != context[k] for shape in shapes)]
    return ", ".join(f"{k}={context[k]!r}" for k in varying if not isinstance(context[k], list)) or "the sample values"


def variables_of(db: Session, event: Event, kind: str) -> list[TemplateVariable]:
    """The variables messages of `kind` have, described."""
    names: set[str] = set().union(*samples(db, event, kind, "pl"))
    return [TemplateVariable(name=n, description=d) for n, d in described(names)]


def list_templates(db: Session, *, event: Event) -> list[TemplatePublic]:
    custom = {
        (t.kind, t.language): t
        for t in db.exec(select(MessageTemplate).where(MessageTemplate.event_id == event.id)).all()
    }
    out = []
    for kind in OVERRIDABLE:
        known = variables_of(db, event, kind)
        for language in render.LANGUAGES:
            row = custom.get((kind, language))
            subject, text = (row.subject, row.text) if row is not None else _builtin(kind, language)
            out.append(
                TemplatePublic(
                    kind=kind, language=language, subject=subject, text=text, custom=row is not None, variables=known
                )
            )
    return out


def _checked(db: Session, *, event: Event, kind: str, language: str, data: TemplateIn) -> list[render.Rendered]:
    """The template rendered with the sample values of each shape messages of `kind` come in;
    422 naming the field and the line when it cannot be used."""
    _check_kind(kind)
    shapes = samples(db, event, kind, language)
    _check_variables(kind, {"subject": data.subject, "text": data.text}, known=set().union(*shapes))
    out = []
    for context in shapes:
        try:
            out.append(render.render(kind, language, context, override=(data.subject, data.text)))
        except render.TemplateInvalid as exc:
            raise Invalid(
                f"The template does not render for {_describe(context, shapes)}: {exc}", field="text"
            ) from exc
    return out


def preview(db: Session, *, event: Event, kind: str, data: PreviewIn) -> PreviewOut:
    """What a message of `kind` would say with this subject and text, with sample values (the
    first shape: e.g. a confirmed registration); nothing is stored."""
    rendered = _checked(db, event=event, kind=kind, language=data.language, data=data)
    return PreviewOut(kind=kind, language=data.language, subject=rendered[0].subject, text=rendered[0].text)


def set_template(db: Session, *, event: Event, kind: str, language: str, data: TemplateIn) -> TemplatePublic:
    """Save an organizer's subject and text (Jinja, sandboxed) once they use only the variables
    messages of `kind` have and render with sample values of each shape these come in: any
    other template is refused (422), never stored."""
    _checked(db, event=event, kind=kind, language=language, data=data)
    row = db.exec(
        select(MessageTemplate).where(
            MessageTemplate.event_id == event.id, MessageTemplate.kind == kind, MessageTemplate.language == language
        )
    ).first()
    row = row or MessageTemplate(event_id=id_of(event), kind=kind, language=language, subject="", text="")
    row.subject, row.text, row.updated_at = data.subject, data.text, utcnow()
    db.add(row)
    db.flush()
    config.touch(db, event_id=id_of(event))
    return TemplatePublic(
        kind=kind,
        language=language,
        subject=row.subject,
        text=row.text,
        custom=True,
        variables=variables_of(db, event, kind),
    )


def reset_template(db: Session, *, event_id: int, kind: str, language: str) -> None:
    _check_kind(kind)
    db.execute(
        delete(MessageTemplate).where(
            col(MessageTemplate.event_id) == event_id,
            col(MessageTemplate.kind) == kind,
            col(MessageTemplate.language) == language,
        )
    )
    config.touch(db, event_id=event_id)
