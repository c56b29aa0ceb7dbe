"""A rate-limit store in the shared database, so limits hold across worker processes."""

from sqlalchemy import Engine, text

from app.common.base import Field, SQLModel


class RateLimitWindow(SQLModel, table=True):
    __tablename__ = "rate_limit_windows"

    key: str = Field(max_length=200, primary_key=True)
    window_start: int = Field(primary_key=True)
    count: int = 0


class DatabaseStore:
    """Counts with one upsert per request in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def hit(self, key: str, window_start: int) -> int:
        with self.engine.begin() as conn:
            count: int = conn.execute(
                text(
                    "INSERT INTO rate_limit_windows (key, window_start, count) VALUES (:k, :w, 1) "
                    "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1 "
                    "RETURNING count"
                ),
                {"k": key, "w": window_start},
            ).scalar_one()
            if count == 1:  # first hit of a window: forget windows older than a few minutes
                conn.execute(
                    text("DELETE FROM rate_limit_windows WHERE window_start < :old"), {"old": window_start - 600}
                )
        return count

    def undo(self, key: str, window_start: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE rate_limit_windows SET count = count - 1 WHERE key = :k AND window_start = :w AND count > 0"
                ),
                {"k": key, "w": window_start},
            )
