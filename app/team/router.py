"""Team access: signing in (a session cookie), passwords, the first owner, the team's members,
and door links (check-in keys of one event, with a QR code to open the door page on a phone)."""

import time

import anyio
import segno
from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from app.auth import service as keys
from app.auth.deps import AuditedOrganizerDep, AuditedTeamAdminDep, OrganizerDep, TeamAdminDep, audit_note
from app.auth.models import KeyRole, OrganizerKey
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute, request_transaction
from app.errors import Forbidden, Unauthorized
from app.events.deps import OrganizerEventDep
from app.settings import SettingsDep
from app.team import service, sessions, throttle
from app.team.models import Member
from app.team.schemas import (
    Accepted,
    DoorLinkCreate,
    DoorLinkCreated,
    DoorLinkPublic,
    DoorLinks,
    Login,
    MemberPublic,
    MemberUpdate,
    PasswordForgot,
    PasswordSet,
    Role,
    Setup,
    SignedIn,
    TeamInvitationCreate,
    UserAnswer,
    UserPublic,
)

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["team"])
door_router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["door links"])

# Every 202 of `forgot` is sent this long after the request began (as app/recovery does):
# what only a known address costs does not show in the answer's time.
ANSWER_SECONDS = 0.1


def _user(member: Member, event_ids: list[int] | None) -> UserPublic:
    return UserPublic(
        id=id_of(member),
        email=member.email,
        name=member.name,
        roles=[Role(role=member.role, event_ids=event_ids)],
    )


def _member(member: Member, event_ids: list[int] | None) -> MemberPublic:
    return MemberPublic.model_validate(member).model_copy(update={"event_ids": event_ids})


def _scope(db: SessionDep, member: Member) -> list[int] | None:
    return service.scopes_of(db, [member])[id_of(member)]


# --- signing in -------------------------------------------------------------------------------


