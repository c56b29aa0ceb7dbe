from typing import Any

from pydantic import Field

from app.enrollments.schemas import EnrollmentPublic
from app.registrations.schemas import RegistrationPublic
from app.voting.schemas import BallotPublic


class MePublic(RegistrationPublic):
    """Everything about the caller: registration, session enrollments, ballots and preferences."""

    enrollments: list[EnrollmentPublic] = []
    ballots: list[BallotPublic] = []
    preferences: list[int] = Field(default=[], description="Ranked workshop session ids, most wanted first.")
    answers: dict[str, Any] = Field(
        default={}, description="Answers to the event's questions, by question id (option ids for choice questions)."
    )
