"""Human-readable tables, JSON for scripts, error messages and a small progress bar on stderr."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from govhub_cli.errors import CliError

MAX_CELL = 48


def print_json(value: Any, stream: TextIO | None = None) -> None:
    print(json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False), file=stream or sys.stdout)


def cell(value: Any, limit: int = MAX_CELL) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    cells = [[cell(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(text.ljust(w) for text, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def render_record(pairs: Sequence[tuple[str, Any]]) -> str:
    width = max((len(key) for key, _ in pairs), default=0)
    return "\n".join(f"{key.ljust(width)}  {cell(value, limit=400)}" for key, value in pairs)


def format_error(error: CliError) -> str:
    lines = [f"govhub: error: {error.message}"]
    details = error.details
    if isinstance(details, list):
        for item in details:
            if isinstance(item, dict) and ("field" in item or "message" in item):
                field = item.get("field") or item.get("loc") or "-"
                lines.append(f"  - {cell(field)}: {cell(item.get('message') or item.get('msg'), limit=200)}")
            else:
                lines.append(f"  - {cell(item, limit=200)}")
    elif isinstance(details, dict):
        for key, value in details.items():
            lines.append(f"  {key}: {cell(value, limit=200)}")
    elif details is not None:
        lines.append(f"  {cell(details, limit=200)}")
    return "\n".join(lines)


class ProgressBar:
    """A one-line bar redrawn in place on a terminal; silent when stderr is not a TTY (CI logs)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        if self.enabled:
            self._draw()

    def close(self) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, width: int = 30) -> None:
        filled = int(width * self.done / self.total)
        elapsed = time.monotonic() - self._started
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:5.1f}s")
        self.stream.flush()
