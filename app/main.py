"""Application factory: settings, database engine, routers and problem+json handlers."""

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app import tables  # noqa: F401 - registers every table model
from app.assignment.router import router as assignment_router
from app.audit.router import router as audit_router
from app.auth.optional import document_optional_auth
from app.auth.router import router as keys_router
from app.calendars.router import router as calendars_router
from app.checkin.router import router as checkin_router
from app.common.strict import strict_query
from app.db import check_connection_budget, concurrency_limit, make_engine, make_write_gate, write_engine
from app.enrollments.router import router as enrollments_router
from app.errors import PROBLEM_RESPONSES, install_handlers
from app.events.router import router as events_router
from app.exports.router import router as exports_router
from app.health import router as health_router
from app.invitations.router import router as invitations_router
from app.me.router import router as me_router
from app.messages.dispatch import Dispatcher
from app.messages.router import router as messages_router
from app.middleware import BodySizeLimit, ConcurrencyLimit, Load, SecurityHeaders
from app.observability import logs
from app.observability.middleware import RequestContext
from app.participants.router import router as participants_router
from app.privacy.router import router as privacy_router
from app.questions.router import router as questions_router
from app.ratelimit import RateLimit, make_store
from app.recovery.router import router as recovery_router
from app.registrations.router import router as registrations_router
from app.sessions.router import router as sessions_router
from app.settings import Settings, get_settings
from app.team.router import door_router
from app.team.router import router as team_router
from app.voting.router import router as voting_router
from app.web.router import mount_web
from app.webhooks.router import router as webhooks_router

DESCRIPTION = """
Registration and workshop selection for seminars and conferences: registration with
capacity and waiting lists, self-service by a secret token, topic polls with
proportional multi-winner rules, optimal assignment to parallel workshops, exports.

Errors are RFC 9457 problem details (`application/problem+json`).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        check_connection_budget(app.state.engine, settings)
        dispatcher = None
        if settings.outbox_dispatch == "inprocess":
            dispatcher = Dispatcher(
                app.state.engine,
                settings,
                write_gate=app.state.write_gate,
                busy=partial(app.state.load.busy, settings.outbox_yield_requests),
            )
            dispatcher.start()
        app.state.dispatcher = dispatcher
        yield
        app.state.dispatcher = None
        if dispatcher is not None:
            dispatcher.stop()
        app.state.engine.dispose()

    app = FastAPI(
        title="Seminar registration and workshop selection",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(strict_query)],
        docs_url=None,  # served by mount_docs from the package's own files, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.write_gate = make_write_gate(app.state.engine, settings)
    app.state.write_engine = write_engine(app.state.engine)
    app.state.dispatcher = None
    app.state.load = Load()
    # One store for the middleware's limits and the sign-in throttle (app/team/throttle.py).
    app.state.rate_store = make_store(settings, app.state.engine)
    # Middleware added last runs first: CORS, headers, body limit, queue, rate limit, app.
    app.add_middleware(
        RateLimit,
        store=app.state.rate_store,
        limits={
            "register": settings.rate_limit_register,
            "token": settings.rate_limit_token,
            "recover": settings.rate_limit_recover,
        },
    )
    app.add_middleware(
        ConcurrencyLimit,
        limit=concurrency_limit(settings),
        wait_seconds=settings.db_lock_timeout_ms / 1000,
        load=app.state.load,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Retry-After", "Idempotent-Replayed", "Content-Disposition", "X-Request-ID"],
        )
    app.add_middleware(RequestContext)  # outermost: every answer has a request id, a log line, metrics
    install_handlers(app)
    for router in (
        health_router,
        keys_router,
        events_router,
        sessions_router,
        registrations_router,
        me_router,
        enrollments_router,
        voting_router,
        assignment_router,
        exports_router,
        checkin_router,
        audit_router,
        privacy_router,
        messages_router,
        webhooks_router,
        recovery_router,
        calendars_router,
        questions_router,
        invitations_router,
        participants_router,
        team_router,
        door_router,
    ):
        document_optional_auth(router)
        app.include_router(router, responses=PROBLEM_RESPONSES)
    mount_docs(app)
    mount_web(app)  # web pages under / and /static, after the API routes
    return app


# Swagger UI and ReDoc, served from the files the pinned `fastapi-offline` package ships:
# the interactive docs work without internet and load nothing from third parties.
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
DOCS_ASSETS_URL = "/docs/assets"
DOCS_CSP = (
    "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class _DocsAssets(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")  # revalidated by ETag
        return response


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """Allow the page's own inline script (by its hash) and scripts of this origin, nothing else."""
    inline = re.findall(rb"<script>(.*?)</script>", bytes(page.body), flags=re.S)
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(code).digest()).decode()}'" for code in inline]
    page.headers["Content-Security-Policy"] = DOCS_CSP.format(scripts=" ".join(["'self'", *hashes]))
    page.headers["Cache-Control"] = "no-cache"
    return page


def mount_docs(app: FastAPI) -> None:
    """`/docs` (Swagger UI) and `/redoc` with their scripts and styles under `/docs/assets`."""
    app.mount(DOCS_ASSETS_URL, _DocsAssets(directory=DOCS_ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_csp(
            get_swagger_ui_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{DOCS_ASSETS_URL}/favicon.png",
                swagger_ui_parameters={"validatorUrl": None},  # no badge from an online validator
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_csp(
            get_redoc_html(
                openapi_url=f"{root}{openapi_url}",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{DOCS_ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{DOCS_ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )
