from pydantic import Field

from app.me.schemas import MePublic
from app.messages.schemas import MessagePublic


class MeExport(MePublic):
    """All data held about the caller (GDPR art. 15 and 20), with the e-mails sent to them."""

    messages: list[MessagePublic] = Field(default=[], description="E-mails queued or sent to the person.")
    calendar_feed: bool = Field(default=False, description="Whether a personal calendar feed URL exists.")
