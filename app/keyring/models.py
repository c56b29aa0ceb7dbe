from datetime import datetime

from app.common.base import Field, SQLModel, created_at_field


class AppSecret(SQLModel, table=True):
    """Installation keys made on first use when SECRET_KEY is not set (app/keyring/service.py)."""

    __tablename__ = "app_secrets"

    name: str = Field(max_length=64, primary_key=True)
    value: str = Field(max_length=128)
    created_at: datetime = created_at_field()
