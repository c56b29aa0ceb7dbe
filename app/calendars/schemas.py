from pydantic import Field

from app.common.schemas import ResponseModel


class CalendarFeedPublic(ResponseModel):
    """A personal calendar feed; the URL is shown once (only a digest of its secret is kept)."""

    url: str = Field(
        description="Subscribe to this URL in a calendar app. Anyone holding it can read the "
        "feed; make a new one (or delete it) to revoke it."
    )
