"""Workflows that start from a registration and cross into sessions: cancel, status changes,
a change of organization. Each takes the event's lock first (app/common/locking.py), then the
registration's, and calls the owners' services: seats and the event's waiting list
(`waitlist`), session places (`app.enrollments.service`).

Only confirmed people hold session places: whoever leaves the confirmed status (cancelled,
moved to the waiting list) gives up every seat and waiting-list place in sessions at once, and
those seats go to the sessions' waiting lists.
"""

from sqlmodel import Session

from app.capacity import ledger
from app.common.collation import search_key, sort_key
from app.common.ids import id_of
from app.common.locking import lock, lock_many
from app.common.time import utcnow
from app.enrollments.service import leave_all_locked
from app.errors import Conflict, NotFound
from app.events.models import Event
from app.messages import notices
from app.questions import service as questions
from app.registrations import waitlist
from app.registrations.models import INACTIVE, Registration, RegistrationStatus
from app.registrations.schemas import DetailsUpdate, MeUpdate, RegistrationUpdate
from app.registrations.service import get_registration, locked_event, normalize_org

# What update_details writes on the registration (a status is set_status's; answers are the questions').
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "organization",
    "partnership",
    "position",
    "language",
    "form_of_address",
    "category",
    "listing",
)


def _locked(db: Session, registration_id: int) -> tuple[Event, Registration]:
    event_id = get_registration(db, registration_id=registration_id).event_id
    event = locked_event(db, event_id)
    reg = lock(db, Registration, registration_id)
    assert reg is not None  # registrations are deleted only with their event, under its lock
    return event, reg


def cancel(db: Session, *, registration_id: int) -> list[Registration]:
    """Cancel; a confirmed seat goes at once to the first on the waiting list. Idempotent.

    Returns the people promoted from the waiting list.
    """
    event, reg = _locked(db, registration_id)
    if reg.status == RegistrationStatus.cancelled:
        return []
    was_confirmed = reg.status == RegistrationStatus.confirmed
    if reg.status != RegistrationStatus.rejected:  # a rejected person gave their options back already
        questions.release_all(db, registration_id=registration_id)
    leave_all_locked(db, registration_id=registration_id)
    reg.status = RegistrationStatus.cancelled
    reg.waitlist_seq = None
    reg.cancelled_at = reg.updated_at = utcnow()
    reg.link_version += 1  # the personal links sent so far stop working
    db.add(reg)
    db.flush()
    notices.registration_cancelled(db, event=event, reg=reg)
    if not was_confirmed:
        return []
    ledger.give_back_event_seat(db, event_id=id_of(event))
    return waitlist.promote(db, event)


def set_status(
    db: Session, *, registration_id: int, status: RegistrationStatus, move_to_end: bool = False
) -> Registration:
    """Organizer override: confirm from the waiting list (within capacity), move to its end, or cancel.

    Confirming by hand may exceed the event's `max_per_organization` (the organizer decides);
    it never exceeds the capacity. `move_to_end` sends a person already waiting to the end of
    the waiting list (a new place, as if they had joined it now).
    """
    if status == RegistrationStatus.cancelled:
        cancel(db, registration_id=registration_id)
        return get_registration(db, registration_id=registration_id)
    event, reg = _locked(db, registration_id)
    if reg.status == status and not (move_to_end and status == RegistrationStatus.waitlisted):
        return reg
    if status in (RegistrationStatus.pending, RegistrationStatus.rejected):
        raise Conflict("Use approve or reject for the approval of registrations.")
    if reg.status in INACTIVE:  # back from cancelled or rejected: their options are taken again (409 when full)
        questions.hold_all(db, registration_id=registration_id)
    if status == RegistrationStatus.confirmed:
        waitlist.release_expired_holds(db, event)
        if reg.status == RegistrationStatus.confirmed:  # promoted into a seat an expired code held
            return reg
        if not ledger.take_event_seat(db, event_id=id_of(event)):
            raise Conflict("The event is full; raise its capacity or cancel someone first.")
        waitlist.mark_confirmed(reg)
        reg.cancelled_at = None
        db.add(reg)
        db.flush()
        return reg
    was_confirmed = reg.status == RegistrationStatus.confirmed
    if was_confirmed:
        leave_all_locked(db, registration_id=registration_id)
    waitlist.put_on_waitlist(db, reg)
    reg.cancelled_at = None
    db.add(reg)
    db.flush()
    if was_confirmed:
        ledger.give_back_event_seat(db, event_id=id_of(event))
    waitlist.promote(db, event)  # a freed seat, or room for a waiting person
    return reg


