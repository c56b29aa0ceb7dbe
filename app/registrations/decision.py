"""Which way a new registration goes for its seat: a pure decision on the event as read.

`register` (app/registrations/service.py) executes it with the seat counters
(app/registrations/waitlist.py), whose conditional UPDATEs have the last word: a way that hopes
for a seat may still end on the waiting list when the UPDATE finds none.
"""

from dataclasses import dataclass
from enum import StrEnum


class Way(StrEnum):
    pending = "pending"
    """No seat until an organizer approves (app/registrations/flows.py: approve)."""
    invited = "invited"
    """The event's lock; the code's held seat, else a public one within the organization limit."""
    counted = "counted"
    """The event's lock first: the organization limit is counted, expired held seats released and
    option units taken (their rows come after the event's in the lock order), then the seat."""
    seat_last = "seat_last"
    """A free seat as read: everything is stored first, the seat taken just before the commit
    (the request runs again if it went meanwhile)."""
    queue_first = "queue_first"
    """Full as read: a waiting-list number first, which takes the event's lock, then a last try
    for a seat (one freed by a cancellation that committed before is not left idle)."""


@dataclass(frozen=True)
class Seen:
    """What the decision needs of the event, read without a lock."""

    requires_approval: bool
    capacity: int
    confirmed: int
    reserved_open: int
    max_per_organization: int | None


def way(seen: Seen, *, by_organizer: bool, invited: bool, takes_option_units: bool) -> Way:
    if invited:
        return Way.invited
    if seen.requires_approval and not by_organizer:
        return Way.pending
    if seen.max_per_organization is not None or seen.reserved_open or takes_option_units:
        return Way.counted
    if seen.confirmed + seen.reserved_open < seen.capacity:
        return Way.seat_last
    return Way.queue_first
