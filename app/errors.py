"""Domain errors and their RFC 9457 problem+json rendering.

Services raise `AppError` subclasses; one set of handlers turns every failure (domain
errors, validation errors, unknown routes, database outages, bugs) into problem details.
"""

import logging
import traceback
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.observability import metrics

log = logging.getLogger("app.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def _where(request: Request) -> str:
    """The route template for logs ("/api/v1/calendar/{feed}.ics"): never a secret in a path."""
    return str(getattr(request.scope.get("route"), "path", "(no route)"))


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {PROBLEM_JSON: {}}}


# Error answers every API route may give, documented once for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_response("Bad request"),
    401: _problem_response("Missing or invalid credentials"),
    403: _problem_response("The credential may not do this"),
    404: _problem_response("Not found (or not yours to see)"),
    409: _problem_response("Conflict with the current state"),
    413: _problem_response("Request body too large"),
    422: _problem_response("Invalid input; `errors` lists the fields"),
    429: _problem_response("Too many requests; see Retry-After"),
    503: _problem_response("Database unavailable; nothing was saved"),
}


class AppError(Exception):
    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers
        self.extra = extra


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "Missing or invalid credentials.", **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, code, title = 404, "not-found", "Not found"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class Invalid(AppError):
    """Semantically invalid input that the schema alone cannot catch (422)."""

    status, code, title = 422, "validation-error", "Invalid input"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        located = field and field.startswith(("query.", "path.", "header."))
        loc = field.split(".") if field and located else ["body", *(field or "").split(".")]
        errors = extra.pop("errors", None) or ([{"loc": loc, "msg": detail, "type": "value_error"}] if field else [])
        super().__init__(detail, errors=errors, **extra)


class Unavailable(AppError):
    status, code, title = 503, "unavailable", "Service unavailable"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    if status == 503:
        metrics.count_unavailable(type_)
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _app_error(request: Request, exc: AppError) -> JSONResponse:
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        type_=PROBLEM_BASE + exc.code,
        instance=request.url.path,
        headers=exc.headers,
        **exc.extra,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors)
    return problem(
        422,
        "Invalid input",
        f"The request is not valid: {fields}.",
        type_=PROBLEM_BASE + "validation-error",
        instance=request.url.path,
        errors=errors,
    )


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own errors (an unknown path, a method not allowed) as problem+json."""
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(exc.status_code, title, detail, instance=request.url.path, headers=exc.headers)


async def _integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
    log.info("integrity error on %s: %s", _where(request), _describe(exc))
    return problem(
        409,
        "Conflict",
        "The change conflicts with existing data.",
        type_=PROBLEM_BASE + "conflict",
        instance=request.url.path,
    )


# PostgreSQL: a deadlock or a serialization failure (the transaction may simply run again),
# and a lock not granted within lock_timeout. SQLite: the busy timeout ran out.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
BUSY_SQLSTATES = frozenset({"55P03"})


class TransactionCollided(AppError):
    """The unit of work met a simultaneous one (e.g. at a unique index) and may run again as a
    whole (app/transactions.py); a 503 once its attempts are spent."""

    status, code, title = 503, "busy", "Service busy"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "1"})


def _describe(exc: DBAPIError) -> str:
    """A database error without the values it may quote (a duplicate key's e-mail, ...)."""
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    parts = [type(exc.orig).__name__, f"sqlstate={_sqlstate(exc)}"]
    if constraint:
        parts.append(f"constraint={constraint}")
    return " ".join(parts)


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    state = _sqlstate(exc)
    if state in RETRYABLE_SQLSTATES:
        log.info("transaction collided on %s (%s), its attempts spent", _where(request), state)
        return problem(
            503,
            "Service busy",
            "The change collided with another one made at the same moment; nothing was saved. Try again.",
            type_=PROBLEM_BASE + "busy",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )
    if state in BUSY_SQLSTATES or (isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)):
        log.warning("lock not granted in time on %s", _where(request))
        return problem(
            503,
            "Service busy",
            "The server is busy with other changes to the same data; nothing was saved. Try again.",
            type_=PROBLEM_BASE + "busy",
            instance=request.url.path,
            headers={"Retry-After": "2"},
        )
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        log.warning("database unavailable on %s: %s", _where(request), _describe(exc))
        return problem(
            503,
            "Service unavailable",
            "The database is not answering; nothing was saved. Try again.",
            type_=PROBLEM_BASE + "unavailable",
            instance=request.url.path,
            headers={"Retry-After": "2"},
        )
    return await _unexpected(request, exc)


async def _pool_timeout(request: Request, exc: PoolTimeout) -> JSONResponse:
    log.warning("no database connection free on %s", _where(request))
    return problem(
        503,
        "Service unavailable",
        "The server is too busy right now; nothing was saved. Try again.",
        type_=PROBLEM_BASE + "unavailable",
        instance=request.url.path,
        headers={"Retry-After": "2"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The exception's type and where it was raised; not its message, which may quote personal data.
    log.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        request.method,
        _where(request),
        extra={"trace": traceback.format_tb(exc.__traceback__)[-5:]},
    )
    return problem(
        500,
        "Internal server error",
        "An unexpected error occurred; it has been logged.",
        instance=request.url.path,
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _integrity_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _pool_timeout)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
