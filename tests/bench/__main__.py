"""`make bench`: every benchmark of the project, one after the other, each printing its figures and ratios.

Benchmarks that measure the running hub read `.local/stack.json`: if no hub is running (`make dev`), one is
started here for the run and stopped afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.harness import StackProcess, start_stack

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = ROOT / ".local" / "stack.json"


def _start_stack() -> StackProcess | None:
    if STATE.exists():
        return None
    return start_stack(STATE.parent, demo_data=True)  # writes .local/stack.json, which the benchmarks read


def main() -> int:
    stack = _start_stack()
    failures = []
    try:
        for script in sorted(HERE.glob("bench_*.py")):
            print(f"\n{'=' * 100}\n{script.name}\n{'=' * 100}", flush=True)
            if subprocess.run([sys.executable, str(script)], cwd=ROOT).returncode != 0:
                failures.append(script.name)
    finally:
        if stack is not None:
            stack.stop()
    if failures:
        print(f"\nbenchmarks that failed or missed a target: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
