"""Polish alphabetical order without system locales: a pure sort-key function.

`sort_key(last, first)` maps a name to a string of ASCII digits whose plain (byte-wise)
order is the Polish alphabetical order, case-insensitive:

    a ą b c ć d e ę f g h i j k l ł m n ń o ó p q r s ś t u v w x y z ź ż

Letters with other diacritics sort with their base letter (é as e, ü as u, ß as ss);
characters outside the Latin alphabet sort after it by code point. Spaces and hyphens
separate words and sort before every letter ("Nowak-Kowalska" before "Nowakowska");
other punctuation is ignored. The last name comes first, then the first name.

Only digits are used so that every database collation (PostgreSQL's locale ones
included) orders the stored key exactly as Python does; the key is stored in
`registrations.sort_key` and indexed, so exports can stream in this order from SQL.
"""

import unicodedata

ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
FIELD_SEPARATOR = "00"  # between the last and the first name: sorts before everything
WORD_SEPARATOR = "01"  # space or hyphen inside a name
MAX_LENGTH = 500  # the stored column's width; longer keys are cut (ties beyond it are broken by id)

_CODES: dict[str, str] = {str(d): f"{10 + d:02d}" for d in range(10)}
_CODES.update({letter: f"{20 + i:02d}" for i, letter in enumerate(ALPHABET)})
_SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u2014\t")
_EXPANSIONS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def _fold(char: str) -> str:
    """A Polish letter as itself; any other Latin letter as its base letter(s)."""
    if char in _CODES:
        return char
    if char in _EXPANSIONS:
        return _EXPANSIONS[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base if base in _CODES else char


def _encode(text: str) -> str:
    parts: list[str] = []
    pending_separator = False
    for char in unicodedata.normalize("NFC", text).lower():
        if char in _SEPARATORS:
            pending_separator = bool(parts)
            continue
        for folded in _fold(char):
            code = _CODES.get(folded)
            if code is None:
                if not folded.isalnum():
                    continue  # punctuation: ignored
                code = f"9{ord(folded):07d}"  # other scripts: after the Latin alphabet
            if pending_separator:
                parts.append(WORD_SEPARATOR)
                pending_separator = False
            parts.append(code)
    return "".join(parts)


def sort_key(last_name: str, first_name: str = "") -> str:
    """The collation key of a person: last name, then first name, in Polish order."""
    return (_encode(last_name) + FIELD_SEPARATOR + _encode(first_name))[:MAX_LENGTH]


def text_key(value: str | None) -> str:
    """The collation key of any text (organizations, partnerships); None sorts first."""
    return _encode(value or "")


# ---- search: accent- and case-insensitive matching --------------------------------------------

SEARCH_KEY_MAX = 1000  # the stored column's width (first 100 + last 100 + organization 200, folded)
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L"})  # ł has no decomposition in Unicode


def fold(text: str) -> str:
    """Text for matching, not for display: "Żółw" -> "zolw", "ŁÓDŹ" -> "lodz", "Straße" -> "strasse".

    NFKD splits letters from their diacritics (and compatibility forms such as "ﬁ" into "fi"),
    the combining marks are dropped, ł/Ł (which do not decompose) become l/L, and casefold()
    removes case. Whitespace runs become one space.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search_key(first_name: str, last_name: str, organization: str | None) -> str:
    """The stored search text of a person (`registrations.search_key`): folded names and organization.

    The parts are separated by a space; a search term holds no space, so it never matches
    across two parts. Cut at SEARCH_KEY_MAX (only text that folding expands a lot reaches it).
    """
    return " ".join(fold(part) for part in (last_name, first_name, organization or "") if part)[:SEARCH_KEY_MAX]
