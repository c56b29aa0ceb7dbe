import re

from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.common.time import utcnow
from app.messages.models import OutboxMessage


def rows(app: FastAPI, **where: object) -> list[OutboxMessage]:
    with Session(app.state.engine) as db:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(db.exec(query).all())


def make_due(app: FastAPI) -> None:
    """Retries come due now instead of after their back-off."""
    with Session(app.state.engine) as db:
        db.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.commit()


def link_token(text: str) -> str:
    found = re.search(r"/me#token=(reg_[A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)
