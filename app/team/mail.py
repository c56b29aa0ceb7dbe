"""The team's e-mails (an invitation, a password reset), queued in the outbox in the caller's
transaction, in the team's language (`TEAM_LANGUAGE`, Polish by default). The link's token is
not stored in the body: it is sealed beside it and put in when the message is sent
(app/messages/notices.py: SECRET_MARK), like a participant's self-service link."""

from typing import Any

from sqlmodel import Session

from app.keyring import service as keyring
from app.messages import outbox, render
from app.messages.notices import SECRET_MARK, settings_of
from app.team.models import Member


def _send(db: Session, *, kind: str, member: Member, secret: str, extra: dict[str, Any]) -> None:
    settings = settings_of(db)
    language = settings.team_language
    base = settings.public_base_url.rstrip("/")
    context = {
        "name": member.name,
        "link": f"{base}/admin/password#token={SECRET_MARK}",
        "login_url": f"{base}/admin/login",
        **extra,
    }
    message = render.render(kind, language, context)
    outbox.enqueue_email(
        db,
        kind=kind,
        event_id=None,
        registration_id=None,
        to=member.email,
        to_name=member.name,
        language=language,
        subject=message.subject,
        text=message.text,
        html=message.html,
        sealed_secret=keyring.seal(db, settings, secret),
    )


def invited(db: Session, *, member: Member, token: str, inviter: str, days: int) -> None:
    _send(db, kind="team.invited", member=member, secret=token, extra={"inviter": inviter, "days": days})


def password_reset(db: Session, *, member: Member, token: str, hours: int) -> None:
    _send(db, kind="team.password_reset", member=member, secret=token, extra={"hours": hours})
