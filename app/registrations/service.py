"""Registration: sign-up inside the window, waiting list, self-service change and cancel."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, bindparam, case, func, insert, literal, true
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from app.capacity import ledger
from app.common.collation import fold, search_key, sort_key
from app.common.core import table_of
from app.common.ids import id_of
from app.common.locking import lock
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.errors import AppError, NotFound, TransactionCollided
from app.events.models import Event
from app.invitations import service as invitations
from app.invitations.models import Invitation
from app.messages import notices
from app.questions import service as questions
from app.registrations import decision, idempotency, waitlist
from app.registrations.models import Category, Registration, RegistrationStatus
from app.registrations.schemas import (
    OptionCount,
    OrganizationCount,
    QuestionCount,
    RegistrationCreate,
    RegistrationStats,
)


class RegistrationClosed(AppError):
    status, code, title = 409, "registration-closed", "Registration is not open"


class AlreadyRegistered(AppError):
    status, code, title = 409, "already-registered", "Already registered"


class SeatTakenMeanwhile(TransactionCollided):
    """The event filled between reading it and taking the seat: the unit of work runs again as a
    whole (app/transactions.py), reads the event full and joins the waiting list."""


@dataclass
class Registered:
    registration: Registration
    token: str
    replayed: bool
    # Waiting-list position when just put there (None: confirmed, or not computed for a replay).
    position: int | None = None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_org(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_window(event: Event) -> None:
    now = utcnow()
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise RegistrationClosed(f"Registration opens at {event.registration_opens_at.isoformat()}.")
    if event.registration_closes_at is not None and now >= event.registration_closes_at:
        raise RegistrationClosed(f"Registration closed at {event.registration_closes_at.isoformat()}.")


def _visible_event(db: Session, event_id: int, *, include_unpublished: bool) -> Event:
    event = db.get(Event, event_id)
    if event is None or (not event.published and not include_unpublished):
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def locked_event(db: Session, event_id: int, *, include_unpublished: bool = True) -> Event:
    """The event's row lock: first in the lock order of every seat-changing workflow."""
    event = lock(db, Event, event_id)
    if event is None or (not event.published and not include_unpublished):
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def _replay(db: Session, *, event_id: int, key: str | None, body: dict[str, object]) -> Registered | None:
    """The stored answer of an earlier request with this Idempotency-Key (422 if its body differed)."""
    record = idempotency.find(db, event_id=event_id, key=key) if key else None
    if record is None or key is None:
        return None
    if record.request_digest != idempotency.body_digest(body):
        raise idempotency.IdempotencyMismatch(
            "This Idempotency-Key was already used with a different body; use a new key."
        )
    reg = db.get(Registration, record.registration_id)
    assert reg is not None  # the record is deleted with its registration (ON DELETE CASCADE)
    token = idempotency.unseal(record.sealed_token, event_id=event_id, key=key)
    return Registered(registration=reg, token=token, replayed=True)


_REGISTRATIONS = table_of(Registration)
_COLUMNS = [column.key for column in _REGISTRATIONS.columns if column.key != "id"]
# Built once, used by every registration of a rush (their SQL and cache keys are kept).
_TAKEN = (
    select(_REGISTRATIONS.c.id)
    .where(
        _REGISTRATIONS.c.event_id == bindparam("event"),
        _REGISTRATIONS.c.email_normalized == bindparam("email"),
        _REGISTRATIONS.c.status != RegistrationStatus.cancelled.value,
    )
    .limit(1)
)
_INSERT = insert(_REGISTRATIONS).returning(_REGISTRATIONS.c.id)


def _insert(db: Session, reg: Registration) -> None:
    """Store the new registration by one Core INSERT: the ORM's unit of work cost more than the
    rest of a registration. `reg` stays outside the session (nothing of this request reloads it)."""
    db.flush()
    reg.id = db.execute(_INSERT, {name: getattr(reg, name) for name in _COLUMNS}).scalar_one()


