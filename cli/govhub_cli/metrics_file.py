"""Reads evaluation metrics from a JSON or CSV file and cuts them into API-sized batches.

Accepted shapes:
  JSON  {"accuracy": 0.95, "f1": 0.91}
        [{"metric_name": "accuracy", "value": 0.95}, ...]
        {"metrics": [{"metric_name": "accuracy", "value": 0.95}, ...]}
  CSV   a header row with `metric_name` and `value` columns (other columns are ignored).
The whole file is validated before anything is sent, so a bad row never leaves half a report pushed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govhub_cli.errors import VALIDATION, CliError, UsageError

MAX_BATCH = 100
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class Metric:
    name: str
    value: float | int

    def as_json(self) -> dict[str, Any]:
        return {"metric_name": self.name, "value": self.value}


class MetricsFileError(CliError):
    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:20]
        more = len(problems) - len(shown)
        details = shown + ([f"... and {more} more"] if more else [])
        super().__init__(
            f"{source}: {len(problems)} invalid metric{'s' if len(problems) != 1 else ''}; nothing was pushed",
            VALIDATION,
            code="invalid_metrics_file",
            details=details,
        )


def read_metrics(path: str, fmt: str | None = None) -> list[Metric]:
    """Parses FILE (or `-` for stdin); fmt is "json", "csv" or None to decide from the name/content."""
    source = "stdin" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read metrics file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MetricsFileError(source, [f"not UTF-8 text: {exc.reason}"]) from exc
    kind = fmt or _guess_format(path, text)
    metrics = parse_json(text, source) if kind == "json" else parse_csv(text, source)
    if not metrics:
        raise MetricsFileError(source, ["the file contains no metrics"])
    return metrics


def _guess_format(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv"):
        return "csv"
    return "json" if text.lstrip().startswith(("{", "[")) else "csv"


def parse_json(text: str, source: str = "input") -> list[Metric]:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise MetricsFileError(source, [f"not valid JSON: {exc}"]) from exc
    if isinstance(data, dict) and set(data) == {"metrics"} and isinstance(data["metrics"], list):
        data = data["metrics"]
    problems: list[str] = []
    metrics: list[Metric] = []
    if isinstance(data, dict):
        for name, value in data.items():
            _collect(metrics, problems, name, value, f"key {name!r}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            where = f"item {index}"
            if not isinstance(item, dict) or "metric_name" not in item or "value" not in item:
                problems.append(f"{where}: expected an object with metric_name and value")
                continue
            _collect(metrics, problems, item["metric_name"], item["value"], where)
    else:
        problems.append("expected an object of name → value, a list of {metric_name, value}, or {\"metrics\": [...]}")
    if problems:
        raise MetricsFileError(source, problems)
    return metrics


def parse_csv(text: str, source: str = "input") -> list[Metric]:
    header = text.split("\n", 1)[0]
    dialect: Any = csv.excel_tab if "\t" in header and "," not in header else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [name.strip() for name in (reader.fieldnames or [])]
    if "metric_name" not in fields or "value" not in fields:
        raise MetricsFileError(source, [f"the header must name the columns metric_name and value (found: {', '.join(fields) or 'nothing'})"])
    reader.fieldnames = fields
    problems: list[str] = []
    metrics: list[Metric] = []
    for row in reader:
        line = reader.line_num
        name = (row.get("metric_name") or "").strip()
        raw = (row.get("value") or "").strip()
        if not name and not raw:
            continue
        value: Any = raw
        try:
            value = int(raw) if raw.lstrip("+-").isdigit() else float(raw)
        except ValueError:
            problems.append(f"line {line}: value {raw!r} is not a number")
            continue
        _collect(metrics, problems, name, value, f"line {line}")
    if problems:
        raise MetricsFileError(source, problems)
    return metrics


def _collect(metrics: list[Metric], problems: list[str], name: Any, value: Any, where: str) -> None:
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: metric_name must be a non-empty string")
        return
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        problems.append(f"{where}: metric_name {name[:20]!r}… is longer than {MAX_NAME_LENGTH} characters")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}: value of {name!r} must be a number, got {json.dumps(value)[:40]}")
        return
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{where}: value of {name!r} must be finite, got {value}")
        return
    metrics.append(Metric(name, value))


def _reject_constant(token: str) -> float:
    raise ValueError(f"{token} is not a finite number")


def batches(metrics: Sequence[Metric], size: int = MAX_BATCH) -> Iterator[list[Metric]]:
    if not 1 <= size <= MAX_BATCH:
        raise UsageError(f"--batch-size must be between 1 and {MAX_BATCH}")
    for start in range(0, len(metrics), size):
        yield list(metrics[start : start + size])
