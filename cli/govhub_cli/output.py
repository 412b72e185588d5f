"""Human-readable tables, JSON for scripts, error messages and a small progress bar on stderr."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from govhub_cli.errors import CliError

MAX_CELL = 48

# What server text may not put on a terminal raw: controls (escape sequences can rewrite the screen or the window
# title), bidirectional overrides/isolates and zero-width characters (they disguise text). Line breaks and tabs
# the CLI's own layout uses stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def safe(text: str) -> str:
    """`text` with every unsafe character shown as its Python escape (`\\x1b`, `\\u202e`)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    text = json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False)
    # the same data for a parser; JSON already escapes C0 controls, these stay escaped too
    print(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text), file=stream or sys.stdout)


def print_text(text: str, stream: TextIO | None = None) -> None:
    print(safe(text), file=stream or sys.stdout)


def cell(value: Any, limit: int = MAX_CELL) -> str:
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    text = safe(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    cells = [[cell(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(text.ljust(w) for text, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def render_record(pairs: Sequence[tuple[str, Any]]) -> str:
    width = max((len(key) for key, _ in pairs), default=0)
    return "\n".join(f"{key.ljust(width)}  {cell(value, limit=400)}" for key, value in pairs)


def format_error(error: CliError) -> str:
    return safe("\n".join([f"govhub: error: {error.message}", *_detail_lines(error.details, "  ")]))


def _detail_lines(details: Any, indent: str) -> list[str]:
    """The server's `details`: field errors, failed policy rules, ids, one line each."""
    lines: list[str] = []
    if isinstance(details, list):
        for item in details:
            if isinstance(item, dict) and {"field", "loc", "message", "msg", "reason"} & set(item):
                label = item.get("field") or item.get("loc") or item.get("rule_id") or item.get("rule")
                text = item.get("message") or item.get("msg") or item.get("reason")
                lines.append(f"{indent}- {cell(label)}: {cell(text, limit=300)}" if label else f"{indent}- {cell(text, 300)}")
            else:
                lines.append(f"{indent}- {cell(item, limit=300)}")
    elif isinstance(details, dict):
        for key, value in details.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                lines.append(f"{indent}{key}:")
                lines += _detail_lines(value, indent + "  ")
            else:
                lines.append(f"{indent}{key}: {cell(value, limit=300)}")
    elif details is not None:
        lines.append(f"{indent}{cell(details, limit=300)}")
    return lines


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
