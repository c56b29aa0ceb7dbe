"""Attendee exports for people rather than scripts (`lang=pl|en`): column headers and coded
values (status, category, yes/no, ...) in the language of the organizers' page.

Without `lang` an export keeps the machine-friendly keys and codes (`last_name`,
`confirmed`, `local_government`, `yes`). Only the values of known coded columns change; names,
organizations and answers are written as they were given.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.exports.columns import Lang
from app.exports.writers import Column

HEADERS: dict[Lang, dict[str, str]] = {
    "pl": {
        "id": "Nr zgłoszenia",
        "last_name": "Nazwisko",
        "first_name": "Imię",
        "email": "E-mail",
        "organization": "Instytucja",
        "partnership": "Partnerstwo",
        "position": "Stanowisko",
        "category": "Kategoria",
        "status": "Status",
        "registered_at": "Data rejestracji",
        "confirmed_at": "Data potwierdzenia",
        "consent_at": "Data zgody",
        "consent_version": "Wersja zgody",
        "attended": "Obecność",
        "checked_in_at": "Godzina przybycia",
        "checked_in_by": "Obecność odnotował(a)",
        "waitlist_position": "Miejsce na liście rezerwowej",
        "workshops": "Warsztaty",
        "enrollment_status": "Zapis na sesję",
        "enrollment_source": "Sposób zapisu",
        "enrolled_at": "Data zapisu",
    },
    "en": {
        "id": "Registration no.",
        "last_name": "Last name",
        "first_name": "First name",
        "email": "E-mail",
        "organization": "Organization",
        "partnership": "Partnership",
        "position": "Position",
        "category": "Category",
        "status": "Status",
        "registered_at": "Registered at",
        "confirmed_at": "Confirmed at",
        "consent_at": "Consent given at",
        "consent_version": "Consent version",
        "attended": "Attended",
        "checked_in_at": "Checked in at",
        "checked_in_by": "Checked in by",
        "waitlist_position": "Waiting-list position",
        "workshops": "Workshops",
        "enrollment_status": "Session place",
        "enrollment_source": "Placed by",
        "enrolled_at": "Enrolled at",
    },
}

VALUES: dict[Lang, dict[str, dict[str, str]]] = {
    "pl": {
        "status": {
            "confirmed": "potwierdzone",
            "waitlisted": "lista rezerwowa",
            "pending": "czeka na akceptację",
            "cancelled": "anulowane",
            "rejected": "odrzucone",
        },
        "category": {
            "local_government": "samorząd",
            "partnership_advisor": "doradca partnerstwa",
            "ministry": "ministerstwo",
            "foundation": "fundacja",
            "other": "inna",
        },
        "enrollment_status": {"enrolled": "miejsce", "waitlisted": "lista rezerwowa"},
        "enrollment_source": {"self": "sam(a)", "assignment": "przydział", "organizer": "organizator"},
    },
    "en": {
        "status": {
            "confirmed": "confirmed",
            "waitlisted": "waiting list",
            "pending": "awaiting approval",
            "cancelled": "cancelled",
            "rejected": "rejected",
        },
        "category": {
            "local_government": "local government",
            "partnership_advisor": "partnership advisor",
            "ministry": "ministry",
            "foundation": "foundation",
            "other": "other",
        },
        "enrollment_status": {"enrolled": "seat", "waitlisted": "waiting list"},
        "enrollment_source": {"self": "self", "assignment": "assignment", "organizer": "organizer"},
    },
}
YES_NO: dict[Lang, tuple[str, str]] = {"pl": ("tak", "nie"), "en": ("yes", "no")}
SHEETS: dict[Lang, str] = {"pl": "Uczestnicy", "en": "Participants"}


def headers(columns: Sequence[Column], lang: Lang) -> list[Column]:
    """The attendee columns headed in `lang` (an organizer's question keeps its own label)."""
    names = HEADERS[lang]
    return [replace(c, header=names[c.key]) if c.header is None and c.key in names else c for c in columns]


def rows(
    columns: Sequence[Column], values: Iterable[Sequence[Any]], lang: Lang
) -> tuple[list[Column], Iterator[tuple[Any, ...]]]:
    """Coded values in words of `lang`: status and category labels, yes/no words (yes/no
    columns become text columns, so a spreadsheet shows "tak" rather than TRUE)."""
    yes, no = YES_NO[lang]
    maps: list[Mapping[str, str] | None] = [VALUES[lang].get(c.key) for c in columns]
    bools = [c.kind == "bool" for c in columns]
    out = [replace(c, kind="text") if c.kind == "bool" else c for c in columns]

    def word(value: Any, mapping: Mapping[str, str] | None, is_bool: bool) -> Any:
        if value is None:
            return None
        if is_bool:
            return yes if value else no
        if mapping is not None:
            return mapping.get(str(value), str(value))
        return value

    return out, (tuple(word(v, m, b) for v, m, b in zip(row, maps, bools, strict=True)) for row in values)