def approve(db: Session, *, registration_id: int) -> Registration:
    """A pending registration takes a seat (within the organization limit) or goes to the
    waiting list's end, as if it had just registered. 409 unless pending."""
    event, reg = _locked(db, registration_id)
    if reg.status != RegistrationStatus.pending:
        raise Conflict(f"Registration {registration_id} is {reg.status}, not pending.")
    waitlist.release_expired_holds(db, event)
    org_ok = waitlist.under_org_limit(db, event, reg.organization_normalized)
    if org_ok and ledger.take_event_seat(db, event_id=id_of(event)):
        waitlist.mark_confirmed(reg)
    else:
        waitlist.put_on_waitlist(db, reg)
    db.add(reg)
    db.flush()
    notices.registration_decided(db, event=event, reg=reg, position=ledger.event_position(db, reg))
    return reg


def approve_many(db: Session, *, event_id: int, registration_ids: list[int]) -> list[Registration]:
    """Approve pending registrations of one event in the order they came (first come, first
    seated); ids of other events, or not pending, are refused (409) and nothing changes."""
    locked_event(db, event_id)
    regs = lock_many(db, Registration, registration_ids)
    if len(regs) != len(set(registration_ids)) or any(r.event_id != event_id for r in regs):
        raise NotFound(f"Not every registration is a registration of event {event_id}.")
    return [approve(db, registration_id=id_of(r)) for r in sorted(regs, key=lambda r: (r.created_at, id_of(r)))]


def reject(db: Session, *, registration_id: int) -> Registration:
    """A pending registration is refused: no seat, its options given back, the person told."""
    event, reg = _locked(db, registration_id)
    if reg.status != RegistrationStatus.pending:
        raise Conflict(f"Registration {registration_id} is {reg.status}, not pending.")
    questions.release_all(db, registration_id=registration_id)
    reg.status, reg.updated_at = RegistrationStatus.rejected, utcnow()
    db.add(reg)
    db.flush()
    notices.registration_decided(db, event=event, reg=reg, position=None)
    return reg


def update_details(db: Session, *, registration_id: int, data: DetailsUpdate) -> Registration:
    """A participant (PATCH /me) or an organizer (PATCH /registrations/{id}) changes a person's
    details. A new organization must have room under the event's `max_per_organization` (409
    otherwise); the organization left may promote its waiting people. Names and organization
    rewrite `sort_key` and the folded `search_key`."""
    event, reg = _locked(db, registration_id)
    if reg.status == RegistrationStatus.cancelled:
        raise Conflict("This registration was cancelled; register again to take part.")
    changes = data.model_dump(exclude_unset=True, include=set(DETAIL_FIELDS))
    answers = data.answers if isinstance(data, MeUpdate) else None
    if answers is not None:
        previous = questions.answers_of(db, registration_ids=[registration_id]).get(registration_id, {})
        checked = questions.check(
            db,
            event=event,
            category=str(changes.get("category", reg.category)),
            answers=answers,
            previous=previous,
            partial=True,
        )
        questions.save(
            db, registration_id=registration_id, checked=checked, replace=True, hold=reg.status not in INACTIVE
        )
    new_org = normalize_org(changes["organization"]) if changes.get("organization") else None
    moves = new_org is not None and new_org != reg.organization_normalized
    if (
        moves
        and new_org is not None
        and reg.status == RegistrationStatus.confirmed
        and not waitlist.under_org_limit(db, event, new_org)
    ):
        raise Conflict(
            f"{changes['organization']!r} already has {event.max_per_organization} confirmed people, the "
            "event's limit per organization; your registration stays as it was.",
            field="organization",
        )
    for name, value in changes.items():
        setattr(reg, name, value)
    if new_org is not None:
        reg.organization_normalized = new_org
    reg.sort_key = sort_key(reg.last_name, reg.first_name)
    reg.search_key = search_key(reg.first_name, reg.last_name, reg.organization)
    reg.updated_at = utcnow()
    db.add(reg)
    db.flush()
    if moves:
        waitlist.promote(db, event)
    return reg


def organizer_update(db: Session, *, registration_id: int, data: RegistrationUpdate) -> Registration:
    """The organizer's PATCH /registrations/{id}: the details first (through `update_details`, the
    workflow of PATCH /me), then the status (`set_status`), in the request's one transaction."""
    if data.model_fields_set & set(DETAIL_FIELDS):
        update_details(db, registration_id=registration_id, data=data)
    if data.status is not None:
        return set_status(db, registration_id=registration_id, status=data.status, move_to_end=data.move_to_end)
    return get_registration(db, registration_id=registration_id)
