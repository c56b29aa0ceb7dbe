from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel
from sqlalchemy import text

from app.auth.deps import metrics_reader
from app.db import TransactionRoute, open_session
from app.errors import Unavailable
from app.messages import outbox
from app.observability import metrics

router = APIRouter(route_class=TransactionRoute, tags=["health"])


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


@router.get(
    "/metrics",
    response_class=Response,
    status_code=status.HTTP_200_OK,
    responses={200: {"description": "Prometheus text format", "content": {"text/plain": {}}}},
    dependencies=[Depends(metrics_reader)],
)
def metrics_text(request: Request) -> Response:
    """Prometheus metrics of all worker processes: requests and latency by route and status,
    requests in progress and queued, database connections in use, lock waits, 503s by type,
    outbox deliveries and the outbox's messages by status. No personal data: routes are templates.

    For operators only: `Authorization: Bearer` with `METRICS_TOKEN`, `ADMIN_TOKEN` or an
    organizer key of every event (401 without, 403 for a check-in key or one limited to some
    events). Lost-link codes are left out of the outbox figures, so that a recovery request
    moves the same counters whether or not the address is registered."""
    try:
        with open_session(request.app.state.engine) as db:
            backlog: dict[str, int] | None = outbox.backlog(db)
    except Exception:  # the database is down: the process metrics still answer
        backlog = None
    body, content_type = metrics.render(backlog)
    return Response(content=body, media_type=content_type)