def _new_registration(
    *,
    event_id: int,
    data: RegistrationCreate,
    email: str,
    organization: str,
    invitation: Invitation | None,
    consent_version: str,
    token: str,
) -> Registration:
    return Registration(
        event_id=event_id,
        **data.model_dump(exclude={"consent", "email", "answers", "invitation_code"}),
        email=str(data.email),
        email_normalized=email,
        organization_normalized=organization,
        invitation_id=invitation.id if invitation is not None else None,
        status=RegistrationStatus.waitlisted,
        consent_at=utcnow(),
        consent_version=consent_version,
        token_digest=digest(token),
        sort_key=sort_key(data.last_name, data.first_name),
        search_key=search_key(data.first_name, data.last_name, data.organization),
    )


def _seat(
    db: Session,
    reg: Registration,
    chosen: decision.Way,
    *,
    event: Event,
    invitation: Invitation | None,
    include_unpublished: bool,
) -> Event:
    """Execute the way chosen (app/registrations/decision.py) with the capacity ledger: the person
    is confirmed or put on the waiting list (a `seat_last` seat is taken just before the commit,
    in `register`). Returns the event, locked when the way takes its lock first."""
    queue_number: int | None = None  # drawn with the event's lock by whoever may join the waiting list
    event_id = id_of(event)
    match chosen:
        case decision.Way.invited:
            assert invitation is not None
            event = locked_event(db, event_id, include_unpublished=include_unpublished)
            invitations.use(db, invitation_id=id_of(invitation))
            seated = ledger.take_held_seat(db, invitation_id=id_of(invitation), event_id=event_id) or (
                waitlist.under_org_limit(db, event, reg.organization_normalized)
                and ledger.take_event_seat(db, event_id=event_id)
            )
        case decision.Way.counted:
            event = locked_event(db, event_id, include_unpublished=include_unpublished)
            waitlist.release_expired_holds(db, event)
            seated = waitlist.under_org_limit(db, event, reg.organization_normalized) and ledger.take_event_seat(
                db, event_id=event_id
            )
        case decision.Way.queue_first:
            queue_number = ledger.next_event_place(db, event_id=event_id)
            seated = ledger.take_event_seat(db, event_id=event_id)
        case _:
            seated = chosen == decision.Way.seat_last
    if seated:
        waitlist.mark_confirmed(reg)
    else:
        waitlist.put_on_waitlist(db, reg, seq=queue_number)
    return event


