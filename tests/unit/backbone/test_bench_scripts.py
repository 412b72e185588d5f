"""`make bench` runs each benchmark as a script (python tests/bench/bench_x.py): each must at least load that way,
with the project's modules found from its own path set-up (the benchmarks themselves are not run here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = sorted((ROOT / "tests" / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_a_benchmark_loads_as_the_script_make_bench_runs(script: Path) -> None:
    # run_path executes the module's top level (imports, path set-up) but not its `if __name__ == "__main__"` block
    code = f"import runpy, sys; sys.path[0] = {str(script.parent)!r}; runpy.run_path({str(script)!r}, run_name='loaded')"
    loaded = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=120)

    assert loaded.returncode == 0, loaded.stderr[-2000:]
