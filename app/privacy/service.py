"""GDPR: erasure on request and retention after an event ends (a workflow across domains).

Erasure cancels the registration first (app/registrations/flows.py: the seat and session
places go to the waiting lists as usual), then overwrites the personal fields and has the
owners delete what else names the person: rankings (assignment), ballots of a cancelled
registration (voting), stored idempotent answers (registrations). The row stays, with its
organization, partnership and category, so counts and tallies remain consistent; the token
stops working.
"""

import secrets
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.assignment.service import delete_preferences
from app.calendars import service as calendars
from app.common.collation import search_key, sort_key
from app.common.ids import id_of
from app.common.locking import lock
from app.common.security import digest
from app.common.time import utcnow
from app.events.models import Event
from app.messages import notices, outbox
from app.questions import service as questions
from app.recovery import service as recovery
from app.registrations import idempotency
from app.registrations.flows import cancel
from app.registrations.models import INACTIVE, Listing, Registration, RegistrationStatus
from app.voting.service import delete_ballots

ERASED = "[erased]"


def erase(db: Session, *, registration_id: int) -> Registration:
    cancel(db, registration_id=registration_id)  # holds the event's and the registration's locks
    reg = lock(db, Registration, registration_id)
    assert reg is not None
    address = None if reg.erased_at is not None else reg.email
    _anonymise(db, reg)
    if address is not None:
        event = db.get(Event, reg.event_id)
        assert event is not None
        notices.registration_erased(db, event=event, reg=reg, address=address)
    return reg


def _anonymise(db: Session, reg: Registration) -> None:
    if reg.erased_at is not None:
        return
    reg.first_name = reg.last_name = ERASED
    reg.email = reg.email_normalized = f"erased-{reg.id}@invalid"
    reg.position = None
    reg.listing = Listing.none
    reg.sort_key = sort_key(ERASED, ERASED)  # no trace of the old name in the list order either
    reg.search_key = search_key(ERASED, ERASED, reg.organization)  # nor in searches
    reg.token_digest = digest(secrets.token_urlsafe(32))  # the old token no longer works
    reg.link_version += 1  # nor any personal link
    reg.form_of_address = None
    reg.erased_at = reg.updated_at = utcnow()
    db.add(reg)
    assert reg.id is not None
    delete_preferences(db, registration_id=reg.id)
    outbox.forget_registration(db, registration_id=reg.id)
    calendars.delete_for(db, registration_id=reg.id)
    recovery.delete_for(db, registration_id=reg.id)
    if reg.status not in INACTIVE:  # retention anonymises people who stay confirmed: their options go back
        questions.release_all(db, registration_id=reg.id)
    questions.delete_answers(db, registration_id=reg.id)
    idempotency.forget(db, registration_id=reg.id)
    if reg.status == RegistrationStatus.cancelled:
        delete_ballots(db, registration_id=reg.id)
    db.flush()


def retention(db: Session, *, days: int, today: date | None = None) -> dict[int, int]:
    """Anonymise every registration of events that ended more than `days` days ago.

    Statuses stay as they were (the record of who attended which way is kept as counts).
    Returns event id -> registrations anonymised.
    """
    cutoff = (today or utcnow().date()) - timedelta(days=days)
    done: dict[int, int] = {}
    for event in db.exec(select(Event).where(Event.ends_on < cutoff).order_by(col(Event.id))).all():
        regs = db.exec(
            select(Registration).where(Registration.event_id == event.id, col(Registration.erased_at).is_(None))
        ).all()
        for reg in regs:
            _anonymise(db, reg)
        done[id_of(event)] = len(regs)
    return done
