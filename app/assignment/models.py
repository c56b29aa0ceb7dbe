from app.common.base import Field, SQLModel


class Preference(SQLModel, table=True):
    """A participant's ranking of workshops (rank 0 = most wanted), across all time slots."""

    __tablename__ = "preferences"

    registration_id: int = Field(foreign_key="registrations.id", ondelete="CASCADE", primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", ondelete="CASCADE", primary_key=True)
    rank: int
