from typing import Annotated

from pydantic import Field, StringConstraints

from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.questions.models import QuestionType
from app.registrations.models import Category

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Help = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Text(RequestModel):
    pl: Label
    en: Label | None = None


class HelpText(RequestModel):
    pl: Help
    en: Help | None = None


class OptionIn(RequestModel):
    id: int | None = Field(default=None, ge=1, description="An existing option (in an update); omit for a new one.")
    label: Text
    capacity: int | None = Field(
        default=None, ge=0, le=1_000_000, description="At most this many active registrations may choose it."
    )


class QuestionCreate(RequestModel):
    label: Text
    help: HelpText | None = None
    type: QuestionType
    required: bool = False
    options: list[OptionIn] | None = Field(default=None, max_length=100)
    categories: list[Category] | None = Field(default=None, description="Only asked of these categories.")
    position: int | None = Field(default=None, ge=0, le=10_000, description="Order on the form (default: last).")


class QuestionUpdate(PatchModel):
    NOT_NULL = ("label", "type", "required", "position")

    label: Text | None = None
    help: HelpText | None = None
    type: QuestionType | None = None
    required: bool | None = None
    options: list[OptionIn] | None = Field(default=None, max_length=100)
    categories: list[Category] | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class TextOut(ResponseModel):
    pl: str
    en: str | None = None


class OptionPublic(ResponseModel):
    id: int
    label: TextOut
    capacity: int | None
    taken: int = Field(description="Active registrations that chose it.")
    remaining: int | None = Field(description="Places left (null: no limit).")


class QuestionPublic(ResponseModel):
    id: int
    event_id: int
    position: int
    type: QuestionType
    label: TextOut
    help: TextOut | None
    required: bool
    categories: list[Category] | None
    options: list[OptionPublic] | None


def question_public(question: object, options: list[object]) -> QuestionPublic:
    from app.questions.models import Question, QuestionOption

    assert isinstance(question, Question)
    opts = [o for o in options if isinstance(o, QuestionOption)]
    return QuestionPublic(
        id=question.id or 0,
        event_id=question.event_id,
        position=question.position,
        type=question.type,
        label=TextOut(pl=question.label_pl, en=question.label_en),
        help=TextOut(pl=question.help_pl, en=question.help_en) if question.help_pl else None,
        required=question.required,
        categories=[Category(c) for c in question.categories.split(",")] if question.categories else None,
        options=[
            OptionPublic(
                id=o.id or 0,
                label=TextOut(pl=o.label_pl, en=o.label_en),
                capacity=o.capacity,
                taken=o.taken,
                remaining=None if o.capacity is None else max(o.capacity - o.taken, 0),
            )
            for o in opts
        ]
        if question.type in ("single_choice", "multiple_choice")
        else None,
    )
