"""axe-core in the page: WCAG 2.2 A/AA rules, reported as a readable list of what fails and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[3] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page, include: str | None = None) -> list[dict[str, Any]]:
    """Runs axe on the page (or inside the element matched by the CSS selector `include`)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        raise RuntimeError("axe-core is not in this page: mark the test `axe` (the page fixture then loads it)")
    result: dict[str, Any] = page.evaluate(
        """async ([include, tags]) => {
            const context = include ? { include: [include] } : document;
            return await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        }""",
        [include, WCAG_TAGS],
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]], where: str) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) + f"  ({node.get('failureSummary', '').splitlines()[-1].strip()})" for node in v["nodes"][:4]]
        lines.append(f"[{where}] {v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes)\n    " + "\n    ".join(targets))
    return "\n".join(lines)
