from typing import Any

from app.common.schemas import ResponseModel
from app.common.types import UtcOutput


class AuditEntryPublic(ResponseModel):
    id: int
    at: UtcOutput
    actor: str
    action: str
    event_id: int | None
    target: str | None
    details: dict[str, Any]
