"""Write docs/proof-results.md from the figures a `make proof-long` run collected (PROOF_RESULTS).

    python -m tests.infra.write_results .local/proof-results.json docs/proof-results.md <pytest exit status>
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _machine() -> dict[str, str]:
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=False).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"uname -a": uname, "nproc": str(os.cpu_count()), "python": platform.python_version(), "load average at the end": load}


def render(results: dict[str, Any], machine: dict[str, str], when: datetime) -> str:
    lines = [
        "# Proof under attack, load and faults: figures of the last long run",
        "",
        "Written by `make proof-long` (`tests/infra/write_results.py`) from the run's own measurements; "
        "`make proof` runs the same suites with CI-sized bounds. What each suite proves is in its module docstring "
        "(`tests/security`, `tests/fuzz`, `tests/concurrency`, `tests/load`, `tests/infra`).",
        "",
        f"- Date: {when.strftime('%Y-%m-%d %H:%M UTC')}",
        *[f"- {k}: `{v}`" for k, v in machine.items()],
        "- Stack: the local stack (`python -m local_stack`: moto server in its own process, the gateway, each function "
        "in up to eight warm containers answering one request at a time each) on loopback, empty registry.",
        "",
    ]
    if "outcome" in results:
        lines += [f"Outcome: **{results['outcome']}**", ""]
    if "security" in results:
        s = results["security"]
        lines += ["## Token attacks and role escalation", "",
                  f"- {s['attacks']} token attacks x {s['routes']} protected routes = {s['attacks'] * s['routes']} requests: "
                  f"all answered 401 by the gateway, nothing changed.", ""]
    if "fuzz" in results:
        f = results["fuzz"]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(f["statuses"].items()))
        lines += ["## Fuzzing (schemathesis, all checks, admin token)", "",
                  f"- {f['requests']} requests, {f['test_cases']} test cases over {f['operations']} operations "
                  f"({f['max_examples']} examples per operation and phase) in {f['seconds']} s.",
                  f"- Answers by status: {statuses}.",
                  f"- Failures: {len(f['failures']) or 'none'}.", *[f"  - {failure}" for failure in f["failures"]], ""]
    if "concurrency" in results:
        lines += ["## Concurrency", ""]
        lines += [f"- {name}: {text}" for name, text in results["concurrency"].items()]
        lines.append("")
    if "load" in results:
        load = results["load"]
        o = load["overall"]
        lines += ["## Load (Locust, headless, in a second process on loopback; reads and writes mixed)", "",
                  f"- {load['users']} virtual users for {load['seconds']} s, no think time.",
                  f"- Throughput: {o['per_second']} requests/s ({o['requests']} requests).",
                  f"- Latency: p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms.",
                  f"- Errors: {load['errors']}. Refusals a correct client can get (409 under contention, 422 from the active policy set): {load['expected_refusals'] or 'none'}.",
                  f"- Acknowledged writes: {load['acknowledged_writes']} over {load['checked_models']} models; "
                  + ("every one read back as acknowledged and found exactly once in its model's verifying audit trail."
                     if load.get("verified") else "the read-back and audit check did NOT pass (see the run's output)."),
                  "", "| request | count | req/s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {kind} | {s['requests']} | {s['per_second']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} |"
                  for kind, s in load["by_kind"].items()]
        lines.append("")
    lines += ["These are figures of the local stack on this machine, not of AWS: moto stands in for DynamoDB and S3 and "
              "every piece shares the machine's cores, so latency here is an upper bound on the code's own cost.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    results = json.loads(source.read_text()) if source.exists() else {}
    if len(argv) > 2:
        results["outcome"] = "every check passed" if argv[2] == "0" else f"FAILED (pytest exit status {argv[2]}): see the run's output"
    target.write_text(render(results, _machine(), datetime.now(UTC)))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
