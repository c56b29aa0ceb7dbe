"""Lost link: a short-lived, single-use code by e-mail, exchanged for a fresh registration token.

Asking (`request_code`) answers the same whether or not the address is registered; only a
registered address (not cancelled, not erased) gets a code, at most `per_hour` codes per
registration and hour, and a new code ends the earlier unused ones. Exchanging (`confirm`)
uses the code up and replaces the registration's token in one transaction: the old token
stops working at once.

Codes are 10 characters of Crockford's base32 (50 bits, from `secrets`), shown as
``ABCD-EFGH-JK``; they are stored only as the SHA-256 digest of their normalized form (upper
case, no spaces or dashes, O read as 0 and I, L as 1), and the e-mail carries them sealed
(app/messages/notices.py). Guessing is bounded by the per-client rate limit of both routes
(`RATE_LIMIT_RECOVER`, app/ratelimit) and the code's life (`RECOVERY_CODE_MINUTES`).

Lock order: the registration row first, then its codes (erasure, which deletes the codes
through `delete_for`, holds the registration's lock too).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.common import codes
from app.common.ids import id_of
from app.common.locking import lock
from app.common.security import digest, new_secret
from app.common.time import utcnow
from app.errors import AppError, NotFound
from app.events.service import get_event
from app.messages import notices
from app.recovery.models import RecoveryCode
from app.registrations.models import Registration, RegistrationStatus
from app.registrations.service import normalize_email

CODE_LENGTH = 10  # 32**10 = 2**50
GROUPS = (4, 4, 2)
NO_REGISTRATION = 0  # an id no row has: the statements of a miss run and match nothing


class RecoveryCodeInvalid(AppError):
    status, code, title = 400, "recovery-code-invalid", "Invalid recovery code"


@dataclass(frozen=True)
class Recovered:
    token: str
    registration_id: int
    event_id: int


def new_code() -> str:
    """A fresh code as the e-mail shows it, e.g. ``7KQ2-M9XD-4F``."""
    return codes.new_code(GROUPS)


def normalize_code(text: str) -> str | None:
    """The code as typed, in canonical form; None when it cannot be a code at all."""
    return codes.normalize_code(text, CODE_LENGTH)


def code_digest(code: str) -> str | None:
    normalized = normalize_code(code)
    return digest(normalized) if normalized is not None else None


def request_code(db: Session, *, event_id: int, email: str, minutes: int, per_hour: int) -> None:
    """Send a code to the address if it is registered for the (published) event; else nothing.

    404 only for an unknown or unpublished event (the same for every address). For a known
    event, the caller learns nothing: a registered and an unknown address run the same
    statements up to the decision (the code and its digest are made, the registration is
    looked up and locked, the recent codes counted and the earlier ones ended; a miss with an
    id no row has). What only a registered address does is the INSERT of the code, the
    rendering, sealing and INSERT of the outbox row, and a commit that writes (a few
    milliseconds: bench/README.md, "Figures behind design choices"). The route answers at a fixed time after the request
    began (app/recovery/router.py: ANSWER_SECONDS), so that does not show either, unless the
    work itself runs longer than that. An address over its hourly quota takes the miss path:
    nothing is sent, the answer is the same.
    """
    event = get_event(db, event_id=event_id)
    code = new_code()
    stored = code_digest(code)
    assert stored is not None
    now = utcnow()
    reg = db.exec(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.email_normalized == normalize_email(email),
            Registration.status != RegistrationStatus.cancelled,
            col(Registration.erased_at).is_(None),
        )
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()
    reg_id = id_of(reg) if reg is not None else NO_REGISTRATION
    recent = _issued_since(db, registration_id=reg_id, since=now - timedelta(hours=1))
    sending = reg is not None and recent < per_hour
    _end_unused(db, registration_id=reg_id if sending else NO_REGISTRATION, now=now)
    if reg is None or not sending:
        return
    db.add(
        RecoveryCode(
            registration_id=reg_id, code_digest=stored, created_at=now, expires_at=now + timedelta(minutes=minutes)
        )
    )
    notices.recovery_code(db, event=event, reg=reg, code=code, minutes=minutes)
    db.flush()


def _issued_since(db: Session, *, registration_id: int, since: datetime) -> int:
    return db.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.registration_id == registration_id, RecoveryCode.created_at > since)
    ).one()


def _end_unused(db: Session, *, registration_id: int, now: datetime) -> None:
    """Earlier codes of the registration that are still open expire now (their rows stay for the quota)."""
    db.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.registration_id) == registration_id,
            col(RecoveryCode.used_at).is_(None),
            col(RecoveryCode.expires_at) > now,
        )
        .values(expires_at=now)
    )


def confirm(db: Session, *, code: str) -> Recovered:
    """Use the code up and give its registration a fresh token (the old one stops working).

    Race-safe: of two requests with one code, the conditional UPDATE lets exactly one mark it
    used; the other gets 400 like an unknown, used or expired code (one answer for all three).
    A code of an erased registration is refused; one of a registration cancelled since it was
    sent still works (the page of a cancelled registration can still be read).
    """
    stored = code_digest(code)
    row = db.exec(select(RecoveryCode).where(RecoveryCode.code_digest == stored)).first() if stored else None
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise _invalid()
    reg = lock(db, Registration, row.registration_id)
    if reg is None or reg.erased_at is not None:
        raise _invalid()
    used = db.exec(
        update(RecoveryCode)
        .where(  # the one step two requests with one code meet at
            col(RecoveryCode.id) == id_of(row),
            col(RecoveryCode.used_at).is_(None),
            col(RecoveryCode.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(RecoveryCode.id))
    ).first()
    if used is None:
        raise _invalid()
    token = replace_token(db, registration_id=id_of(reg))
    return Recovered(token=token, registration_id=id_of(reg), event_id=reg.event_id)


def _invalid() -> RecoveryCodeInvalid:
    return RecoveryCodeInvalid("The code is unknown, already used or expired; ask for a new one.")


def replace_token(db: Session, *, registration_id: int) -> str:
    """A fresh registration token in place of the old one (which stops working), and every
    personal link sent so far revoked (`link_version` bumped).

    It writes `registrations`, owned by app/registrations: a conditional UPDATE of
    `token_digest` (and `updated_at`) alone, to move there. 404 when the registration is gone
    or erased.
    """
    token = new_secret("reg")
    changed = db.exec(
        update(Registration)
        .where(col(Registration.id) == registration_id, col(Registration.erased_at).is_(None))
        .values(token_digest=digest(token), link_version=col(Registration.link_version) + 1, updated_at=utcnow())
        .returning(col(Registration.id))
    ).first()
    if changed is None:
        raise NotFound(f"Registration {registration_id} does not exist.")
    return token


def delete_for(db: Session, *, registration_id: int) -> None:
    """Erasure: the registration's codes, used or not, are deleted."""
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.registration_id) == registration_id))