def register(
    db: Session,
    *,
    event_id: int,
    data: RegistrationCreate,
    idempotency_key: str | None,
    consent_version: str,
    by_organizer: bool = False,
) -> Registered:
    """Register one person: confirmed while seats last, then waitlisted (FIFO).

    Organizers may register people outside the registration window. Beyond
    `max_per_organization` confirmed people of one organization, further people of that
    organization go to the waiting list (they are promoted when their organization has room).

    Everything that does not need the seat (replay of an idempotent request, the window, a
    duplicate address) is checked before the event's lock. Which way the person goes for a seat
    is decided on the event as read (app/registrations/decision.py: the ways and their locks);
    the seat counters' conditional UPDATEs have the last word.
    A duplicate that slips past the early check is refused by the partial unique index (409);
    two requests with one Idempotency-Key meet at the key's unique index, and the loser
    runs again (app/transactions.py) and returns the winner's answer.
    """
    event = _visible_event(db, event_id, include_unpublished=by_organizer)
    body = data.model_dump(mode="json")
    replay = _replay(db, event_id=event_id, key=idempotency_key, body=body)
    if replay is not None:
        return replay
    email, organization = normalize_email(data.email), normalize_org(data.organization)
    invitation = (
        invitations.find(
            db,
            event_id=event_id,
            code=data.invitation_code,
            email_normalized=email,
            organization_normalized=organization,
        )
        if data.invitation_code
        else None
    )
    if not by_organizer and not (invitation is not None and invitation.outside_window):
        _check_window(event)
    answers = questions.check(db, event=event, category=str(data.category), answers=data.answers)
    if db.execute(_TAKEN, {"event": event_id, "email": email}).first() is not None:
        # The same request may have been stored a moment after our first look: answer as it did.
        replay = _replay(db, event_id=event_id, key=idempotency_key, body=body)
        if replay is not None:
            return replay
        raise AlreadyRegistered("This e-mail address is already registered for the event.")
    token = new_secret("reg")
    reg = _new_registration(
        event_id=event_id,
        data=data,
        email=email,
        organization=organization,
        invitation=invitation,
        consent_version=consent_version,
        token=token,
    )
    chosen = decision.way(
        decision.Seen(
            requires_approval=event.requires_approval,
            capacity=event.capacity,
            confirmed=event.confirmed_count,
            reserved_open=event.reserved_open,
            max_per_organization=event.max_per_organization,
        ),
        by_organizer=by_organizer,
        invited=invitation is not None,
        takes_option_units=bool(answers.option_ids),
    )
    if chosen == decision.Way.pending:
        reg.status = RegistrationStatus.pending
    else:
        event = _seat(db, reg, chosen, event=event, invitation=invitation, include_unpublished=by_organizer)
    try:
        _insert(db, reg)
        if idempotency_key:
            idempotency.remember(
                db, event_id=event_id, key=idempotency_key, body=body, registration_id=id_of(reg), token=token
            )
    except IntegrityError as exc:
        if idempotency_key:  # the same key (and so the same address) sent twice at once: answer as the winner
            raise TransactionCollided("The same Idempotency-Key is being used by another request.") from exc
        raise AlreadyRegistered("This e-mail address is already registered for the event.") from exc
    questions.save(db, registration_id=id_of(reg), checked=answers, replace=False)
    position = ledger.event_position(db, reg)
    notices.registration_created(db, event=event, reg=reg, token=token, position=position)
    if chosen == decision.Way.seat_last and not ledger.take_event_seat(db, event_id=event_id):
        raise SeatTakenMeanwhile("The last seat went to another request a moment ago.")
    return Registered(registration=reg, token=token, replayed=False, position=position)


def by_token(db: Session, *, token: str) -> Registration | None:
    if not token.startswith(idempotency.TOKEN_PREFIX):
        return None
    return db.exec(select(Registration).where(Registration.token_digest == digest(token))).first()


def get_registration(db: Session, *, registration_id: int) -> Registration:
    reg = db.get(Registration, registration_id)
    if reg is None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return reg


def count_active(db: Session, *, event_id: int) -> int:
    """Registrations of the event that are not cancelled."""
    return db.exec(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status != RegistrationStatus.cancelled)
    ).one()


def _escape_like(term: str) -> str:
    """`term` with LIKE's wildcards (and the escape character) taken literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_any(term: str) -> str:
    """A LIKE pattern matching `term` anywhere, with LIKE's wildcards in it taken literally."""
    return "%" + _escape_like(term) + "%"


def search_condition(q: str, *, with_email: bool = True) -> ColumnElement[bool]:
    """Registrations matching every word of `q` in a name or the organization (or the e-mail),
    ignoring case and diacritics: "zak" and "ŻAK" find "Żak", "lodz" finds "Łódź".

    Why a stored folded column (`search_key`, app.common.collation.fold) and not folding at
    query time: neither database has one function that folds the same way as the other
    (PostgreSQL's unaccent is an extension, not immutable, and unknown to SQLite; SQLite's
    lower() is ASCII-only), while Python folds once on write, identically for both, and the
    query compares plain ASCII-like text with LIKE on both. A search for a substring
    ("%zak%") cannot use a B-tree index anyway; the query is narrowed by the event's index
    (`event_id` leads ix_registrations_event_status) and then scans one short column per row
    of that event, with no function call per row (its cost at 10,000 registrations: bench/README.md,
    "Figures behind design choices").
    """
    words = q.split()
    parts: list[ColumnElement[bool]] = []
    for word in words:
        match: ColumnElement[bool] = col(Registration.search_key).like(_like_any(fold(word)), escape="\\")
        if with_email:
            match = or_(match, col(Registration.email_normalized).like(_like_any(word.lower()), escape="\\"))
        parts.append(match)
    return and_(*parts) if parts else true()


