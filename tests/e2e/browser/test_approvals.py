"""An approval that means what it says, in the browser: two sign-offs seal a snapshot, and the owner lowering the
risk afterwards sends the model back to review with the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Client
from tests.monitoring import plan_body

from .steps import open_tab, sign_out, start_status_change, unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TWO_SIGN_OFFS = json.loads((Path(__file__).parents[3] / "examples/policies/two-sign-offs-high-risk.json").read_text())


@pytest.fixture
def two_sign_offs_for_high_risk(stack: dict[str, Any]) -> Iterator[None]:
    """The example policy, active for this test only (the stack is shared with the other browser tests)."""
    admin = Client(stack, "admin")
    before = admin.get("/policies/active").json()
    answer = admin.put("/policies/active", json={"document": TWO_SIGN_OFFS, "reason": "Art. 14(5): two approvers"})
    assert answer.status_code == 200, answer.text
    yield
    restored = admin.put("/policies/active", json={"document": before["document"], "reason": "Back to the previous set"})
    assert restored.status_code == 200, restored.text


def _model_under_review(stack: dict[str, Any]) -> dict[str, Any]:
    owner = Client(stack, "model_owner")
    model = owner.post("/models", json={
        "name": unique_name("credit-scorer"), "owner": "Payments ML Team", "risk_level": "high", "domain": "finance",
        "risk_justification": "Creditworthiness of natural persons (Annex III 5(b))",
        "intended_purpose": "Propose a credit limit that an officer confirms",
        "data_sources": "36 months of applications with outcomes", "oversight_plan": "An officer confirms every limit",
    }).json()
    # trained and tested on the demo's documented datasets (the policy's data-governance rule, Art. 10)
    inputs = {"datasets": [{"dataset": "card-transactions-2025", "version_tag": "2025.12", "role": "training"},
                           {"dataset": "card-transactions-holdout-2025", "version_tag": "2025.12", "role": "testing"}]}
    version = owner.post("/versions", json={"model_id": model["id"], "version_tag": "v1.0.0", "s3_path": "s3://models/cs/v1",
                                            "inputs": inputs}).json()
    owner.post("/metrics", json={"version_id": version["id"], "metrics": [
        {"metric_name": "accuracy", "value": 0.94}, {"metric_name": "demographic_parity_difference", "value": 0.04}]})
    classified = owner.post(f"/models/{model['id']}/classification", json={"answers": {"annex3_5_b_credit_scoring": True}, "operator_role": "provider"})
    assert classified.status_code == 200, classified.text
    planned = owner.put(f"/models/{model['id']}/monitoring-plan", json=plan_body())  # a high-risk model's Art. 72 plan
    assert planned.status_code == 200, planned.text
    submitted = owner.patch(f"/models/{model['id']}/compliance-status", json={"status": "under_review", "reason": "Ready"})
    assert submitted.status_code == 200, submitted.text
    return model


def test_two_sign_offs_seal_the_approval_and_lowering_the_risk_reopens_it(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any], two_sign_offs_for_high_risk: None
) -> None:
    model = _model_under_review(stack)
    # Given the first approver opens the model and approves it: the dialog says how many sign-offs are needed
    sign_in("admin")
    page.goto(f"/models/{model['id']}")
    page.get_by_role("button", name="Change status").click()
    dialog = page.get_by_role("dialog", name="Change compliance status")
    dialog.get_by_role("radio", name=re.compile("^Approve ")).check()
    expect(dialog.get_by_test_id("signoff-dialog-progress")).to_contain_text("0 of 2 sign-offs")
    dialog.get_by_role("button", name="Cancel").click()
    expect(start_status_change(page, "Approve", "Risk file reviewed")).to_be_hidden()
    # Then the model stays under review with one sign-off of two
    lifecycle = page.get_by_role("region", name="Lifecycle")
    expect(page.get_by_label("Status: Under review").first).to_be_visible()
    expect(lifecycle.get_by_test_id("signoff-progress")).to_have_text("1 of 2 sign-offs")
    sign_out(page)

    # When the second approver approves it
    sign_in("reviewer")
    page.goto(f"/models/{model['id']}")
    dialog = start_status_change(page, "Approve", "Oversight plan verified")
    expect(dialog).to_be_hidden()
    # Then it is approved, and the page shows the sealed snapshot's hash, the one the API returns
    expect(page.get_by_label("Status: Approved").first).to_be_visible()
    sealed = Client(stack, "auditor").get(f"/models/{model['id']}/approval").json()["sealed"]
    expect(page.get_by_test_id("approval-sha256")).to_have_text(sealed["snapshot_sha256"])
    expect(page.get_by_role("list", name="Approved by")).to_contain_text("demo-admin")
    expect(page.get_by_role("list", name="Approved by")).to_contain_text("demo-reviewer")
    sign_out(page)

    # When the owner lowers its risk level
    sign_in("model_owner")
    page.goto(f"/models/{model['id']}")
    page.get_by_role("button", name="Edit risk level").click()
    risk = page.get_by_role("dialog", name="Edit risk level")
    risk.get_by_role("textbox", name=re.compile(r"^Risk level")).click()
    page.get_by_role("option", name="Limited", exact=True).click()
    risk.get_by_role("textbox", name=re.compile(r"^Justification")).fill("Only advisory from now on")
    risk.get_by_role("button", name="Save risk level").click()
    expect(risk).to_be_hidden()
    # Then it is back under review, with the reason, and the approval no longer in force
    expect(page.get_by_label("Status: Under review").first).to_be_visible()
    lifecycle = page.get_by_role("region", name="Lifecycle")
    expect(lifecycle).to_contain_text("approval invalidated: risk_level, risk_justification changed")
    expect(lifecycle.get_by_role("status")).to_contain_text("Approval invalidated: back under review")
    sign_out(page)

    # When an auditor asks the audit trail what held between the approval and the risk change
    reopened = Client(stack, "auditor").get(f"/models/{model['id']}").json()["updated_at"]
    between = datetime.fromisoformat(sealed["sealed_at"]) + (datetime.fromisoformat(reopened) - datetime.fromisoformat(sealed["sealed_at"])) / 2
    sign_in("auditor")
    page.goto(f"/models/{model['id']}")
    open_tab(page, "Audit trail")
    local = page.evaluate("iso => { const d = new Date(iso); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
                          " return d.toISOString().slice(0, 19); }", between.isoformat())
    as_of = page.get_by_role("form", name="State as of a moment")
    as_of.get_by_label("Date and time (your time zone)").fill(local)
    as_of.get_by_role("button", name="Show").click()
    # Then it names the approved version, its last approver and the sealed snapshot of what was approved
    answer = page.get_by_text(re.compile(r"^Approved version v1\.0\.0 by demo-reviewer"))
    expect(answer).to_be_visible()
    expect(page.get_by_text(sealed["snapshot_sha256"], exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Signed off by demo-admin .*, demo-reviewer"))).to_be_visible()
