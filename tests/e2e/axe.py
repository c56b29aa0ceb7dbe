"""Accessibility checks inside the e2e tests: axe-core (bundled from the npm registry, test-only)
is injected into the page under test and run; serious or critical violations fail the test.

    from tests.e2e.axe import assert_accessible
    assert_accessible(page, "admin: polls")          # the whole page as it is now
    assert_accessible(page, "door", include="main")  # or one part of it

The script is evaluated through the browser's debugging protocol (Playwright's `evaluate`),
which the pages' Content-Security-Policy (`script-src 'self'`) does not apply to: the pages are
checked exactly as they are served.
"""

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA rules, plus axe's best practices that concern real users of these pages.
RUN_ONLY = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations(page: Any, *, include: str | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page (or inside the `include` selector) as they are now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        """async ([include, tags]) => {
            const context = include ? {include: [include]} : document;
            const out = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return out.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))}));
        }""",
        [include, RUN_ONLY],
    )
    return list(result)


def assert_accessible(page: Any, state: str, *, include: str | None = None) -> None:
    """No serious or critical axe violation in this page state (named in the failure)."""
    found = [v for v in violations(page, include=include) if v["impact"] in BLOCKING]
    assert not found, f"{state}: {len(found)} serious/critical accessibility violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found
    )
