"""Reference web pages served under `/`: plain HTML, ES modules and CSS; no build step.

The pages only call the public API under `/api/v1`. Secrets never travel in a URL sent to
the server: the registration token sits in the URL fragment (`/me#token=...`) and in
sessionStorage, the organizer key only in sessionStorage; both go in `Authorization`.
Pages are excluded from the OpenAPI document. An unknown path answers a small HTML page to a
browser navigating there (its Accept prefers text/html) and 404 problem+json to everyone else;
under `/api/` and `/static/` it is always problem+json.
"""

import logging
from pathlib import Path as FsPath

from fastapi import APIRouter, FastAPI, Path, Query, Request, status
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.db import TransactionRoute
from app.errors import http_error

log = logging.getLogger("app.web")
HERE = FsPath(__file__).resolve().parent
PAGES = HERE / "pages"
STATIC = HERE / "static"

# Scripts and styles only from files of this origin: no inline code, no third parties.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"}

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(PAGES / f"{name}.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/", response_class=FileResponse, status_code=status.HTTP_200_OK)
def home_page() -> FileResponse:
    """Published events."""
    return _page("index")


@router.get("/events/{key}", response_class=FileResponse, status_code=status.HTTP_200_OK)
def event_page(key: str = Path(min_length=1, max_length=200)) -> FileResponse:
    """One event (by id or slug): programme and registration form."""
    return _page("event")


@router.get("/events/{key}/door", response_class=FileResponse, status_code=status.HTTP_200_OK)
def door_page(key: str = Path(min_length=1, max_length=20)) -> FileResponse:
    """Check-in at the door, phone first: find people by name or scan their badges (check-in or
    organizer key; `#key=...` in the fragment signs a phone in without typing)."""
    return _page("door")


@router.get("/me", response_class=FileResponse, status_code=status.HTTP_200_OK)
def personal_page() -> FileResponse:
    """The participant's personal page; the token comes in the URL fragment, never to the server."""
    return _page("me")


@router.get("/recover", response_class=FileResponse, status_code=status.HTTP_200_OK)
def recover_page(
    event: str | None = Query(default=None, max_length=40, description="The event to preselect (read by the page)."),
) -> FileResponse:
    """Lost link: ask for a new one by e-mail; `#code=...` (from that e-mail) is exchanged in the browser.

    `?event=ID` (the link in the e-mails) preselects the event; the page reads it, so any value is served.
    """
    return _page("recover")


@router.get("/admin", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_page() -> FileResponse:
    """Organizer console: registrations, programme, polls and results, the workshop assignment, exports."""
    return _page("admin")


# The console's places (app/web/static/js/admin-places.js): one shell, the page reads the path.
CONSOLE_PLACES = ("programme", "people", "form", "polls", "assignment", "messages", "exports", "door", "team")


def _console(event_id: str, place: str = "programme") -> FileResponse:
    """The console's shell, or 404 like any unknown path (the 404 page to a browser) for what is no place."""
    if not (event_id.isascii() and event_id.isdigit() and len(event_id) <= 10) or place not in CONSOLE_PLACES:
        raise StarletteHTTPException(status.HTTP_404_NOT_FOUND)
    return _page("admin")


@router.get("/admin/events/{event_id}", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_event_page(event_id: str = Path(max_length=20)) -> FileResponse:
    """The console at an event's overview: counts and what needs doing next (the page checks the event)."""
    return _console(event_id)


@router.get("/admin/events/{event_id}/{place}", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_place_page(event_id: str = Path(max_length=20), place: str = Path(max_length=20)) -> FileResponse:
    """The console at one place of an event (programme, people, form, polls, assignment, messages, exports,
    door, team)."""
    return _console(event_id, place)


GUIDE = HERE.parents[1] / "docs" / "przewodnik-organizatora.md"  # copied into the image by the Dockerfile


@router.get("/admin/guide", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_guide() -> FileResponse:
    """The organizer's guide (Polish, Markdown) as plain text: linked from the console's header."""
    if not GUIDE.is_file():
        raise StarletteHTTPException(status.HTTP_404_NOT_FOUND)
    return FileResponse(GUIDE, media_type="text/plain; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/admin/messages", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_messages_page() -> FileResponse:
    """Organizer messages: the event's outbox, a message to participants, webhooks (signed in like /admin)."""
    return _page("admin-messages")


# --- Team access (app/team): signing in, passwords, the first owner -------------------------------
# Declared before any catch-all of the console's own views under /admin/...


@router.get("/admin/login", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_login_page(
    next: str | None = Query(
        default=None, max_length=500, description="Where to go once signed in (read by the page)."
    ),
) -> FileResponse:
    """Sign in to the console with a team account (e-mail and password): a session cookie."""
    return _page("admin-login")


@router.get("/admin/password", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_password_page() -> FileResponse:
    """Set a password from an invitation or reset link (`#token=...`, never sent to the server),
    or ask for a reset link."""
    return _page("admin-password")


@router.get("/admin/setup", response_class=FileResponse, status_code=status.HTTP_200_OK)
def admin_setup_page() -> FileResponse:
    """The team's first owner, from the one-time link `make run` prints (`#token=...`)."""
    return _page("admin-setup")


class _Static(StaticFiles):
    """Static assets, revalidated by ETag on each load (the app ships new files with new releases)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
JSON_TYPES = frozenset({"application/json", "application/problem+json"})
NEVER_HTML = ("/api/", "/static/", "/docs/assets/")  # API clients and assets: problem+json always


def wants_html(accept: str) -> bool:
    """Whether an Accept header asks for a page: text/html named with a weight above zero and at
    least that of JSON. A browser's navigation does ("text/html,...,*/*;q=0.8"); "*/*" alone
    (curl, httpx, scripts) and "application/json" do not."""
    best = {"html": 0.0, "json": 0.0}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        media = media.lower()
        kind = "html" if media in HTML_TYPES else "json" if media in JSON_TYPES else None
        if kind is not None:
            best[kind] = max(best[kind], weight)
    return best["html"] > 0 and best["html"] >= best["json"]


async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
    """404 for an unknown path: the page to a browser, problem+json to every other client."""
    path = request.url.path + "/"
    if (
        request.method in ("GET", "HEAD")
        and not path.startswith(NEVER_HTML)
        and wants_html(request.headers.get("accept", ""))
    ):
        return FileResponse(
            PAGES / "not-found.html",
            status_code=status.HTTP_404_NOT_FOUND,
            media_type="text/html; charset=utf-8",
            headers=PAGE_HEADERS,
        )
    return await http_error(request, exc)


def mount_web(app: FastAPI) -> None:
    """Add the pages and `/static` after the API routers, so they never shadow them."""
    if not (PAGES.is_dir() and STATIC.is_dir()):  # an install without package data: serve the API alone
        log.warning("web pages not found under %s; serving the API only", HERE)
        return
    app.include_router(router)
    app.mount("/static", _Static(directory=STATIC), name="static")
    app.add_exception_handler(status.HTTP_404_NOT_FOUND, not_found)  # type: ignore[arg-type]
