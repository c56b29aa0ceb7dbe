"""What each template variable is, for the organizers' template page (GET .../message-templates)."""

DESCRIPTIONS: dict[str, str] = {
    "greeting": "The opening line, comma included, in the event's greeting style: "
    '"Szanowna Pani Anna Nowak," / "Szanowni Państwo," (formal) or "Dzień dobry Anna," (informal).',
    "first_name": "The person's first name.",
    "last_name": "The person's last name.",
    "event_title": "The event's title.",
    "event_dates": "The event's dates, written out (29–30 listopada 2026).",
    "venue": "Where the event takes place.",
    "timezone": "The event's time zone (Europe/Warsaw).",
    "event_url": "The event's public page.",
    "me_url": "The person's personal link: opens their participant page without a password "
    "(signed, expires, revoked when they ask for a new one or cancel).",
    "recover_url": "Where a person who lost their link asks for a new one.",
    "language": "The message's language (pl, en).",
    "self_service_url": "The link with the registration token (the first message only).",
    "status": "The registration's status: pending, confirmed, waitlisted, rejected.",
    "position": "The place on the waiting list (empty when not waiting).",
    "session_title": "The session's title.",
    "session_room": "The session's room (may be empty).",
    "session_when": "The session's day and time (29 listopada 2026, 13:00–14:30).",
    "enrolled": "True when the person has a place, false when on the session's waiting list.",
    "workshops": "The workshops assigned: a list, each with title, room (may be empty) and when.",
    "poll_title": "The poll's title.",
    "poll_closes": "When the poll closes (may be empty).",
    "topics": "The topics chosen: a list, each with title, room and when (may be empty).",
}


def described(names: set[str]) -> list[tuple[str, str]]:
    """(name, description) of the given variables, the common ones first, then by name."""
    order = list(DESCRIPTIONS)
    return sorted(
        ((n, DESCRIPTIONS.get(n, "")) for n in names), key=lambda p: (order.index(p[0]) if p[0] in order else 99, p[0])
    )
