"""`make bench`: every benchmark of the project, one after the other, each printing its figures and ratios.

Benchmarks that measure the running hub read `.local/stack.json`: if no hub is running (`make dev`), one is
started here for the run and stopped afterwards.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = ROOT / ".local" / "stack.json"


def _start_stack() -> subprocess.Popen | None:
    if STATE.exists():
        return None
    process = subprocess.Popen([sys.executable, "-m", "local_stack", "--state-file", str(STATE)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not STATE.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the local stack did not start for the benchmarks (are ports 3000/3001/4566 free?)")
        time.sleep(0.5)
    return process


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
            stack.send_signal(signal.SIGINT)
            stack.wait(timeout=60)
    if failures:
        print(f"\nbenchmarks that failed or missed a target: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
