"""The organizer's bulk actions on registrations: approve, reject or move to the waiting list many people
at once, in one transaction, with one answer per person.

The event's lock first, then the registrations' (the lock order of every seat-changing workflow); each
person goes through the same workflow as one at a time (`flows`), first come first served. A person the
action does not apply to (approving someone already confirmed) is skipped and said so in their item,
so a list chosen a minute ago never fails as a whole because one person changed meanwhile.
"""

from sqlmodel import Session

from app.common.ids import id_of
from app.common.locking import lock_many
from app.errors import NotFound
from app.registrations import flows
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.schemas import BulkAction
from app.registrations.service import get_registration, locked_event

# The status each action applies to.
APPLIES_TO = {
    BulkAction.approve: RegistrationStatus.pending,
    BulkAction.reject: RegistrationStatus.pending,
    BulkAction.waitlist: RegistrationStatus.confirmed,
}


def _apply(db: Session, action: BulkAction, registration_id: int) -> None:
    if action == BulkAction.approve:
        flows.approve(db, registration_id=registration_id)
    elif action == BulkAction.reject:
        flows.reject(db, registration_id=registration_id)
    else:
        flows.set_status(db, registration_id=registration_id, status=RegistrationStatus.waitlisted)


def bulk(
    db: Session, *, event_id: int, action: BulkAction, registration_ids: list[int]
) -> list[tuple[Registration, str | None]]:
    """Apply `action` to each registration of the event (oldest first); returns each registration as it
    ends and, for those skipped, why. An id that is not a registration of the event: 404, nothing changes."""
    locked_event(db, event_id)
    regs = lock_many(db, Registration, registration_ids)
    if len(regs) != len(set(registration_ids)) or any(r.event_id != event_id for r in regs):
        raise NotFound(f"Not every registration is a registration of event {event_id}.")
    wanted = APPLIES_TO[action]
    # Whom the action applies to is decided on the statuses as locked, before any change: a person the
    # waiting list promoted because of an earlier one in this list is not then moved back.
    before = {id_of(r): r.status for r in regs}
    out: list[tuple[Registration, str | None]] = []
    for reg in sorted(regs, key=lambda r: (r.created_at, id_of(r))):
        if before[id_of(reg)] != wanted:
            out.append((reg, f"Registration {id_of(reg)} is {before[id_of(reg)]}, not {wanted}: left as it is."))
            continue
        _apply(db, action, id_of(reg))
        out.append((get_registration(db, registration_id=id_of(reg)), None))
    return out
