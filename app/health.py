from fastapi import APIRouter, Request, status
from pydantic import BaseModel
from sqlalchemy import text

from app.errors import Unavailable

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/healthz", response_model=Health, status_code=status.HTTP_200_OK)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, status_code=status.HTTP_200_OK)
def readyz(request: Request) -> Health:
    """The database answers."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise Unavailable("The database is not answering.") from exc
    return Health(status="ok")
