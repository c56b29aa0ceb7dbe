"""Rendering messages: Jinja2 text templates in Polish and English, an HTML version from the text.

A template's first line is the subject, then a blank line, then the text. Organizers may
replace both per event, kind and language (`message_templates`); their templates run in
Jinja's sandbox with the same variables. The HTML part is the text, escaped, in paragraphs
with its links made clickable, inside one layout; so the two parts always say the same.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("pl", "en")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
URL = re.compile(r"https?://[^\s<>\"]+")

MONTHS = {
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


class TemplateInvalid(ValueError):
    """An organizer's template does not render (syntax, unknown variable)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def day(value: date, language: str) -> str:
    return f"{value.day} {MONTHS[language][value.month - 1]} {value.year}"


def date_range(first: date, last: date, language: str) -> str:
    """29–30 listopada 2022; 30 listopada – 1 grudnia 2022; 31 grudnia 2022 – 1 stycznia 2023."""
    months = MONTHS[language]
    if first == last:
        return day(first, language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {months[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {months[first.month - 1]} – {last.day} {months[last.month - 1]} {last.year}"
    return f"{day(first, language)} – {day(last, language)}"


def when(starts_at: datetime, ends_at: datetime, timezone: str, language: str) -> str:
    """A session's day and time in the event's time zone: 29 listopada 2022, 14:00–15:30."""
    tz = ZoneInfo(timezone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return f"{day(start.date(), language)}, {start:%H:%M}–{end:%H:%M}"


def one_line(value: str) -> str:
    """Header-safe: control characters (CR, LF...) become spaces."""
    return " ".join(CONTROL.sub(" ", value).split())


def _html(text: str, *, title: str, language: str) -> str:
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(block))
        linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(Markup("<p>" + linked.replace("\n", "<br>\n") + "</p>"))
    return _files().get_template("layout.html").render(title=title, paragraphs=paragraphs, language=language)


@lru_cache
def _files() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


@lru_cache
def _sandbox() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False,
                                trim_blocks=True, lstrip_blocks=True)


def _split(rendered: str) -> tuple[str, str]:
    subject, _, text = rendered.strip().partition("\n")
    return one_line(subject), text.strip() + "\n"


def render(kind: str, language: str, context: dict[str, Any], *, override: tuple[str, str] | None = None) -> Rendered:
    """The message of `kind` in `language`; `override` is an organizer's (subject, text)."""
    if override is not None:
        subject_src, text_src = override
        env = _sandbox()
        try:
            subject = one_line(env.from_string(subject_src).render(context))
            text = env.from_string(text_src).render(context).strip() + "\n"
        except TemplateError as exc:
            raise TemplateInvalid(str(exc)) from exc
    else:
        subject, text = _split(_files().get_template(f"{language}/{kind}.txt").render(context))
    return Rendered(subject=subject, text=text, html=_html(text, title=subject, language=language))


def check_override(subject: str, text: str, context: dict[str, Any]) -> Rendered:
    """Render an organizer's template with sample data: 422 material before it is saved."""
    return render("override", "pl", context, override=(subject, text))


def kinds() -> list[str]:
    return sorted(p.stem for p in (TEMPLATES / "pl").glob("*.txt") if not p.stem.startswith("_"))
