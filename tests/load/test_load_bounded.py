"""A bounded load run from a second process (Locust, headless), then proof that nothing it was told was written got lost.

Given the local stack, when Locust's virtual users hammer it with a mix of reads and writes for a set time
(LOAD_SECONDS, 20 s in CI; `make proof-long` runs 5 minutes; the mix is tests/load/locustfile.py), then no
request fails, and every write the API acknowledged reads back as acknowledged and is recorded exactly once in
a verifying audit trail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import Client
from tests.harness import ROOT
from tests.infra.results import long_run, note, record
from tests.load.report import format_report
from tests.load.verify import lost_writes, unaudited_writes

pytestmark = pytest.mark.e2e

SECONDS = float(os.environ.get("LOAD_SECONDS", "300" if long_run() else "20"))
USERS = int(os.environ.get("LOAD_USERS", "12"))


@pytest.mark.timeout(SECONDS + 900)
def test_a_bounded_load_run_loses_nothing(proof_stack: dict[str, Any], tmp_path: Path) -> None:
    # Given the stack's state file, and a second process to drive the load
    state = tmp_path / "stack.json"
    state.write_text(json.dumps(proof_stack))
    report_file = tmp_path / "load.json"
    # When Locust runs the mix for the set time
    command = [sys.executable, "-m", "locust", "-f", "tests/load/locustfile.py", "--headless", "--only-summary",
               "--users", str(USERS), "--spawn-rate", str(USERS), "--run-time", f"{round(SECONDS)}s", "--stop-timeout", "30",
               "--host", proof_stack["api_url"], "--loglevel", "WARNING"]
    env = os.environ | {"GOVHUB_STACK": str(state), "LOAD_REPORT": str(report_file)}
    run = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS + 300)
    assert report_file.exists(), run.stderr[-3000:]
    report = json.loads(report_file.read_text())
    print("\n" + format_report(report))
    writes = report["acknowledged_writes"]
    record("load", {k: v for k, v in report.items() if k not in ("acknowledged_writes", "error_samples")}
           | {"acknowledged_writes": len(writes), "checked_models": len({w["model_id"] for w in writes})})
    # Then it did real work, and nothing failed
    assert report["overall"]["requests"] > 0 and len(writes) > 0
    assert report["errors"] == 0 and run.returncode == 0, (report["error_samples"], run.stderr[-3000:])
    # And every acknowledged write reads back, and is in the audit trail once
    admin = Client(proof_stack, "admin")
    assert lost_writes(admin, writes) == []
    assert unaudited_writes(admin, writes) == {}
    note("load", "verified", True)
