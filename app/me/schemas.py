from app.enrollments.schemas import EnrollmentPublic
from app.registrations.schemas import RegistrationPublic


class MePublic(RegistrationPublic):
    """Everything about the caller: registration, session enrollments, ballots and preferences."""

    enrollments: list[EnrollmentPublic] = []
