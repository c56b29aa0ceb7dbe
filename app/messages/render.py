"""Rendering messages: Jinja2 text templates in Polish and English, an HTML version from the text.

A template's first line is the subject, then a blank line, then the text. Organizers may
replace both per event, kind and language (`message_templates`); their templates run in a
narrowed, size-bounded sandbox (app/messages/sandbox.py) with the same variables, and one that
fails when a message is made gives way to the built-in text (`render_or_builtin`). The HTML
part is the text, escaped, in paragraphs with its links made clickable, inside one layout; so
the two parts always say the same.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.messages import sandbox
from app.messages.sandbox import TemplateInvalid as TemplateInvalid

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("pl", "en")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
URL = re.compile(r"https?://[^\s<>\"]+")

MONTHS = {
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


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
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _split(rendered: str) -> tuple[str, str]:
    subject, _, text = rendered.strip().partition("\n")
    return one_line(subject), text.strip() + "\n"


def render(kind: str, language: str, context: dict[str, Any], *, override: tuple[str, str] | None = None) -> Rendered:
    """The message of `kind` in `language`; `override` is an organizer's (subject, text), and
    TemplateInvalid says why it cannot be used (any error it raises, a message too long)."""
    if override is not None:
        subject = one_line(_run(override[0], context))
        text = _run(override[1], context).strip() + "\n"
    else:
        subject, text = _split(_files().get_template(f"{language}/{kind}.txt").render(context))
    return Rendered(subject=subject, text=text, html=_html(text, title=subject, language=language))


def render_or_builtin(
    kind: str, language: str, context: dict[str, Any], *, override: tuple[str, str] | None = None
) -> tuple[Rendered, str | None]:
    """As `render`, but an organizer's template that fails gives way to the built-in text, with
    the reason: a message is never lost (nor the decision that sends it) to a template."""
    try:
        return render(kind, language, context, override=override), None
    except TemplateInvalid as exc:
        return render(kind, language, context), f"The organizer's template was not used: {exc.reason}"[:300]


def variables(source: str) -> frozenset[str]:
    """The variables a template reads (TemplateInvalid when it cannot be used at all)."""
    return sandbox.compiled(sandbox.environment(TEMPLATES), source)[1]


def _run(source: str, context: dict[str, Any]) -> str:
    try:
        template, _ = sandbox.compiled(sandbox.environment(TEMPLATES), source)
        return sandbox.render(template, context)
    except TemplateInvalid:
        raise
    except Exception as exc:  # whatever an organizer's template raises only stops its use
        where = _template_line(exc)
        raise TemplateInvalid(
            f"{where}{type(exc).__name__}: {exc}", reason=f"{where}it raised {type(exc).__name__}"
        ) from exc


def _template_line(exc: BaseException) -> str:
    """`line N: ` of the template line that raised (Jinja maps its frames to template lines)."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"line {line}: " if line else ""
