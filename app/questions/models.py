from datetime import datetime
from enum import StrEnum

from app.common.base import Field, SQLModel, created_at_field, sa


class QuestionType(StrEnum):
    text = "text"
    long_text = "long_text"
    number = "number"
    boolean = "boolean"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    date = "date"


CHOICE_TYPES = (QuestionType.single_choice, QuestionType.multiple_choice)


class Question(SQLModel, table=True):
    """A question of an event's registration form (overnight stay, diet, access needs ...)."""

    __tablename__ = "questions"
    __table_args__ = (sa.Index("ix_questions_event_position", "event_id", "position", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", ondelete="CASCADE")
    position: int = Field(default=0)
    type: QuestionType = Field(sa_type=sa.String(16))
    label_pl: str = Field(max_length=300)
    label_en: str | None = Field(default=None, max_length=300)
    help_pl: str | None = Field(default=None, max_length=1000)
    help_en: str | None = Field(default=None, max_length=1000)
    required: bool = Field(default=False)
    # Comma-separated registration categories the question is for (NULL: everybody).
    categories: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()


class QuestionOption(SQLModel, table=True):
    """A choice of a single or multiple choice question; with a capacity, `taken` counts the
    active registrations that chose it (a conditional UPDATE, like seats)."""

    __tablename__ = "question_options"
    __table_args__ = (
        sa.CheckConstraint("taken >= 0 AND (capacity IS NULL OR taken <= capacity)", name="taken_within_capacity"),
        sa.Index("ix_question_options_question", "question_id", "position", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="questions.id", ondelete="CASCADE")
    position: int = Field(default=0)
    label_pl: str = Field(max_length=300)
    label_en: str | None = Field(default=None, max_length=300)
    capacity: int | None = None
    taken: int = Field(default=0)


class Answer(SQLModel, table=True):
    """One registration's answer to one question: `value` (JSON text) for text, number, yes/no
    and date questions; one row per chosen option (`option_id`) for choice questions."""

    __tablename__ = "answers"
    __table_args__ = (
        sa.Index(
            "uq_answers_value",
            "registration_id",
            "question_id",
            unique=True,
            sqlite_where=sa.text("option_id IS NULL"),
            postgresql_where=sa.text("option_id IS NULL"),
        ),
        sa.Index(
            "uq_answers_option",
            "registration_id",
            "option_id",
            unique=True,
            sqlite_where=sa.text("option_id IS NOT NULL"),
            postgresql_where=sa.text("option_id IS NOT NULL"),
        ),
        sa.Index("ix_answers_question", "question_id", "option_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE")
    question_id: int = Field(foreign_key="questions.id", ondelete="CASCADE")
    option_id: int | None = Field(default=None, foreign_key="question_options.id", ondelete="CASCADE")
    value: str | None = Field(default=None, sa_type=sa.Text)
