"""Credentials from the Authorization header: organizer keys (and the ADMIN_TOKEN bootstrap key).

A key may be limited to some events (`Organizer.event_ids`). For every other event it gets 404,
as if the event did not exist. Three layers enforce that:

* here, `require_organizer` / `require_checkin` refuse a path's `{event_id}` outside the scope
  (after 401/403), a net under every `/events/{event_id}/...` route;
* `organizer_event`, `organizer_session`, `organizer_poll` (app/events, sessions, voting deps)
  check the event of the object they load;
* routes naming another object (a registration, a topic, a message, a webhook ...) check its
  event with `who.check_event(...)`, and lists filter by `event_ids`.

Things of no event (global webhooks, audit entries of no event, key management of other keys)
are seen by keys of every event only. A scoped key cannot make global things: no new events,
no keys beyond its own events.

People of the team sign in with an account instead (app/team): a request without an
`Authorization` header but with a live `seminar_session` cookie is that member's, with the
same checks. Their role maps onto the keys': owner and organizer (limited to their events or
not) and viewer act as organizer keys, checkin as a check-in key; a viewer may only read
(`require_organizer` refuses other methods, `PersonalDataDep` the personal-data exports). A
cookie-authenticated write needs the `X-CSRF-Token` header (403 otherwise). A request with a
Bearer header uses the key and ignores the cookie.
"""

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from app.audit.service import record
from app.auth.models import KEY_LABEL_MAX, KeyRole
from app.auth.service import Scope, find_active_key
from app.db import SessionDep, commit_after_route, open_session
from app.errors import Forbidden, NotFound, Unauthorized
from app.team import sessions as team_sessions
from app.team.models import MemberRole

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="Organizer key or registration token.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@dataclass(frozen=True)
class Organizer:
    """An authenticated organizer credential."""

    name: str
    role: KeyRole
    key_id: int | None  # None for the bootstrap ADMIN_TOKEN
    # A key limited to these events (None: every event).
    event_ids: Scope = None
    # A signed-in member of the team (app/team): their id and role; None for keys.
    user_id: int | None = None
    member_role: MemberRole | None = None

    @property
    def read_only(self) -> bool:
        """A viewer: reads only, and no personal-data exports."""
        return self.member_role == MemberRole.viewer

    @property
    def owner(self) -> bool:
        return self.member_role == MemberRole.owner

    @property
    def scoped(self) -> bool:
        return self.event_ids is not None

    def sees(self, event_id: int | None) -> bool:
        """Whether the key reaches this event; `None` (a thing of no event): only keys of every event."""
        return self.event_ids is None or (event_id is not None and event_id in self.event_ids)

    def check_event(self, event_id: int | None, detail: str | None = None) -> None:
        """404 for an event outside the key's scope, as if it did not exist.

        For an object of the event (a registration, a topic ...), pass the object's own 404
        `detail` ("Registration 7 does not exist."): the answer must match a missing object's
        and not name the event it belongs to."""
        if not self.sees(event_id):
            raise NotFound(detail or f"Event {event_id} does not exist.")

    def check_global(self, what: str) -> None:
        """403 for a key limited to some events: it cannot make things of every event."""
        if self.scoped:
            raise Forbidden(f"This key is limited to some events; it cannot {what}.")

    @property
    def label(self) -> str:
        """Who, in audit entries and `created_by`: `user:{id}:{name}`, `key:{id}:{name}` or `bootstrap`."""
        if self.user_id is not None:
            head = f"user:{self.user_id}:"
            return head + self.name[: KEY_LABEL_MAX - len(head)]
        return f"key:{self.key_id}:{self.name}" if self.key_id else "bootstrap"


def bearer_token(creds: HTTPAuthorizationCredentials | None) -> str:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized()
    return creds.credentials


def _resolve(request: Request, creds: BearerDep) -> Organizer:
    """The key and its scope (one query; FastAPI caches it for the request's other dependencies).

    Read in a short read transaction of its own, not the request's: a write request's
    transaction (on SQLite, the database's write lock) starts with the route's first statement,
    so a route that first computes for long (an assignment solved outside the lock) does not
    hold it meanwhile."""
    if creds is None:
        return _from_session(request)
    token = bearer_token(creds)
    if _matches(token, request.app.state.settings.admin_token):
        return Organizer(name="bootstrap", role=KeyRole.organizer, key_id=None)
    with open_session(request.app.state.engine) as db:
        found = find_active_key(db, secret=token)
    if found is None:
        raise Unauthorized()
    key, scope = found
    return Organizer(name=key.name, role=key.role, key_id=key.id, event_ids=scope)


def _from_session(request: Request) -> Organizer:
    """The member signed in by the session cookie (401 without a live one); a write without the
    session's `X-CSRF-Token` is refused (403). A read moves the session's idle expiry forward
    (written at most every few minutes, in a transaction of its own)."""
    token = request.cookies.get(team_sessions.COOKIE)
    if not token:
        raise Unauthorized()
    state = request.app.state
    with open_session(state.engine) as db:
        signed = team_sessions.find(db, token=token)
    if signed is None:
        raise Unauthorized("The session has ended; sign in again.")
    if request.method not in SAFE_METHODS:
        if not team_sessions.csrf_matches(token, request.headers.get(team_sessions.CSRF_HEADER)):
            raise Forbidden("A signed-in write needs the session's X-CSRF-Token header (from sign-in or /auth/me).")
    elif team_sessions.due_for_touch(signed.session) and signed.session.id is not None:
        team_sessions.touch_in_own_transaction(state.engine, state.write_gate, session_id=signed.session.id)
    member = signed.member
    return Organizer(
        name=member.name,
        role=KeyRole.checkin if member.role == MemberRole.checkin else KeyRole.organizer,
        key_id=None,
        event_ids=None if member.role == MemberRole.owner else signed.event_ids,
        user_id=member.id,
        member_role=member.role,
    )


