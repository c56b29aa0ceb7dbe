"""The columns an attendee export may hold (the allow-list), and their values.

Tokens and their digests are not in the list, so no request can export them. After the
chosen columns come the event's questions, one column each in form order, headed by the
question's label.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, Literal
from zoneinfo import ZoneInfo

from app.common.ids import id_of
from app.errors import AppError
from app.exports.writers import Column, Kind
from app.questions.models import CHOICE_TYPES, Question, QuestionOption, QuestionType

# key -> column; "attended" and "checked_in_at" come from the attendance table (app/checkin).
REGISTRATION_COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("id", "int", 8),
        Column("last_name", "text", 22),
        Column("first_name", "text", 16),
        Column("email", "text", 30),
        Column("organization", "text", 34),
        Column("partnership", "text", 30),
        Column("position", "text", 24),
        Column("category", "text", 20),
        Column("status", "text", 12),
        Column("registered_at", "datetime", 17),
        Column("confirmed_at", "datetime", 17),
        Column("consent_at", "datetime", 17),
        Column("consent_version", "text", 14),
        Column("attended", "bool", 10),
        Column("checked_in_at", "datetime", 17),
        Column("checked_in_by", "text", 20),
        Column("waitlist_position", "int", 12),  # the event's waiting list, 1-based; empty for everyone else
        Column("workshops", "text", 50),  # workshops with a seat: "29.11 14:00 Title; 30.11 09:00 Title"
    )
}
# Columns read beside the rows (app/exports/query.py: `stream_people`).
SIDE_COLUMNS = frozenset({"waitlist_position", "workshops"})
WORKSHOPS_SEPARATOR = "; "
SESSION_COLUMNS: dict[str, Column] = {
    **REGISTRATION_COLUMNS,
    **{
        c.key: c
        for c in (
            Column("enrollment_status", "text", 12),
            Column("enrollment_source", "text", 12),
            Column("enrolled_at", "datetime", 17),
        )
    },
}
DEFAULT_COLUMNS = (
    "last_name",
    "first_name",
    "email",
    "organization",
    "partnership",
    "position",
    "category",
    "status",
    "consent_at",
    "consent_version",
    "attended",
    "checked_in_at",
)
DEFAULT_SESSION_COLUMNS = (*DEFAULT_COLUMNS, "enrollment_status")

COLUMNS_DOC = (
    "Comma-separated columns, in order. Allowed: "
    + ", ".join(REGISTRATION_COLUMNS)
    + "; for session exports also: enrollment_status, enrollment_source, enrolled_at. Default: "
    + ", ".join(DEFAULT_COLUMNS)
    + " (session exports add enrollment_status). Times are in the event's time zone; "
    "waitlist_position is the place on the event's waiting list, workshops the workshops a person holds a seat in."
)


class UnknownColumn(AppError):
    status, code, title = 422, "validation-error", "Invalid input"


def parse_columns(raw: str | None, *, session: bool) -> list[Column]:
    allowed = SESSION_COLUMNS if session else REGISTRATION_COLUMNS
    if raw is None or not raw.strip():
        return [allowed[k] for k in (DEFAULT_SESSION_COLUMNS if session else DEFAULT_COLUMNS)]
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    unknown = [k for k in keys if k not in allowed]
    if unknown or len(set(keys)) != len(keys):
        detail = (
            f"Unknown column(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}."
            if unknown
            else "A column is listed twice."
        )
        raise UnknownColumn(detail, errors=[{"loc": ["query", "columns"], "msg": detail, "type": "value_error"}])
    return [allowed[k] for k in keys]


def _getter(column: Column, zone: ZoneInfo) -> Callable[[Any], Any]:
    if column.key == "attended":
        return lambda row: row.checked_in_at is not None
    if column.key == "workshops":
        return lambda row: (
            WORKSHOPS_SEPARATOR.join(f"{start.astimezone(zone):%d.%m %H:%M} {title}" for start, title in row.workshops)
            or None
        )
    get = attrgetter(column.key)
    if column.kind == "datetime":  # naive wall-clock time in the event's zone, as spreadsheets want
        return lambda row: None if (v := get(row)) is None else v.astimezone(zone).replace(tzinfo=None)
    return get


def values(rows: Iterable[Any], columns: Sequence[Column], zone: ZoneInfo) -> Iterator[tuple[Any, ...]]:
    """Database rows -> tuples of plain cell values, one per column."""
    getters = [_getter(c, zone) for c in columns]
    return (tuple(get(row) for get in getters) for row in rows)


# --- the event's questions -------------------------------------------------------------------

Lang = Literal["pl", "en"]
_ANSWER_KINDS: dict[str, Kind] = {
    QuestionType.text: "text",
    QuestionType.long_text: "long_text",
    QuestionType.number: "number",
    QuestionType.boolean: "bool",
    QuestionType.date: "date",
    QuestionType.single_choice: "text",
    QuestionType.multiple_choice: "text",
}
CHOICES_SEPARATOR = "; "


@dataclass(frozen=True)
class AnswerColumn:
    """One question as an export column (plain data: it outlives the request's session)."""

    question_id: int
    type: str
    column: Column
    options: Mapping[int, str]  # option id -> label, in the question's order

    def cell(self, answer: Any) -> Any:
        """An answer (app/questions: `answers_of`) -> a plain cell value; None: an empty cell."""
        if answer is None or answer == "" or answer == []:
            return None
        if self.type in CHOICE_TYPES:
            chosen = set(answer) if isinstance(answer, list) else {answer}
            return CHOICES_SEPARATOR.join(label for i, label in self.options.items() if i in chosen) or None
        if self.type == QuestionType.date:
            return date.fromisoformat(answer)
        return answer  # text, number, yes/no: as stored


def _label(pl: str, en: str | None, lang: Lang) -> str:
    return en if lang == "en" and en else pl


def answer_columns(
    questions: Sequence[tuple[Question, Sequence[QuestionOption]]], *, lang: Lang = "pl", taken: Iterable[str] = ()
) -> list[AnswerColumn]:
    """The questions (in form order) as columns headed by their labels; a label equal to a
    title in `taken` (or to an earlier question's) gets the question id added, so no two
    columns share a header."""
    seen = set(taken)
    out = []
    for question, options in questions:
        qid = id_of(question)
        title = _label(question.label_pl, question.label_en, lang)
        if title in seen:
            title = f"{title} [{qid}]"
        seen.add(title)
        kind = _ANSWER_KINDS[question.type]
        width = 40 if kind == "long_text" else min(max(len(title) + 2, 12), 40)
        out.append(
            AnswerColumn(
                question_id=qid,
                type=str(question.type),
                column=Column(f"question_{qid}", kind, width, title),
                options={id_of(o): _label(o.label_pl, o.label_en, lang) for o in options},
            )
        )
    return out


def answered_values(
    rows: Iterable[tuple[Any, Mapping[int, Any]]],
    columns: Sequence[Column],
    answers: Sequence[AnswerColumn],
    zone: ZoneInfo,
) -> Iterator[tuple[Any, ...]]:
    """(row, the person's answers) -> the cells of `columns`, then one cell per question."""
    getters = [_getter(c, zone) for c in columns]
    for row, given in rows:
        yield (*(get(row) for get in getters), *(a.cell(given.get(a.question_id)) for a in answers))
