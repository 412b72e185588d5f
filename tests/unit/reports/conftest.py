"""Make the govhub layer, the reports function and the sample factory importable, however pytest is run."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[3]
for path in (_ROOT / "layers" / "govhub", _ROOT / "functions" / "reports", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.append(str(path))  # appended: never shadow what the project itself puts first
