"""Post-market monitoring in the browser: the dashboard's needs-attention panel shows the open finding, the review that
falls due and the serious incidents with their Art. 73 countdown (overdue said in words, not colour alone); the
Incidents page records the initial report; the model page shows the plan and a trend per planned metric."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Client
from tests.monitoring import plan_body

from .accessibility import axe_violations, describe
from .steps import unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.axe]


def _monitored_model(stack: dict[str, Any]) -> dict[str, Any]:
    """A model with a plan (a review due in 3 days), a drift value outside its bound, and an overdue serious incident."""
    owner = Client(stack, "model_owner")
    model = owner.post("/models", json={"name": unique_name("churn-scorer"), "owner": "Payments ML Team", "risk_level": "limited",
                                        "intended_purpose": "Rank customers by churn risk"}).json()
    planned = owner.put(f"/models/{model['id']}/monitoring-plan", json=plan_body(review_cadence_days=3))
    assert planned.status_code == 200, planned.text
    observed = owner.post(f"/models/{model['id']}/observations", json={"observations": [
        {"metric": "drift_score", "value": 0.41, "observed_at": datetime.now(UTC).isoformat()}]})
    assert observed.status_code == 200 and observed.json()["opened"], observed.text
    aware = datetime.now(UTC) - timedelta(days=4)
    incident = owner.post("/incidents", json={
        "model_id": model["id"], "title": unique_name("Wrong churn offers"), "description": "Offers went to the wrong segment.",
        "occurred_at": (aware - timedelta(hours=3)).isoformat(), "aware_at": aware.isoformat(),
        "severity": "serious", "kind": "widespread_infringement"})
    assert incident.status_code == 201, incident.text
    swept = Client(stack, "admin").post("/admin/sweeps")
    assert swept.status_code == 200, swept.text
    return {"model": model, "incident": incident.json()}


def test_the_needs_attention_panel_shows_findings_due_reviews_and_overdue_incident_reports(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]
) -> None:
    given = _monitored_model(stack)
    model, incident = given["model"], given["incident"]
    # When the compliance officer opens the dashboard
    sign_in("admin")
    page.goto("/dashboard")
    panel = page.get_by_role("region", name="Needs attention")
    # Then the finding, the due review and the overdue report are there, each naming its model or incident
    findings = panel.get_by_role("list", name="Open monitoring findings")
    expect(findings.get_by_role("listitem").filter(has_text=model["name"])).to_contain_text("drift_score is 0.41, above the planned maximum 0.2")
    reviews = panel.get_by_role("list", name="Reviews due or overdue")
    expect(reviews.get_by_role("listitem").filter(has_text=model["name"])).to_contain_text("Due in 3 days")
    deadlines = panel.get_by_role("list", name="Incident report deadlines")
    overdue = deadlines.get_by_role("listitem").filter(has_text=incident["title"])
    expect(overdue).to_contain_text("Overdue by 2 days")
    violations = axe_violations(page, "[aria-label='Needs attention']")
    assert not violations, describe(violations, "needs attention")
    # And the incident page records the initial report with the authority's reference
    overdue.get_by_role("link", name=incident["title"]).click()
    expect(page.get_by_role("heading", level=1, name="Incidents")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=incident["title"])
    expect(row).to_contain_text("Overdue by 2 days")
    row.get_by_role("textbox", name=f"Reference of the report for incident {incident['id']}").fill("MSA-2026-0099")
    row.get_by_role("button", name="Mark initial report sent").click()
    expect(row).to_contain_text("Initial report sent")
    expect(row).to_contain_text("reported late")
    stored = Client(stack, "auditor").get(f"/incidents/{incident['id']}").json()
    assert [(s["status"], s["reference"]) for s in stored["steps"]] == [("initial_report_sent", "MSA-2026-0099")]


def test_the_model_page_shows_the_plan_a_trend_per_planned_metric_and_records_a_review(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]
) -> None:
    model = _monitored_model(stack)["model"]
    sign_in("model_owner")
    page.goto(f"/models/{model['id']}?tab=monitoring")
    expect(page.get_by_role("table", name="Planned metrics")).to_contain_text("drift_score")
    expect(page.get_by_role("figure", name="drift_score in production")).to_contain_text("1 outside the planned bounds")
    expect(page.get_by_role("list", name="Monitoring findings")).to_contain_text("Open")
    violations = axe_violations(page)
    assert not violations, describe(violations, "model monitoring")
    review = page.get_by_role("form", name="Record a periodic review")
    review.get_by_label("Notes").fill("Drift traced to a new customer segment; retraining planned")
    review.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("list", name="Recorded reviews")).to_contain_text("Drift traced to a new customer segment")
