from app.common.schemas import ResponseModel


class ParticipantPublic(ResponseModel):
    """One person in an event's participants list: only what they agreed to show (never e-mail,
    category, position or ids)."""

    first_name: str
    last_name: str
    organization: str
    partnership: str | None
