"""An event's questions and the answers to them: the only writer of `questions`,
`question_options` (with their `taken` counters) and `answers`.

Answers are checked against the event's questions before any lock (422 naming
`answers.<question id>`). A choice option with a capacity is a counter like seats: taking a
unit is one conditional UPDATE (`taken < capacity`), so the last unit goes to exactly one
person; the next gets 409 naming the option. Every active registration (pending, waitlisted
or confirmed) holds the units of its answers: the organizer sees the demand as it is, and a
waitlisted person who moves up never finds the room they chose gone. Cancelling, rejecting
and erasing give the units back.

Editing a question that has answers never corrupts them (the rule is "refuse", not
"versions"): its type cannot change, an option that was chosen cannot be deleted, a capacity
cannot go below what is taken, and a question with answers cannot be deleted (409); labels,
help, order, `required`, categories and new options may change at any time.
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.capacity import ledger
from app.common.ids import id_of
from app.common.locking import lock
from app.errors import Conflict, Invalid, NotFound
from app.events import config
from app.events.models import Event
from app.questions.models import CHOICE_TYPES, Answer, Question, QuestionOption, QuestionType

TEXT_MAX, LONG_TEXT_MAX = 1000, 10_000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\t]")


class OptionFull(Conflict):
    code, title = "option-full", "A chosen option is full"


@dataclass
class Checked:
    """Answers that passed the checks: scalar values (JSON text) and chosen option ids."""

    values: dict[int, str] = field(default_factory=dict)
    options: dict[int, list[int]] = field(default_factory=dict)  # question id -> option ids

    @property
    def option_ids(self) -> list[int]:
        return sorted(o for ids in self.options.values() for o in ids)


# --- questions -------------------------------------------------------------------------------


def questions_of(db: Session, *, event_id: int) -> list[tuple[Question, list[QuestionOption]]]:
    questions = list(
        db.exec(
            select(Question).where(Question.event_id == event_id).order_by(col(Question.position), col(Question.id))
        ).all()
    )
    ids = [id_of(q) for q in questions]
    options: dict[int, list[QuestionOption]] = {i: [] for i in ids}
    if ids:
        for option in db.exec(
            select(QuestionOption)
            .where(col(QuestionOption.question_id).in_(ids))
            .order_by(col(QuestionOption.position), col(QuestionOption.id))
        ).all():
            options[option.question_id].append(option)
    return [(q, options[id_of(q)]) for q in questions]


def get_question(db: Session, *, question_id: int) -> Question:
    question = db.get(Question, question_id)
    if question is None:
        raise NotFound(f"Question {question_id} does not exist.")
    return question


def _categories(values: Sequence[str] | None) -> str | None:
    return ",".join(values) if values else None


def create_question(db: Session, *, event_id: int, data: Any) -> Question:
    """`data`: QuestionCreate (app/questions/schemas.py)."""
    if data.type in CHOICE_TYPES and not data.options:
        raise Invalid("A choice question needs at least one option.", field="options")
    if data.type not in CHOICE_TYPES and data.options:
        raise Invalid(f"A {data.type} question has no options.", field="options")
    position = data.position
    if position is None:
        position = (db.exec(select(func.max(Question.position)).where(Question.event_id == event_id)).one() or 0) + 1
    question = Question(
        event_id=event_id,
        position=position,
        type=data.type,
        label_pl=data.label.pl,
        label_en=data.label.en,
        help_pl=data.help.pl if data.help else None,
        help_en=data.help.en if data.help else None,
        required=data.required,
        categories=_categories(data.categories),
    )
    db.add(question)
    db.flush()
    for i, option in enumerate(data.options or [], start=1):
        db.add(
            QuestionOption(
                question_id=id_of(question),
                position=i,
                label_pl=option.label.pl,
                label_en=option.label.en,
                capacity=option.capacity,
            )
        )
    db.flush()
    config.touch(db, event_id=event_id)
    return question


def _answered(db: Session, question_id: int) -> bool:
    return db.exec(select(Answer.id).where(Answer.question_id == question_id).limit(1)).first() is not None


def update_question(db: Session, *, question: Question, data: Any) -> Question:
    """`data`: QuestionUpdate. Options are matched by `id`; new ones have none.

    The event's lock comes first, as in every workflow that takes or gives back option units
    (app/common/locking.py), then the option rows: locking the options first and the event
    last (its configuration version) deadlocked with people cancelling or changing answers.
    """
    lock(db, Event, question.event_id)
    changes = data.model_dump(exclude_unset=True)
    answered = _answered(db, id_of(question))
    if "type" in changes and changes["type"] != question.type and answered:
        raise Conflict("This question has answers: its type cannot change (make a new question instead).", field="type")
    for name in ("position", "required"):
        if name in changes:
            setattr(question, name, changes[name])
    if "type" in changes:
        question.type = changes["type"]
    if "label" in changes:
        question.label_pl, question.label_en = data.label.pl, data.label.en
    if "help" in changes:
        question.help_pl = data.help.pl if data.help else None
        question.help_en = data.help.en if data.help else None
    if "categories" in changes:
        question.categories = _categories(data.categories)
    db.add(question)
    if data.options is not None:
        _replace_options(db, question=question, wanted=data.options)
    elif "type" in changes and question.type not in CHOICE_TYPES:
        db.execute(delete(QuestionOption).where(col(QuestionOption.question_id) == question.id))
    db.flush()
    config.touch(db, event_id=question.event_id)
    return question


def _replace_options(db: Session, *, question: Question, wanted: Sequence[Any]) -> None:
    if question.type not in CHOICE_TYPES:
        raise Invalid(f"A {question.type} question has no options.", field="options")
    if not wanted:
        raise Invalid("A choice question needs at least one option.", field="options")
    current = {
        id_of(o): o
        for o in db.exec(
            select(QuestionOption)
            .where(QuestionOption.question_id == question.id)
            .order_by(col(QuestionOption.id))
            .with_for_update(key_share=True)
        ).all()
    }
    kept: set[int] = set()
    for position, item in enumerate(wanted, start=1):
        if item.id is None:
            db.add(
                QuestionOption(
                    question_id=id_of(question),
                    position=position,
                    label_pl=item.label.pl,
                    label_en=item.label.en,
                    capacity=item.capacity,
                )
            )
            continue
        option = current.get(item.id)
        if option is None:
            raise Invalid(f"Option {item.id} is not an option of question {question.id}.", field="options")
        if item.capacity is not None and item.capacity < option.taken:
            raise Conflict(
                f"{option.taken} people already chose {option.label_pl!r}; its capacity cannot be lower than that.",
                field="options",
            )
        option.position, option.label_pl, option.label_en, option.capacity = (
            position,
            item.label.pl,
            item.label.en,
            item.capacity,
        )
        db.add(option)
        kept.add(item.id)
    for option_id, option in current.items():
        if option_id in kept:
            continue
        chosen = db.exec(select(Answer.id).where(Answer.option_id == option_id).limit(1)).first()
        if chosen is not None:
            raise Conflict(f"Option {option.label_pl!r} was chosen by someone; it cannot be deleted.", field="options")
        db.delete(option)


def delete_question(db: Session, *, question: Question) -> None:
    lock(db, Event, question.event_id)  # the lock order: the event before its options (update_question)
    if _answered(db, id_of(question)):
        raise Conflict("This question has answers; it cannot be deleted (its answers would be lost).")
    db.delete(question)
    db.flush()
    config.touch(db, event_id=question.event_id)


# --- answers ---------------------------------------------------------------------------------


def applies(question: Question, category: str) -> bool:
    return question.categories is None or category in question.categories.split(",")


def _text(value: Any, where: str, limit: int, multiline: bool) -> str:
    if not isinstance(value, str):
        raise Invalid("The answer must be text.", field=where)
    text = value.strip()
    if len(text) > limit:
        raise Invalid(f"The answer is longer than {limit} characters.", field=where)
    bad = CONTROL.search(text) or (None if multiline else LINE_BREAKS.search(text))
    if bad:
        raise Invalid(f"control character U+{ord(bad.group()):04X} is not allowed", field=where)
    return text


def _option_id(value: Any, where: str, options: Mapping[int, QuestionOption]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in options:
        raise Invalid(f"{value!r} is not an option of this question; options: {sorted(options)}.", field=where)
    return value


def _one(question: Question, options: Sequence[QuestionOption], value: Any, where: str, out: Checked) -> None:  # noqa: C901
    """Check one answer and put it into `out` (Invalid naming `where` when it is wrong)."""
    qid = id_of(question)
    by_id = {id_of(o): o for o in options}
    if value is None or value == "" or value == []:
        if question.required:
            raise Invalid("This question must be answered.", field=where)
        out.values.pop(qid, None)
        out.options[qid] = []
        return
    kind = question.type
    if kind == QuestionType.text:
        out.values[qid] = json.dumps(_text(value, where, TEXT_MAX, False), ensure_ascii=False)
    elif kind == QuestionType.long_text:
        out.values[qid] = json.dumps(_text(value, where, LONG_TEXT_MAX, True), ensure_ascii=False)
    elif kind == QuestionType.number:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value or abs(value) > 1e12:
            raise Invalid("The answer must be a number.", field=where)
        out.values[qid] = json.dumps(value)
    elif kind == QuestionType.boolean:
        if not isinstance(value, bool):
            raise Invalid("The answer must be true or false.", field=where)
        out.values[qid] = json.dumps(value)
    elif kind == QuestionType.date:
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2999:
            raise Invalid("The answer must be a date, YYYY-MM-DD.", field=where)
        out.values[qid] = json.dumps(parsed.isoformat())
    elif kind == QuestionType.single_choice:
        out.options[qid] = [_option_id(value, where, by_id)]
    else:
        if not isinstance(value, list):
            raise Invalid("The answer must be a list of option ids.", field=where)
        chosen = [_option_id(v, f"{where}.{i}", by_id) for i, v in enumerate(value)]
        if len(set(chosen)) != len(chosen):
            raise Invalid("An option is chosen twice.", field=where)
        out.options[qid] = sorted(chosen)


def _has_questions(db: Session, event: Event) -> bool:
    event_id = id_of(event)
    return config.remembered(
        db,
        event,
        ("has questions",),
        lambda: db.exec(select(Question.id).where(Question.event_id == event_id).limit(1)).first() is not None,
    )


def check(
    db: Session,
    *,
    event: Event,
    category: str,
    answers: Mapping[str, Any] | None,
    previous: Mapping[int, Any] | None = None,
    partial: bool = False,
) -> Checked:
    """Validate answers against the event's questions: one 422 listing every wrong or missing
    answer, each naming `answers.<question id>` (type `missing` for a required one left out).

    `partial` (a PATCH): questions not sent keep their previous answers, so a required
    question is only missing when it has neither.
    """
    answers = answers or {}
    form = questions_of(db, event_id=id_of(event)) if _has_questions(db, event) else []
    asked = {id_of(q): (q, opts) for q, opts in form if applies(q, category)}
    everything = {str(id_of(q)) for q, _ in form}
    out = Checked()
    errors: list[dict[str, Any]] = []
    for key, value in answers.items():
        where = f"answers.{key}"
        try:
            if key not in everything:
                raise Invalid(f"The event has no question {key}.", field=where)
            if int(key) not in asked:
                raise Invalid(f"Question {key} is not asked of the category {category!r}.", field=where)
            question, options = asked[int(key)]
            _one(question, options, value, where, out)
        except Invalid as exc:
            errors += exc.extra["errors"]
    for qid, (question, _) in asked.items():
        if not question.required or str(qid) in answers or (partial and previous is not None and qid in previous):
            continue
        errors.append(
            {
                "loc": ["body", "answers", str(qid)],
                "type": "missing",
                "msg": f"Question {qid} ({question.label_pl!r}) must be answered.",
            }
        )
    if errors:
        raise Invalid(
            errors[0]["msg"]
            if len(errors) == 1
            else f"{len(errors)} answers are wrong or missing: "
            + "; ".join(f"{'.'.join(e['loc'][1:])}: {e['msg']}" for e in errors),
            errors=errors,
        )
    return out


def take_options(db: Session, *, option_ids: Iterable[int]) -> None:
    """One unit of each option (ascending id: the lock order); 409 naming a full option."""
    for option_id in sorted(set(option_ids)):
        if not ledger.take_option_unit(db, option_id=option_id):
            option = db.get(QuestionOption, option_id)
            label = option.label_pl if option is not None else str(option_id)
            raise OptionFull(
                f"{label!r} is full: every place of this option is taken.",
                option_id=option_id,
                question_id=option.question_id if option is not None else None,
            )


def release_options(db: Session, *, option_ids: Iterable[int]) -> None:
    for option_id in sorted(set(option_ids)):
        ledger.give_back_option_unit(db, option_id=option_id)


def held_options(db: Session, *, registration_id: int) -> list[int]:
    return sorted(
        o
        for o in db.exec(
            select(Answer.option_id).where(
                Answer.registration_id == registration_id, col(Answer.option_id).is_not(None)
            )
        ).all()
        if o is not None
    )


def save(db: Session, *, registration_id: int, checked: Checked, replace: bool, hold: bool = True) -> None:
    """Store answers of a registration (taking the units of new options when `hold`).

    With `replace` (a PATCH), the questions sent replace their previous answers (units of
    options no longer chosen are given back); other questions keep theirs.
    """
    sent = set(checked.values) | set(checked.options)
    old_options: list[int] = []
    if replace and sent:
        old_options = [
            o
            for o in db.exec(
                select(Answer.option_id).where(
                    Answer.registration_id == registration_id,
                    col(Answer.question_id).in_(sent),
                    col(Answer.option_id).is_not(None),
                )
            ).all()
            if o is not None
        ]
        db.execute(
            delete(Answer).where(col(Answer.registration_id) == registration_id, col(Answer.question_id).in_(sent))
        )
    new_options = checked.option_ids
    if hold:
        take_options(db, option_ids=set(new_options) - set(old_options))
        release_options(db, option_ids=set(old_options) - set(new_options))
    for qid, value in checked.values.items():
        db.add(Answer(registration_id=registration_id, question_id=qid, value=value))
    for qid, option_ids in checked.options.items():
        for option_id in option_ids:
            db.add(Answer(registration_id=registration_id, question_id=qid, option_id=option_id))
    db.flush()


def release_all(db: Session, *, registration_id: int) -> None:
    """The registration is no longer active (cancelled, rejected): its option units go back.
    The answers stay (what the person said), until erasure."""
    release_options(db, option_ids=held_options(db, registration_id=registration_id))


def hold_all(db: Session, *, registration_id: int) -> None:
    """A cancelled registration made active again (organizer override): units taken again (409 when full)."""
    take_options(db, option_ids=held_options(db, registration_id=registration_id))


def delete_answers(db: Session, *, registration_id: int) -> None:
    """Erasure: the answers go (their units were given back when the registration was cancelled)."""
    db.execute(delete(Answer).where(col(Answer.registration_id) == registration_id))


def answers_of(db: Session, *, registration_ids: Sequence[int]) -> dict[int, dict[int, Any]]:
    """registration id -> question id -> value (scalar) or option ids (choice).

    Two reads, one per kind of answer, so that each is served by its partial unique index
    (`registration_id IN (...)` alone matches neither and scans the table)."""
    out: dict[int, dict[int, Any]] = {}
    if not registration_ids:
        return out
    ids = list(registration_ids)
    for registration_id, question_id, value in db.exec(
        select(Answer.registration_id, Answer.question_id, Answer.value).where(
            col(Answer.registration_id).in_(ids), col(Answer.option_id).is_(None)
        )
    ).all():
        out.setdefault(registration_id, {})[question_id] = json.loads(value or "null")
    for registration_id, question_id, option_id in db.exec(
        select(Answer.registration_id, Answer.question_id, Answer.option_id)
        .where(col(Answer.registration_id).in_(ids), col(Answer.option_id).is_not(None))
        .order_by(col(Answer.id))
    ).all():
        out.setdefault(registration_id, {}).setdefault(question_id, []).append(option_id)
    return out


def option_counts(db: Session, *, event_id: int) -> list[tuple[Question, list[QuestionOption]]]:
    """Questions with their options' `taken` and `capacity` (for /stats)."""
    return [(q, opts) for q, opts in questions_of(db, event_id=event_id) if q.type in CHOICE_TYPES]
