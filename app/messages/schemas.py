from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.common.schemas import RequestModel, ResponseModel
from app.common.types import LINE_BREAKS, AllowControl, UtcOutput
from app.messages.models import MessageStatus
from app.registrations.models import Category, RegistrationStatus

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# A template's subject line may hold Jinja (the built-in ones choose their words by status).
TemplateSubject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=20_000), AllowControl(LINE_BREAKS)]
Language = Literal["pl", "en"]


class MessagePublic(ResponseModel):
    """A queued or sent e-mail as organizers see it: never the secret it carries."""

    id: int
    kind: str
    to: str = Field(validation_alias="recipient")
    subject: str
    status: MessageStatus
    attempts: int
    last_error: str | None
    created_at: UtcOutput
    sent_at: UtcOutput | None
    transport: str | None = None
    template_error: str | None = Field(
        default=None,
        description=("Set when the organizer's own template failed for this message: why; the built-in text was sent."),
    )


class MessageDetail(MessagePublic):
    language: str
    text: str = Field(
        validation_alias="body_text",
        description="The text as sent, with the personal link or code shown as `[hidden]`.",
    )


class BroadcastIn(RequestModel):
    subject: Subject
    text: Body
    status: RegistrationStatus = Field(
        default=RegistrationStatus.confirmed,
        description="Whose registrations: confirmed (default), waitlisted, cancelled.",
    )
    category: Category | None = None
    session_id: int | None = Field(default=None, ge=1, description="Only people with a seat in this session.")
    organization: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    dry_run: bool = Field(default=True, description="Only count the recipients (the default); false sends.")


class BroadcastOut(ResponseModel):
    recipients: int
    dry_run: bool


class TemplateIn(RequestModel):
    subject: TemplateSubject
    text: Body


class TemplateVariable(ResponseModel):
    name: str
    description: str


class TemplatePublic(ResponseModel):
    kind: str
    language: str
    subject: str
    text: str
    custom: bool = Field(description="True: the organizer's own text; false: the built-in one.")
    variables: list[TemplateVariable] = Field(
        default_factory=list, description="The variables messages of this kind have: `{{ name }}` in the template."
    )


class PreviewIn(TemplateIn):
    language: Language = "pl"


class PreviewOut(ResponseModel):
    """A message as it would be sent, with sample values (Zofia Żak, the event's own data)."""

    kind: str
    language: str
    subject: str
    text: str


class AnnounceOut(ResponseModel):
    recipients: int
