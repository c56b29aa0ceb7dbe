from pydantic import EmailStr, Field

from app.common.schemas import RequestModel, ResponseModel


class RecoveryRequest(RequestModel):
    email: EmailStr = Field(max_length=254)


class RecoveryAccepted(ResponseModel):
    """The same answer whether or not the address is registered for the event."""

    detail: str
    code_minutes: int = Field(description="How long a code sent now stays valid.")


class RecoveryConfirm(RequestModel):
    code: str = Field(
        min_length=1, max_length=64, description="The code from the e-mail; case, spaces and dashes do not matter."
    )


class RecoveryConfirmed(ResponseModel):
    token: str = Field(description="A fresh secret for /api/v1/me; the previous token no longer works.")
    registration_id: int
    event_id: int
