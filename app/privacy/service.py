"""GDPR: a person's data export, erasure, and retention after an event ends.

Erasure cancels the registration first (the seat goes to the waiting list as usual), then
overwrites the personal fields. The row stays, with its organization, partnership and
category, so counts and tallies remain consistent; the token stops working.
"""

import secrets
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.assignment.models import Preference
from app.common.collation import sort_key
from app.common.locking import lock
from app.common.security import digest
from app.common.time import utcnow
from app.events.models import Event
from app.registrations.models import IdempotencyRecord, Registration, RegistrationStatus
from app.registrations.service import cancel
from app.voting.models import Ballot

ERASED = "[erased]"


def erase(db: Session, *, registration_id: int) -> Registration:
    cancel(db, registration_id=registration_id)
    reg = lock(db, Registration, registration_id)
    _anonymise(db, reg)
    return reg


def _anonymise(db: Session, reg: Registration) -> None:
    if reg.erased_at is not None:
        return
    reg.first_name = reg.last_name = ERASED
    reg.email = reg.email_normalized = f"erased-{reg.id}@invalid"
    reg.position = None
    reg.sort_key = sort_key(ERASED, ERASED)  # no trace of the old name in the list order either
    reg.token_digest = digest(secrets.token_urlsafe(32))  # the old token no longer works
    reg.erased_at = reg.updated_at = utcnow()
    db.add(reg)
    db.execute(delete(Preference).where(col(Preference.registration_id) == reg.id))
    db.execute(delete(IdempotencyRecord).where(col(IdempotencyRecord.registration_id) == reg.id))
    if reg.status == RegistrationStatus.cancelled:
        db.execute(delete(Ballot).where(col(Ballot.registration_id) == reg.id))
    db.flush()


def retention(db: Session, *, days: int, today: date | None = None) -> dict[int, int]:
    """Anonymise every registration of events that ended more than `days` days ago.

    Statuses stay as they were (the record of who attended which way is kept as counts).
    Returns event id -> registrations anonymised.
    """
    cutoff = (today or utcnow().date()) - timedelta(days=days)
    done: dict[int, int] = {}
    for event in db.exec(select(Event).where(Event.ends_on < cutoff).order_by(Event.id)).all():
        regs = db.exec(select(Registration).where(Registration.event_id == event.id,
                                                  col(Registration.erased_at).is_(None))).all()
        for reg in regs:
            _anonymise(db, reg)
        done[event.id] = len(regs)
    return done
