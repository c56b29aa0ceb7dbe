from pydantic import Field

from app.auth.models import KEY_NAME_MAX, KeyRole
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import ShortText, UtcOutput


class KeyCreate(RequestModel):
    name: ShortText = Field(max_length=KEY_NAME_MAX,
                            description="Who or what uses the key, e.g. 'Registration desk tablet'.")
    role: KeyRole = KeyRole.organizer


class KeyPublic(ResponseModel):
    id: int
    name: str
    role: KeyRole
    prefix: str
    created_at: UtcOutput
    created_by: str
    revoked_at: UtcOutput | None
    last_used_at: UtcOutput | None


class KeyCreated(KeyPublic):
    key: str = Field(description="The secret key. Shown only in this response; store it safely.")