def search_rank(q: str) -> ColumnElement[int]:
    """How well a person matching `q` (search_condition) matches, for ordering: 0 when the last
    name starts with a word of `q` ("zak" -> Żak), 1 when another word of the name or the
    organization does (Nowak-Żak, Zakaria), 2 when a word is only inside one (Łuczak).

    `search_key` begins with the folded last name, and its words are separated by spaces (between
    the parts) or hyphens, so both tests are LIKE prefixes on the stored column, as in the search.
    """
    words = [_escape_like(fold(word)) for word in q.split()]
    if not words:
        return literal(2)
    key = col(Registration.search_key)
    starts = or_(*(key.like(w + "%", escape="\\") for w in words))
    word_starts = or_(*(or_(key.like(f"% {w}%", escape="\\"), key.like(f"%-{w}%", escape="\\")) for w in words))
    return case((starts, 0), (word_starts, 1), else_=2)


def list_registrations(
    db: Session,
    *,
    event_id: int,
    status: RegistrationStatus | None,
    category: Category | None,
    organization: str | None,
    partnership: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Registration], int]:
    cond: list[ColumnElement[bool]] = [col(Registration.event_id) == event_id]
    if status is not None:
        cond.append(col(Registration.status) == status)
    if category is not None:
        cond.append(col(Registration.category) == category)
    if organization:
        cond.append(col(Registration.organization_normalized) == normalize_org(organization))
    if partnership:
        cond.append(func.lower(Registration.partnership) == partnership.strip().lower())
    if q and q.strip():
        cond.append(search_condition(q))
    total = db.exec(select(func.count()).select_from(Registration).where(*cond)).one()
    rows = db.exec(select(Registration).where(*cond).order_by(col(Registration.id)).limit(limit).offset(offset)).all()
    return list(rows), total


def stats(db: Session, *, event: Event) -> RegistrationStats:
    counts: dict[str, dict[str, int]] = {}
    for category, status, n in db.exec(
        select(Registration.category, Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.category, Registration.status)
    ).all():
        counts.setdefault(str(category), {})[str(status)] = n
    total = {s.value: sum(c.get(s.value, 0) for c in counts.values()) for s in RegistrationStatus}
    orgs: dict[str, OrganizationCount] = {}
    for key, org, status, n in db.exec(
        select(
            Registration.organization_normalized, func.min(Registration.organization), Registration.status, func.count()
        )
        .where(
            Registration.event_id == event.id,
            col(Registration.status).in_([RegistrationStatus.confirmed, RegistrationStatus.waitlisted]),
        )
        .group_by(Registration.organization_normalized, Registration.status)
    ).all():
        entry = orgs.setdefault(key, OrganizationCount(organization=org, confirmed=0, waitlisted=0))
        setattr(entry, str(status), n)
    return RegistrationStats(
        capacity=event.capacity,
        confirmed=total["confirmed"],
        waitlisted=total["waitlisted"],
        cancelled=total["cancelled"],
        pending=total["pending"],
        rejected=total["rejected"],
        reserved_seats=event.reserved_open,
        seats_left=max(event.capacity - total["confirmed"] - event.reserved_open, 0),
        by_category=counts,
        by_organization=sorted(orgs.values(), key=lambda o: (-o.confirmed, o.organization)),
        questions=[
            QuestionCount(
                question_id=id_of(q),
                label=q.label_pl,
                options=[
                    OptionCount(
                        option_id=id_of(o),
                        label=o.label_pl,
                        taken=o.taken,
                        capacity=o.capacity,
                        remaining=None if o.capacity is None else max(o.capacity - o.taken, 0),
                    )
                    for o in options
                ],
            )
            for q, options in questions.option_counts(db, event_id=id_of(event))
        ],
    )
