from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from app.auth.schemas import MAX_KEY_EVENTS
from app.common.patch import PatchModel
from app.common.schemas import RequestModel, ResponseModel
from app.common.types import Id, ShortText, UtcOutput
from app.team.models import EMAIL_MAX, MemberRole, MemberStatus
from app.team.passwords import MAX_LENGTH

# Passwords are taken as typed: no stripping (the length rule counts what the person chose).
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=MAX_LENGTH)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=200)]
EventIds = Annotated[
    list[Id] | None,
    Field(
        min_length=1,
        max_length=MAX_KEY_EVENTS,
        description="Limit the member to these events (404 for every other); null: every event. Not for owners.",
    ),
]


class Role(ResponseModel):
    role: MemberRole
    event_ids: list[int] | None


class UserPublic(ResponseModel):
    id: int
    email: str
    name: str
    roles: list[Role]


class SignedIn(ResponseModel):
    user: UserPublic
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header with every write of this session.")


class UserAnswer(ResponseModel):
    user: UserPublic


class Login(RequestModel):
    email: EmailStr = Field(max_length=EMAIL_MAX)
    password: Password


class PasswordSet(RequestModel):
    token: Token = Field(description="The token of the invitation or reset link (`/admin/password#token=...`).")
    password: Password


class PasswordForgot(RequestModel):
    email: EmailStr = Field(max_length=EMAIL_MAX)


class Accepted(ResponseModel):
    detail: str


class Setup(RequestModel):
    token: Token = Field(description="The one-time setup token printed by `make run` (`/admin/setup#token=...`).")
    email: EmailStr = Field(max_length=EMAIL_MAX)
    name: ShortText
    password: Password


class TeamInvitationCreate(RequestModel):
    email: EmailStr = Field(max_length=EMAIL_MAX)
    name: ShortText
    role: MemberRole
    event_ids: EventIds = None


class MemberPublic(ResponseModel):
    id: int
    email: str
    name: str
    role: MemberRole
    event_ids: list[int] | None = None
    status: MemberStatus
    last_login_at: UtcOutput | None


class MemberUpdate(PatchModel):
    NOT_NULL = ("role",)

    role: MemberRole | None = None
    event_ids: EventIds = None


class DoorLinkCreate(RequestModel):
    name: ShortText = Field(description="Who uses it, e.g. 'Volunteer at the main door'.")


class DoorLinkPublic(ResponseModel):
    id: int
    name: str
    prefix: str
    created_at: UtcOutput
    revoked_at: UtcOutput | None
    last_used_at: UtcOutput | None


class DoorLinkCreated(ResponseModel):
    id: int
    name: str
    key: str = Field(description="The check-in key; shown only in this answer.")
    url: str = Field(description="Opens the door page signed in with the key (the key is in the fragment).")
    qr_svg: str = Field(description="An SVG QR code of `url`, to scan with a phone.")
    created_at: UtcOutput


class DoorLinks(ResponseModel):
    items: list[DoorLinkPublic]
