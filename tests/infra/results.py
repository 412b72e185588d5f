"""Figures of a proof run, collected into one JSON file when PROOF_RESULTS names it (`make proof-long`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def record(section: str, figures: dict[str, Any]) -> None:
    target = os.environ.get("PROOF_RESULTS")
    if not target:
        return
    path = Path(target)
    results = json.loads(path.read_text()) if path.exists() else {}
    results[section] = figures
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1))


def long_run() -> bool:
    return os.environ.get("PROOF_LONG") == "1"


def note(section: str, key: str, value: Any) -> None:
    """Add one figure to a section (several tests contribute to one)."""
    target = os.environ.get("PROOF_RESULTS")
    if not target:
        return
    path = Path(target)
    results = json.loads(path.read_text()) if path.exists() else {}
    results.setdefault(section, {})[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1))
