"""Lost link: ask for a code by e-mail, exchange it for a fresh registration token."""

import time

import anyio
from fastapi import APIRouter, Request, status
from starlette.concurrency import run_in_threadpool

from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute, request_transaction
from app.recovery import service
from app.recovery.schemas import RecoveryAccepted, RecoveryConfirm, RecoveryConfirmed, RecoveryRequest
from app.settings import SettingsDep

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["recovery"])

# Every 202 of `request_code` is sent this long after the request began, whatever the work
# took: what only a registered address costs (two INSERTs and a commit that writes, a few
# milliseconds) does not show in the answer's time. Longer than the work under ordinary load;
# the request holds its place in the worker's queue (app/middleware.py: ConcurrencyLimit)
# but no thread, connection or lock while it waits.
ANSWER_SECONDS = 0.1


def _request_code(request: Request, *, event_id: int, email: str, minutes: int, per_hour: int) -> None:
    """The work in the request's own transaction, committed before the wait."""
    with request_transaction(request) as db:
        service.request_code(db, event_id=event_id, email=email, minutes=minutes, per_hour=per_hour)


@router.post(
    "/events/{event_id}/registrations/recover", response_model=RecoveryAccepted, status_code=status.HTTP_202_ACCEPTED
)
async def request_code(
    event_id: IdPath,
    body: RecoveryRequest,
    request: Request,
    settings: SettingsDep,
) -> RecoveryAccepted:
    """Lost your link? Ask for a single-use code by e-mail.

    The answer is the same 202 whether or not the address is registered for the event: only a
    registered address (not cancelled, not erased) is sent a code, valid for `code_minutes`, at
    most `RECOVERY_PER_ADDRESS_HOUR` codes an hour; a new code ends the earlier ones. 404 only
    when the event does not exist or is not published. Rate-limited per client (429). The
    answer comes after a fixed time, so its timing does not tell either.
    """
    started = time.monotonic()
    await run_in_threadpool(
        _request_code,
        request,
        event_id=event_id,
        email=str(body.email),
        minutes=settings.recovery_code_minutes,
        per_hour=settings.recovery_per_address_hour,
    )
    await anyio.sleep(max(0.0, ANSWER_SECONDS - (time.monotonic() - started)))
    return RecoveryAccepted(
        detail="If this address is registered for the event, a code is on its way to it. "
        "Exchange it at POST /api/v1/registrations/recover/confirm.",
        code_minutes=settings.recovery_code_minutes,
    )


@router.post("/registrations/recover/confirm", response_model=RecoveryConfirmed, status_code=status.HTTP_200_OK)
def confirm(body: RecoveryConfirm, db: SessionDep) -> RecoveryConfirmed:
    """Exchange a code from the e-mail for a fresh registration token; the previous token stops working.

    The code works once. An unknown, already used or expired code: 400
    (`/problems/recovery-code-invalid`, one answer for all three). Rate-limited per client (429).
    """
    done = service.confirm(db, code=body.code)
    return RecoveryConfirmed(token=done.token, registration_id=done.registration_id, event_id=done.event_id)