def _matches(token: str, configured: SecretStr | None) -> bool:
    secret = configured.get_secret_value() if configured is not None else ""
    return bool(secret) and hmac.compare_digest(token.encode(), secret.encode())


def metrics_reader(request: Request, creds: BearerDep) -> None:
    """Who may read GET /metrics: operators. `METRICS_TOKEN` (the scraper's own), `ADMIN_TOKEN`,
    or an organizer key of every event; 401 otherwise, 403 for a check-in key or one limited to
    some events. The two tokens are checked before any database work: a scrape with
    METRICS_TOKEN still answers while the database is down."""
    if _matches(bearer_token(creds), request.app.state.settings.metrics_token):
        return
    who = _resolve(request, creds)  # ADMIN_TOKEN (no database work) or an organizer key
    if who.role != KeyRole.organizer or who.scoped:
        raise Forbidden("Metrics are for operators: METRICS_TOKEN or an organizer key of every event.")


def check_path_event(request: Request, principal: Organizer) -> None:
    """404 when the path names an event (`{event_id}`) outside the key's scope."""
    raw = request.path_params.get("event_id")
    if principal.scoped and isinstance(raw, str) and raw.isascii() and raw.isdigit():
        principal.check_event(int(raw))  # not a number: the route's own validation answers 422


def _check_read_only(request: Request, principal: Organizer) -> None:
    if principal.read_only and request.method not in SAFE_METHODS:
        raise Forbidden("A viewer of the team may only read.")


def require_organizer(request: Request, principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    if principal.role != KeyRole.organizer:
        raise Forbidden("This key may only check people in.")
    _check_read_only(request, principal)
    check_path_event(request, principal)
    return principal


def require_personal_data(principal: Annotated[Organizer, Depends(require_organizer)]) -> Organizer:
    """Exports of people's data (lists, badges, sign-in sheets): organizers, not viewers (403)."""
    if principal.read_only:
        raise Forbidden("A viewer of the team cannot export people's data.")
    return principal


def require_team_admin(request: Request, principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    """Who manages the team: a signed-in owner, or an organizer key of every event (ADMIN_TOKEN too)."""
    if principal.user_id is not None:
        if not principal.owner:
            raise Forbidden("Only an owner of the team manages it.")
    elif principal.role != KeyRole.organizer or principal.scoped:
        raise Forbidden("The team is managed by its owners or with an organizer key of every event.")
    return principal


def audited_organizer(
    request: Request, db: SessionDep, principal: Annotated[Organizer, Depends(require_organizer)]
) -> Iterator[Organizer]:
    """An organizer whose write is recorded in the audit log: who, which operation, on what.

    The entry is added after the route has returned and before the request's transaction
    commits (this dependency closes before `get_db`), so it is stored exactly when the change
    is; a route that fails writes nothing, entry included. A `{registration_id}` of the path that
    is not the target goes to `details`, so the person's trail finds it. Facts from the body (which this
    dependency does not read) come from the route through `audit_note`.
    """
    commit_after_route(db)
    yield principal
    _record_route(request, db, principal)


def audited_team_admin(
    request: Request, db: SessionDep, principal: Annotated[Organizer, Depends(require_team_admin)]
) -> Iterator[Organizer]:
    """A change of the team, recorded in the audit log like `audited_organizer`'s."""
    commit_after_route(db)
    yield principal
    _record_route(request, db, principal)


def _record_route(request: Request, db: SessionDep, principal: Organizer) -> None:
    """The audit entry of a route that has returned: who, which operation, on what."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    params = {k: int(v) if v.isdigit() else v for k, v in request.path_params.items()}
    event_id = params.get("event_id")
    target = next((f"{k.removesuffix('_id')}:{v}" for k, v in params.items()), None)
    details: dict[str, object] = {"path": request.url.path}
    if "registration_id" in params and not (target or "").startswith("registration:"):
        details["registration_id"] = params["registration_id"]  # e.g. DELETE .../enrollments/{registration_id}
    if request.query_params:
        details["query"] = dict(request.query_params)
    details.update(getattr(request.state, "audit_details", {}))
    record(
        db,
        actor=principal.label,
        action=f"{request.method} {template}",
        event_id=event_id if isinstance(event_id, int) else None,
        target=target,
        details=details,
    )


def audit_note(request: Request, **facts: object) -> None:
    """Add facts to the request's audit entry (`audited_organizer`), e.g. the `registration_id` of a
    body, so the trail of a person (GET /audit-log?registration_id=) finds it. No secrets."""
    if not hasattr(request.state, "audit_details"):
        request.state.audit_details = {}
    request.state.audit_details.update(facts)


def require_checkin(request: Request, principal: Annotated[Organizer, Depends(_resolve)]) -> Organizer:
    """Organizer keys and check-in-only keys (and members of the team: a viewer only reads)."""
    _check_read_only(request, principal)
    check_path_event(request, principal)
    return principal


OrganizerDep = Annotated[Organizer, Depends(require_organizer)]
# Organizer writes: the route's change and its audit entry are committed together.
AuditedOrganizerDep = Annotated[Organizer, Depends(audited_organizer, scope="function")]
CheckinDep = Annotated[Organizer, Depends(require_checkin)]
# Exports of people's data: not for viewers of the team.
PersonalDataDep = Annotated[Organizer, Depends(require_personal_data)]
TeamAdminDep = Annotated[Organizer, Depends(require_team_admin)]
AuditedTeamAdminDep = Annotated[Organizer, Depends(audited_team_admin, scope="function")]
