"""Make the layer package and the CLI importable when the suite runs from a plain checkout."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for folder in (ROOT / "layers" / "govhub", ROOT / "cli"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