@router.post("/auth/login", response_model=SignedIn, status_code=status.HTTP_200_OK)
def login(body: Login, request: Request, response: Response, db: SessionDep, settings: SettingsDep) -> SignedIn:
    """Sign in with e-mail and password: a session cookie (`seminar_session`, HttpOnly, SameSite=Lax,
    Secure over HTTPS) and the `csrf_token` to send as `X-CSRF-Token` with every write. A wrong
    password and an unknown address give the same 401; repeated failures 429 (per address and
    per client)."""
    store = request.app.state.rate_store
    client = request.client.host if request.client else "unknown"
    attempt = throttle.begin(store, settings, email=str(body.email), client=client)
    member = service.authenticate(db, email=str(body.email), password=body.password)
    token = sessions.start(db, member=member)
    throttle.succeeded(store, attempt)
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(sessions.ABSOLUTE.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return SignedIn(user=_user(member, _scope(db, member)), csrf_token=sessions.csrf_of(token))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def logout(request: Request, db: SessionDep) -> Response:
    """Sign out: the session stops working (a live session needs its X-CSRF-Token here too)."""
    token = request.cookies.get(sessions.COOKIE)
    if token and sessions.find(db, token=token) is not None:
        if not sessions.csrf_matches(token, request.headers.get(sessions.CSRF_HEADER)):
            raise Forbidden("Signing out needs the X-CSRF-Token header of the session.")
        sessions.revoke(db, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/auth/me", response_model=SignedIn, status_code=status.HTTP_200_OK)
def me(request: Request, db: SessionDep) -> SignedIn:
    """The signed-in person, their roles and the session's `csrf_token` (for a page loaded again);
    401 without a live session."""
    token = request.cookies.get(sessions.COOKIE)
    signed = sessions.find(db, token=token) if token else None
    if token is None or signed is None:
        raise Unauthorized("Not signed in.")
    scope = sorted(signed.event_ids) if signed.event_ids is not None else None
    return SignedIn(user=_user(signed.member, scope), csrf_token=sessions.csrf_of(token))


@router.post("/auth/password", response_model=UserAnswer, status_code=status.HTTP_200_OK)
def set_password(body: PasswordSet, db: SessionDep) -> UserAnswer:
    """Set a password from an invitation or reset link (`/admin/password#token=...`). A weak one
    (under 12 characters or a common one) 422; a used or expired link 400. Every earlier session
    of the person ends."""
    member = service.set_password(db, token=body.token, password=body.password)
    return UserAnswer(user=_user(member, _scope(db, member)))


def _forgot(request: Request, email: str) -> None:
    with request_transaction(request) as db:
        service.forgot(db, email=email)


@router.post("/auth/password/forgot", response_model=Accepted, status_code=status.HTTP_202_ACCEPTED)
async def forgot_password(body: PasswordForgot, request: Request) -> Accepted:
    """Forgot the password? An active member's address gets a reset link; the answer is the same
    202 for any address, after a fixed time."""
    started = time.monotonic()
    await run_in_threadpool(_forgot, request, str(body.email))
    await anyio.sleep(max(0.0, ANSWER_SECONDS - (time.monotonic() - started)))
    return Accepted(detail="If this address belongs to the team, a link to set a new password is on its way.")


@router.post("/auth/setup", response_model=UserAnswer, status_code=status.HTTP_201_CREATED)
def setup(body: Setup, db: SessionDep) -> UserAnswer:
    """The first owner, with the one-time token printed by `make run` (`/admin/setup#token=...`);
    409 once the team has a member, 400 for a used or expired token, 422 for a weak password."""
    member = service.setup(db, token=body.token, email=str(body.email), name=body.name, password=body.password)
    return UserAnswer(user=_user(member, None))


# --- the team -----------------------------------------------------------------------------------


@router.post("/team/invitations", response_model=MemberPublic, status_code=status.HTTP_201_CREATED)
def invite(body: TeamInvitationCreate, request: Request, db: SessionDep, who: AuditedTeamAdminDep) -> MemberPublic:
    """Invite a person: an e-mail with a single-use link to set their password (valid 7 days).
    An address already in the team: 409."""
    member = service.invite(
        db,
        email=str(body.email),
        name=body.name,
        role=body.role,
        event_ids=body.event_ids,
        created_by=who.label,
        inviter=who.name,
    )
    audit_note(request, member_id=member.id, role=member.role.value, event_ids=body.event_ids)
    return _member(member, _scope(db, member))


@router.get("/team/members", response_model=Page[MemberPublic], status_code=status.HTTP_200_OK)
def list_members(db: SessionDep, _: TeamAdminDep, page: PageDep) -> Page[MemberPublic]:
    """The team in order of invitation, with roles, events and status."""
    rows, total = service.list_members(db, limit=page.limit, offset=page.offset)
    scopes = service.scopes_of(db, rows)
    return Page(items=[_member(m, scopes[id_of(m)]) for m in rows], total=total, limit=page.limit, offset=page.offset)


@router.patch("/team/members/{member_id}", response_model=MemberPublic, status_code=status.HTTP_200_OK)
def update_member(
    member_id: IdPath, body: MemberUpdate, request: Request, db: SessionDep, _: AuditedTeamAdminDep
) -> MemberPublic:
    """Another role and/or other events (`event_ids: null`: every event). The last active owner
    keeps the owner role (409)."""
    scope_given = "event_ids" in body.model_fields_set
    member = service.update_member(
        db, member_id=member_id, role=body.role, event_ids=body.event_ids, scope_given=scope_given
    )
    audit_note(request, role=member.role.value, event_ids=body.event_ids if scope_given else "unchanged")
    return _member(member, _scope(db, member))


@router.delete("/team/members/{member_id}", response_model=MemberPublic, status_code=status.HTTP_200_OK)
def disable_member(member_id: IdPath, db: SessionDep, _: AuditedTeamAdminDep) -> MemberPublic:
    """Disable a member: their sessions stop at once, they cannot sign in. The last active owner
    cannot be disabled (409)."""
    member = service.disable_member(db, member_id=member_id)
    return _member(member, _scope(db, member))


@router.post("/team/members/{member_id}/invitation", response_model=MemberPublic, status_code=status.HTTP_202_ACCEPTED)
def resend_invitation(member_id: IdPath, db: SessionDep, who: AuditedTeamAdminDep) -> MemberPublic:
    """E-mail an invited member a fresh link (the earlier one stops working); 409 for a member
    who is not waiting for one."""
    member = service.get_member(db, member_id=member_id)
    service.send_invitation(db, member=member, inviter=who.name)
    return _member(member, _scope(db, member))


# --- door links ---------------------------------------------------------------------------------


def _door_public(key: OrganizerKey) -> DoorLinkPublic:
    return DoorLinkPublic.model_validate(key)


@door_router.post("/events/{event_id}/door-links", response_model=DoorLinkCreated, status_code=status.HTTP_201_CREATED)
def create_door_link(
    body: DoorLinkCreate, db: SessionDep, who: AuditedOrganizerDep, event: OrganizerEventDep, settings: SettingsDep
) -> DoorLinkCreated:
    """A check-in-only key limited to this event, with the link that opens the door page signed
    in with it and that link's QR code. The key, link and code are shown only in this answer."""
    key, secret = keys.create_key(
        db, name=body.name, role=KeyRole.checkin, created_by=who.label, event_ids=[id_of(event)]
    )
    url = f"{settings.public_base_url.rstrip('/')}/events/{event.id}/door#key={secret}"
    qr = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2)
    return DoorLinkCreated(id=id_of(key), name=key.name, key=secret, url=url, qr_svg=qr, created_at=key.created_at)


@door_router.get("/events/{event_id}/door-links", response_model=DoorLinks, status_code=status.HTTP_200_OK)
def list_door_links(db: SessionDep, _: OrganizerDep, event: OrganizerEventDep) -> DoorLinks:
    """The event's door links (check-in keys of this event alone), revoked ones included."""
    return DoorLinks(items=[_door_public(k) for k in keys.door_keys(db, event_id=id_of(event))])


@door_router.delete(
    "/events/{event_id}/door-links/{link_id}", response_model=DoorLinkPublic, status_code=status.HTTP_200_OK
)
def revoke_door_link(
    link_id: IdPath, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep
) -> DoorLinkPublic:
    """Revoke a door link: its key stops working at once. Twice is harmless."""
    return _door_public(keys.revoke_door_key(db, event_id=id_of(event), key_id=link_id))
