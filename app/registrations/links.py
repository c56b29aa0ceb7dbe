"""Personal links: the signed, expiring credential every e-mail to a participant carries.

The registration token is stored only as a digest, so a message sent after the first one
cannot carry it. It carries instead ``{PUBLIC_BASE_URL}/me#link=<rid>.<exp>.<ver>.<mac>``:

* ``rid`` the registration, ``exp`` when the link stops (Unix seconds), ``ver`` the
  registration's `link_version` when the message was made;
* ``mac`` = base64url(HMAC-SHA256(key, "personal-link:<rid>.<exp>.<ver>")), the key derived
  from the installation's key (app/keyring), so nothing but the claims is ever stored.

The /me page sends it as ``Authorization: Bearer link.<rid>.<exp>.<ver>.<mac>``; the routes
that take a registration token take it too (app/registrations/deps.py). Bumping
`link_version` revokes every link sent so far: lost-link recovery (app/recovery), cancellation
(app/registrations/flows.py) and erasure (app/privacy). A link lives 60 days, or until 30 days
after the event when that is later.
"""

import base64
import hashlib
import hmac
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app.errors import Unauthorized
from app.keyring import service as keyring
from app.registrations.models import Registration, RegistrationStatus
from app.settings import Settings

PREFIX = "link."
PURPOSE = "personal-link"
LIFETIME = timedelta(days=60)
AFTER_EVENT = timedelta(days=30)
CLAIMS = re.compile(r"^([1-9][0-9]{0,9})\.([0-9]{1,12})\.([1-9][0-9]{0,9})$")
CREDENTIAL = re.compile(r"^link\.([1-9][0-9]{0,9}\.[0-9]{1,12}\.[1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})$")


class PersonalLinkRefused(Unauthorized):
    """A personal link that cannot be used: the answer says why and where to get a new one."""

    code, title = "personal-link", "Personal link not valid"

    def __init__(self, detail: str, *, reason: str, event_id: int | None = None) -> None:
        recover = "/recover" if event_id is None else f"/recover?event={event_id}"
        super().__init__(f"{detail} Ask for a new link at {recover}.", reason=reason, recover_url=recover)


def expiry(*, ends_on: date, now: datetime) -> int:
    """When a link made `now` for an event ending `ends_on` stops (Unix seconds)."""
    after_event = datetime.combine(ends_on, time.min, tzinfo=UTC) + AFTER_EVENT
    return int(max(now + LIFETIME, after_event).timestamp())


def claims(*, registration_id: int, expires: int, version: int) -> str:
    return f"{registration_id}.{expires}.{version}"


def _mac(key: bytes, claims_text: str) -> str:
    raw = hmac.new(key, f"{PURPOSE}:{claims_text}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def sign(db: Session, settings: Settings, claims_text: str) -> str:
    """The link's fragment value (`<claims>.<mac>`) for claims made by `claims`."""
    if CLAIMS.match(claims_text) is None:
        raise ValueError("not the claims of a personal link")
    return f"{claims_text}.{_mac(keyring.derived_key(db, settings, PURPOSE), claims_text)}"


def is_link(credential: str) -> bool:
    return credential.startswith(PREFIX)


def _verified_claims(db: Session, settings: Settings, credential: str) -> tuple[int, int, int]:
    match = CREDENTIAL.match(credential)
    if match is None:
        raise PersonalLinkRefused("This personal link is not valid (changed or cut short).", reason="invalid")
    expected = _mac(keyring.derived_key(db, settings, PURPOSE), match.group(1))
    if not hmac.compare_digest(expected.encode(), match.group(2).encode()):
        raise PersonalLinkRefused("This personal link is not valid (changed or cut short).", reason="invalid")
    rid, exp, ver = (int(part) for part in match.group(1).split("."))
    return rid, exp, ver


def resolve(db: Session, settings: Settings, credential: str, *, now: datetime) -> Registration:
    """The registration a personal link (`link.<claims>.<mac>`) opens; PersonalLinkRefused (401)
    when it was tampered with, has expired, or was revoked (a newer link, a cancellation, an erasure)."""
    rid, exp, ver = _verified_claims(db, settings, credential)
    reg = db.get(Registration, rid)
    event_id = reg.event_id if reg is not None else None
    if now.timestamp() >= exp:
        raise PersonalLinkRefused("This personal link has expired.", reason="expired", event_id=event_id)
    if (
        reg is None
        or reg.erased_at is not None
        or reg.status == RegistrationStatus.cancelled
        or not hmac.compare_digest(str(reg.link_version).encode(), str(ver).encode())
    ):
        raise PersonalLinkRefused(
            "This personal link no longer works: a newer link was sent, or the registration was cancelled.",
            reason="revoked",
            event_id=event_id,
        )
    return reg
