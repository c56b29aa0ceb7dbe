"""The way a new registration goes for its seat, decided on the event as read."""

import pytest

from app.registrations.decision import Seen, Way, way


def seen(**overrides: object) -> Seen:
    values: dict[str, object] = {
        "requires_approval": False,
        "capacity": 10,
        "confirmed": 3,
        "reserved_open": 0,
        "max_per_organization": None,
    }
    return Seen(**(values | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("event", "kwargs", "expected"),
    [
        (seen(), {}, Way.seat_last),  # a free seat as read: taken last
        (seen(confirmed=10), {}, Way.queue_first),  # full as read: the lock, then a last try
        (seen(confirmed=8, reserved_open=2), {}, Way.counted),  # held seats are counted under the lock
        (seen(max_per_organization=2), {}, Way.counted),
        (seen(), {"takes_option_units": True}, Way.counted),  # option rows come after the event's lock
        (seen(requires_approval=True), {}, Way.pending),
        (seen(requires_approval=True), {"by_organizer": True}, Way.seat_last),  # organizers need no approval
        (seen(requires_approval=True, confirmed=10), {"by_organizer": True}, Way.queue_first),
        (seen(requires_approval=True), {"invited": True}, Way.invited),  # a code skips the approval
        (seen(confirmed=10), {"invited": True}, Way.invited),  # its held seat, whatever the public ones
    ],
)
def test_the_way_to_a_seat(event: Seen, kwargs: dict[str, bool], expected: Way) -> None:
    args = {"by_organizer": False, "invited": False, "takes_option_units": False} | kwargs
    assert way(event, **args) == expected
