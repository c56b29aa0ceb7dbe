"""How a message greets the person: one place, one template variable (`greeting`).

The event chooses the style (`events.greeting`): `formal`, the default, fits people writing
to local-government officials; `informal` keeps the friendly first-name greeting. A person may
give a form of address (`registrations.form_of_address`: pani, pan) at registration.

- formal, Polish: "Szanowna Pani Anna Nowak," (pani), "Szanowny Panie Jan Nowak," (pan),
  "Szanowni Państwo," (no form of address given);
- formal, English: "Dear Ms Nowak,", "Dear Mr Nowak,", "Dear participant,";
- informal: "Dzień dobry Anna," / "Hello Anna,".

Without a name (the notice that the person's data was erased) the greeting names nobody.
"""

from app.events.models import GreetingStyle
from app.registrations.models import FormOfAddress

_FORMAL = {
    "pl": {"pani": "Szanowna Pani {first} {last},", "pan": "Szanowny Panie {first} {last},", None: "Szanowni Państwo,"},
    "en": {"pani": "Dear Ms {last},", "pan": "Dear Mr {last},", None: "Dear participant,"},
}
_INFORMAL = {"pl": ("Dzień dobry {first},", "Dzień dobry,"), "en": ("Hello {first},", "Hello,")}


def greeting(
    *, style: str, language: str, first_name: str | None, last_name: str | None, form_of_address: str | None
) -> str:
    """The opening line of a message, its comma included."""
    lang = language if language in _INFORMAL else "pl"
    if style == GreetingStyle.informal:
        named, anonymous = _INFORMAL[lang]
        return named.format(first=first_name) if first_name else anonymous
    form = form_of_address if form_of_address in tuple(FormOfAddress) and first_name and last_name else None
    return _FORMAL[lang][form].format(first=first_name, last=last_name)
