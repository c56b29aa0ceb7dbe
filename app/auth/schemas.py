from pydantic import Field

from app.auth.models import KEY_NAME_MAX, KeyRole
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, ShortText, UtcOutput

MAX_KEY_EVENTS = 1000


class KeyCreate(RequestModel):
    name: ShortText = Field(
        max_length=KEY_NAME_MAX, description="Who or what uses the key, e.g. 'Registration desk tablet'."
    )
    role: KeyRole = KeyRole.organizer
    event_ids: list[Id] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_KEY_EVENTS,
        description="Limit the key to these events: for every other it gets 404, as if they did not exist. "
        "Omitted: every event. A key that is itself limited may only make keys limited to some of its own "
        "events (403 otherwise).",
    )


class KeyPublic(ResponseModel):
    id: int
    name: str
    role: KeyRole
    prefix: str
    created_at: UtcOutput
    created_by: str
    revoked_at: UtcOutput | None
    last_used_at: UtcOutput | None
    event_ids: list[int] | None = Field(
        default=None, description="The events the key is limited to; null: every event."
    )


class KeyCreated(KeyPublic):
    key: str = Field(description="The secret key. Shown only in this response; store it safely.")
