"""Printable HTML: sign-in sheets for sessions and name badges with check-in QR codes.

Every value from the database goes through `html.escape`; nothing else is interpolated.
Pages are self-contained (inline CSS and SVG), A4, and print without browser chrome.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

import segno

_PAGE = """<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #000; margin: 0; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm; }}
p.meta {{ margin: 0 0 5mm; }}
table.sheet {{ width: 100%; border-collapse: collapse; }}
table.sheet th, table.sheet td {{ border: 1px solid #444; padding: 2mm; text-align: left; vertical-align: middle; }}
table.sheet thead {{ display: table-header-group; }}
table.sheet tr {{ page-break-inside: avoid; height: 10mm; }}
td.no {{ width: 8mm; text-align: right; }} td.sign {{ width: 55mm; }}
.badges {{ display: flex; flex-wrap: wrap; gap: 4mm; }}
.badge {{ width: 88mm; height: 56mm; border: 1px dashed #888; box-sizing: border-box; padding: 4mm;
  display: flex; justify-content: space-between; page-break-inside: avoid; break-inside: avoid; }}
.badge .who {{ display: flex; flex-direction: column; justify-content: space-between; overflow: hidden; }}
.badge .event {{ font-size: 8pt; color: #333; }}
.badge .name {{ font-size: 16pt; font-weight: bold; line-height: 1.15; }}
.badge .org {{ font-size: 9.5pt; }}
.badge .qr {{ display: flex; flex-direction: column; align-items: center; font: 7pt monospace; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=body)


def _when(start: datetime, end: datetime, zone_name: str) -> str:
    same_day = start.date() == end.date()
    last = end.strftime("%H:%M") if same_day else end.strftime("%Y-%m-%d %H:%M")
    return f"{start.strftime('%Y-%m-%d %H:%M')}–{last} ({zone_name})"


def sign_in_sheet(
    *,
    event_title: str,
    session_title: str,
    room: str | None,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    people: Iterable[tuple[str, str, str]],
) -> str:
    """A table: number, last name, first name, organization, an empty signature cell.

    `starts_at` / `ends_at` are wall-clock times in the event's zone; `people` are
    (last name, first name, organization) in the order to print.
    """
    rows = "\n".join(
        f'<tr><td class="no">{n}</td><td>{escape(last)}</td><td>{escape(first)}</td>'
        f'<td>{escape(org)}</td><td class="sign"></td></tr>'
        for n, (last, first, org) in enumerate(people, start=1)
    )
    body = (
        f"<h1>{escape(session_title)}</h1>\n"
        f'<p class="meta">{escape(event_title)}<br>Sala: {escape(room or "—")} · '
        f"{escape(_when(starts_at, ends_at, zone_name))}</p>\n"
        '<table class="sheet">\n<thead><tr><th class="no">Lp.</th><th>Nazwisko</th><th>Imię</th>'
        "<th>Instytucja</th><th>Podpis</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )
    return _page(f"Lista obecności – {session_title}", body)


def qr_svg(data: str) -> str:
    """An inline SVG QR code (error correction M: survives a crease or a smudge)."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=3, border=2)


def badges(*, event_title: str, people: Sequence[tuple[str, str, str, str | None, str]]) -> str:
    """Name badges, 88 x 56 mm: name, organization, partnership, and the check-in QR code.

    `people` are (first name, last name, organization, partnership, check-in code).
    """
    cards = []
    for first, last, org, partnership, code in people:
        extra = f"<br>{escape(partnership)}" if partnership else ""
        cards.append(
            '<div class="badge"><div class="who">'
            f'<div class="event">{escape(event_title)}</div>'
            f'<div class="name">{escape(first)}<br>{escape(last)}</div>'
            f'<div class="org">{escape(org)}{extra}</div></div>'
            f'<div class="qr">{qr_svg(code)}<span>{escape(code)}</span></div></div>'
        )
    return _page(f"Identyfikatory – {event_title}", '<div class="badges">\n' + "\n".join(cards) + "\n</div>")
