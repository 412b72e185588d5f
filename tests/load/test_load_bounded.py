"""A bounded load run from a second process, then proof that nothing it was told was written got lost.

Given the local stack, when virtual users hammer it with a mix of reads and writes for a set time
(LOAD_SECONDS, 20 s in CI; `make proof-long` runs 5 minutes), then no request fails, and every write the API
acknowledged reads back as acknowledged and is recorded exactly once in a verifying audit trail.
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
from tests.load.loadgen import format_report
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
    # When it runs the mix for the set time
    run = subprocess.run([sys.executable, "-m", "tests.load.loadgen", "--stack", str(state), "--seconds", str(SECONDS),
                          "--users", str(USERS), "--report", str(report_file)],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 300)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(report_file.read_text())
    print("\n" + format_report(report))
    writes = report["acknowledged_writes"]
    record("load", {k: v for k, v in report.items() if k not in ("acknowledged_writes", "error_samples")}
           | {"acknowledged_writes": len(writes), "checked_models": len({w["model_id"] for w in writes})})
    # Then it did real work, and nothing failed
    assert report["overall"]["requests"] > 0 and len(writes) > 0
    assert report["errors"] == 0, report["error_samples"]
    # And every acknowledged write reads back, and is in the audit trail once
    admin = Client(proof_stack, "admin")
    assert lost_writes(admin, writes) == []
    assert unaudited_writes(admin, writes) == {}
    note("load", "verified", True)
