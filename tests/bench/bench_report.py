"""Benchmark: rendering the compliance report PDF, and how its time grows with the data.

Targets (issue "EU AI Act compliance report"): a model with 100 versions x 10 metrics and 2,000 audit
entries renders in at most 1 s; doubling every count (200 versions, 2,000 metric values, 4,000 audit
entries) costs at most 2.2x the time. Times are the median of 3 renders after one warm-up render
(fonts loaded); wall time is the gate, CPU time is printed beside it because the machine is shared.

    python tests/bench/bench_report.py            # prints the figures, exits 0
    python tests/bench/bench_report.py --strict   # exits 1 when a target is missed
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "layers" / "govhub", ROOT / "functions" / "reports", ROOT / "tests" / "unit" / "reports"):
    if str(path) not in sys.path:
        sys.path.append(str(path))

from report_pdf import render_pdf  # noqa: E402  (the function's own directory, added above)
from report_samples import report_inputs  # noqa: E402

from govhub.reports.content import build_report_content  # noqa: E402

TIME_TARGET_S = 1.0
RATIO_TARGET = 2.2
RUNS = 3


def measure(versions: int, metrics_per_version: int, audit_entries: int) -> dict[str, float]:
    """Median wall and CPU seconds of RUNS renders, plus the content assembly time and page count."""
    inputs = report_inputs(versions=versions, metrics_per_version=metrics_per_version, audit_entries=audit_entries)
    started = time.perf_counter()
    content = build_report_content(**inputs)
    assemble = time.perf_counter() - started
    pdf = render_pdf(content)  # warm-up: font files parsed once per process, as in a warm Lambda
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_pdf(content)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "assemble": assemble,
        "pages": len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)),
        "rows": versions * metrics_per_version + audit_entries + versions,
    }


def describe(label: str, result: dict[str, float]) -> str:
    return (
        f"{label:<58} render {result['wall']:.3f} s wall, {result['cpu']:.3f} s CPU"
        f"  (content {result['assemble'] * 1000:.0f} ms, {result['pages']:.0f} pages)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    strict = parser.parse_args(argv).strict

    base = measure(versions=100, metrics_per_version=10, audit_entries=2000)
    doubled = measure(versions=200, metrics_per_version=10, audit_entries=4000)
    ratio = doubled["wall"] / base["wall"]
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    print(f"Compliance report PDF (median of {RUNS} renders; load average {load:.1f} on {cores} cores)")
    if load > cores:
        print("note: the machine is busier than its cores; wall times and their ratio include waiting for a CPU")
    print(describe("100 versions, 1,000 metric values, 2,000 audit entries", base))
    print(describe("200 versions, 2,000 metric values, 4,000 audit entries", doubled))
    time_ok, ratio_ok = base["wall"] <= TIME_TARGET_S, ratio <= RATIO_TARGET
    print(f"time  {base['wall']:.3f} s  (target <= {TIME_TARGET_S} s)  {'PASS' if time_ok else 'MISS'}")
    print(
        f"ratio {ratio:.2f}x wall, {doubled['cpu'] / base['cpu']:.2f}x CPU  "
        f"(target <= {RATIO_TARGET}x)  {'PASS' if ratio_ok else 'MISS'}"
    )
    return 1 if strict and not (time_ok and ratio_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
