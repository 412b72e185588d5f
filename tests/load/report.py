"""The load run's report: throughput and latency percentiles per request kind and overall, from Locust's timings."""

from __future__ import annotations

import statistics
from typing import Any


def percentile(samples_ms: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not samples_ms:
        return 0.0
    ordered = sorted(samples_ms)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(samples_ms: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests": len(samples_ms),
        "per_second": round(len(samples_ms) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(samples_ms, 0.50), 1),
        "p95_ms": round(percentile(samples_ms, 0.95), 1),
        "p99_ms": round(percentile(samples_ms, 0.99), 1),
        "mean_ms": round(statistics.fmean(samples_ms), 1) if samples_ms else 0.0,
    }


def format_report(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [
        (f"load: {report['users']} users for {report['seconds']} s: {overall['requests']} requests, "
         f"{overall['per_second']} req/s, p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, p99 {overall['p99_ms']} ms, "
         f"errors {report['errors']}, acknowledged writes {len(report['acknowledged_writes'])}, "
         f"expected refusals {report['expected_refusals'] or 0}"),
        f"  {'kind':<18}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}",
    ]
    for kind, s in report["by_kind"].items():
        lines.append(f"  {kind:<18}{s['requests']:>9}{s['per_second']:>8}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}")
    return "\n".join(lines)
