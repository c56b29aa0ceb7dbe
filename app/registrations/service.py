"""Registration: sign-up inside the window, waiting list, self-service change and cancel."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from app.common.collation import sort_key
from app.common.locking import lock
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.enrollments.service import leave_all
from app.errors import AppError, Conflict, NotFound
from app.events.models import Event
from app.registrations import idempotency, waitlist
from app.registrations.models import Category, Registration, RegistrationStatus
from app.registrations.schemas import MeUpdate, OrganizationCount, RegistrationCreate, RegistrationStats


class RegistrationClosed(AppError):
    status, code, title = 409, "registration-closed", "Registration is not open"


class AlreadyRegistered(AppError):
    status, code, title = 409, "already-registered", "Already registered"


@dataclass
class Registered:
    registration: Registration
    token: str
    replayed: bool


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


def _locked_event(db: Session, event_id: int, *, include_unpublished: bool) -> Event:
    event = lock(db, Event, event_id)
    if event is None or (not event.published and not include_unpublished):
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def register(
    db: Session, *, event_id: int, data: RegistrationCreate, idempotency_key: str | None, consent_version: str,
    by_organizer: bool = False,
) -> Registered:
    """Register one person: confirmed while seats last, then waitlisted (FIFO).

    Organizers may register people outside the registration window. Beyond
    `max_per_organization` confirmed people of one organization, further people of that
    organization go to the waiting list (they are promoted when their organization has room).
    """
    event = _locked_event(db, event_id, include_unpublished=by_organizer)
    body = data.model_dump(mode="json")
    if idempotency_key:
        record = idempotency.find(db, event_id=event_id, key=idempotency_key)
        if record is not None:
            if record.request_digest != idempotency.body_digest(body):
                raise idempotency.IdempotencyMismatch(
                    "This Idempotency-Key was already used with a different body; use a new key."
                )
            reg = db.get(Registration, record.registration_id)
            token = idempotency.unseal(record.sealed_token, event_id=event_id, key=idempotency_key)
            return Registered(registration=reg, token=token, replayed=True)
    if not by_organizer:
        _check_window(event)
    email = normalize_email(data.email)
    taken = db.exec(
        select(Registration.id).where(
            Registration.event_id == event_id,
            Registration.email_normalized == email,
            Registration.status != RegistrationStatus.cancelled,
        )
    ).first()
    if taken is not None:
        raise AlreadyRegistered("This e-mail address is already registered for the event.")
    token = new_secret("reg")
    now = utcnow()
    reg = Registration(
        event_id=event_id,
        **data.model_dump(exclude={"consent", "email"}),
        email=str(data.email),
        email_normalized=email,
        organization_normalized=normalize_org(data.organization),
        status=RegistrationStatus.waitlisted,
        consent_at=now,
        consent_version=consent_version,
        token_digest=digest(token),
        sort_key=sort_key(data.last_name, data.first_name),
    )
    if waitlist.under_org_limit(db, event, reg.organization_normalized) and waitlist.take_seat(db, event_id=event_id):
        waitlist.confirm(reg)
    else:
        waitlist.put_on_waitlist(db, reg)
    db.add(reg)
    db.flush()
    if idempotency_key:
        idempotency.remember(
            db, event_id=event_id, key=idempotency_key, body=body, registration_id=reg.id, token=token
        )
    return Registered(registration=reg, token=token, replayed=False)


def by_token(db: Session, *, token: str) -> Registration | None:
    if not token.startswith(idempotency.TOKEN_PREFIX):
        return None
    return db.exec(select(Registration).where(Registration.token_digest == digest(token))).first()


def get_registration(db: Session, *, registration_id: int) -> Registration:
    reg = db.get(Registration, registration_id)
    if reg is None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return reg


def update_me(db: Session, *, registration_id: int, data: MeUpdate) -> Registration:
    reg = lock(db, Registration, registration_id)
    if reg.status == RegistrationStatus.cancelled:
        raise Conflict("This registration was cancelled; register again to take part.")
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(reg, name, value)
    if "organization" in changes:
        reg.organization_normalized = normalize_org(reg.organization)
    reg.sort_key = sort_key(reg.last_name, reg.first_name)
    reg.updated_at = utcnow()
    db.add(reg)
    db.flush()
    return reg


def cancel(db: Session, *, registration_id: int) -> list[Registration]:
    """Cancel; a confirmed seat goes at once to the first on the waiting list. Idempotent."""
    reg = get_registration(db, registration_id=registration_id)
    event = _locked_event(db, reg.event_id, include_unpublished=True)
    reg = lock(db, Registration, registration_id)
    if reg.status == RegistrationStatus.cancelled:
        return []
    was_confirmed = reg.status == RegistrationStatus.confirmed
    reg.status = RegistrationStatus.cancelled
    reg.waitlist_seq = None
    reg.cancelled_at = reg.updated_at = utcnow()
    db.add(reg)
    db.flush()
    leave_all(db, registration_id=reg.id)
    if not was_confirmed:
        return []
    waitlist.release_seat(db, event_id=event.id)
    return waitlist.promote(db, event)


def set_status(db: Session, *, registration_id: int, status: RegistrationStatus) -> Registration:
    """Organizer override: confirm from the waiting list, move to its end, or cancel."""
    reg = get_registration(db, registration_id=registration_id)
    if status == RegistrationStatus.cancelled:
        cancel(db, registration_id=registration_id)
        return reg
    event = _locked_event(db, reg.event_id, include_unpublished=True)
    reg = lock(db, Registration, registration_id)
    if reg.status == status:
        return reg
    if status == RegistrationStatus.confirmed:
        if not waitlist.take_seat(db, event_id=event.id):
            raise Conflict("The event is full; raise its capacity or cancel someone first.")
        waitlist.confirm(reg)
    else:  # to the end of the waiting list
        was_confirmed = reg.status == RegistrationStatus.confirmed
        waitlist.put_on_waitlist(db, reg)
        if was_confirmed:
            waitlist.release_seat(db, event_id=event.id)
            db.add(reg)
            db.flush()
            waitlist.promote(db, event)
    reg.cancelled_at = None
    db.add(reg)
    db.flush()
    return reg


def fill_after_capacity_change(db: Session, *, event_id: int) -> list[Registration]:
    event = _locked_event(db, event_id, include_unpublished=True)
    return waitlist.promote(db, event)


def list_registrations(
    db: Session, *, event_id: int, status: RegistrationStatus | None, category: Category | None,
    organization: str | None, partnership: str | None, q: str | None, limit: int, offset: int,
) -> tuple[list[Registration], int]:
    cond = [Registration.event_id == event_id]
    if status is not None:
        cond.append(Registration.status == status)
    if category is not None:
        cond.append(Registration.category == category)
    if organization:
        cond.append(Registration.organization_normalized == normalize_org(organization))
    if partnership:
        cond.append(func.lower(Registration.partnership) == partnership.strip().lower())
    if q:
        like = f"%{q.strip().lower()}%"
        cond.append(or_(func.lower(Registration.last_name).like(like), func.lower(Registration.first_name).like(like),
                        col(Registration.email_normalized).like(like)))
    total = db.exec(select(func.count()).select_from(Registration).where(*cond)).one()
    rows = db.exec(select(Registration).where(*cond).order_by(Registration.id).limit(limit).offset(offset)).all()
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
        select(Registration.organization_normalized, func.min(Registration.organization), Registration.status,
               func.count())
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.cancelled)
        .group_by(Registration.organization_normalized, Registration.status)
    ).all():
        entry = orgs.setdefault(key, OrganizationCount(organization=org, confirmed=0, waitlisted=0))
        setattr(entry, str(status), n)
    return RegistrationStats(
        capacity=event.capacity,
        confirmed=total["confirmed"],
        waitlisted=total["waitlisted"],
        cancelled=total["cancelled"],
        seats_left=max(event.capacity - total["confirmed"], 0),
        by_category=counts,
        by_organization=sorted(orgs.values(), key=lambda o: (-o.confirmed, o.organization)),
    )
