"""The seed's three usage scenarios, done by people in the browser."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from .steps import (
    add_metric,
    change_status,
    choose,
    classify,
    eventually,
    go_to,
    open_tab,
    register_model,
    register_version,
    sign_out,
    start_status_change,
    unique_name,
)

ARTIFACT_SHA = hashlib.sha256(b"fraud-detector weights").hexdigest()

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_scenario_1_owner_registers_and_submits_admin_approves(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("fraud-detector")
    # Given the model owner registers a high-risk finance model with a version
    sign_in("model_owner")
    register_model(
        page,
        name,
        owner="ML Team",
        domain="finance",
        risk="High",
        purpose="Detect fraudulent transactions",
        data_sources="24 months of labelled card transactions",
        oversight_plan="Every flag is reviewed by a fraud analyst",
    )
    expect(page.get_by_label("Risk level: High").first).to_be_visible()
    # trained and tested on the demo's documented datasets (Art. 10: the baseline policy's data-governance rule)
    register_version(page, "v1.0.0", f"s3://models/{name}/v1.0.0", ARTIFACT_SHA,
                     datasets={"Training": "card-transactions-2025@2025.12", "Testing": "card-transactions-holdout-2025@2025.12"})
    # And pushes its evaluation: accuracy and a bias metric, as the EU AI Act baseline policy asks
    open_tab(page, "Metrics")
    add_metric(page, "v1.0.0", "accuracy", "0.95")
    add_metric(page, "v1.0.0", "demographic_parity_difference", "0.03")
    # And classifies it with the EU AI Act questionnaire: fraud detection is outside Annex III 5(b), so the
    # suggestion is minimal; the team keeps high risk, with a justification (an override)
    verdict = classify(page, [], keep="High", justification="Analysts act on its flags; we keep the high-risk controls")
    expect(verdict).to_contain_text("Override")
    # And writes its post-market monitoring plan (Art. 72), as the baseline policy asks of a high-risk model
    open_tab(page, "Monitoring")
    page.get_by_role("button", name="Write a plan").click()
    page.get_by_role("form", name="Monitoring plan editor").get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("table", name="Planned metrics")).to_contain_text("drift_score")
    # And sends it to review with a reason
    change_status(page, "Send to review", "Evaluation complete, ready for compliance review")
    expect(page.get_by_label("Status: Under review").first).to_be_visible()
    model_url = page.url.split("?")[0]
    sign_out(page)

    # When an admin opens it from the dashboard's review queue and approves it with a reason
    sign_in("admin")
    page.goto("/dashboard")
    page.get_by_role("list", name="Models awaiting review", exact=True).get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(re.escape(model_url)))
    change_status(page, "Approve", "Bias and accuracy reviewed; oversight plan accepted")

    # Then the model is approved with its version recorded as the approved one
    expect(page.get_by_label("Status: Approved").first).to_be_visible()
    lifecycle = page.get_by_role("region", name="Lifecycle")
    expect(lifecycle).to_contain_text("Approved version")
    expect(lifecycle).to_contain_text("v1.0.0")
    # And the audit trail shows who approved it and why
    open_tab(page, "Audit trail")

    def approval_is_recorded() -> None:
        open_tab(page, "Audit trail")
        # the status change and the sealed approval snapshot both carry the reason
        expect(page.get_by_text("Bias and accuracy reviewed; oversight plan accepted").first).to_be_visible(timeout=3000)

    eventually(page, approval_is_recorded)
    expect(page.get_by_text("Chain intact")).to_be_visible()


def test_scenario_2_compliance_officer_filters_high_risk_and_downloads_a_report(
    page: Page, sign_in: Callable[[str], None]
) -> None:
    # Given an auditor in the model registry
    sign_in("auditor")
    # When they filter by high risk
    choose(page, page.get_by_role("region", name="Filters"), "Risk level", "High")
    expect(page).to_have_url(re.compile(r"risk_level=high"))
    table = page.get_by_role("table", name="Models")
    rows = table.locator("tbody tr")
    # Then only high-risk models are listed
    expect(table.get_by_label(re.compile(r"^Risk level: (Minimal|Limited|Unacceptable)$"))).to_have_count(0)
    expect(table.get_by_label("Risk level: High").first).to_be_visible()
    expect(table.get_by_label("Risk level: High")).to_have_count(rows.count())

    # When they open one and download its compliance report
    rows.first.get_by_role("link").first.click()
    page.get_by_role("button", name="Download PDF report").click()
    dialog = page.get_by_role("dialog", name="Compliance report ready")
    expect(dialog).to_be_visible()
    link = dialog.get_by_role("link", name="Open PDF")
    url = link.get_attribute("href")
    shown_sha = dialog.get_by_test_id("report-sha256").inner_text().strip()

    # Then the link serves a PDF whose SHA-256 is the one shown
    assert url
    pdf = requests.get(url, timeout=30)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == shown_sha
    # And the button opens it in a new tab, leaving the model page in place
    expect(link).to_have_attribute("target", "_blank")


def test_scenario_3_admin_retires_a_model_and_finds_it_in_the_audit_log(
    page: Page, sign_in: Callable[[str], None]
) -> None:
    name = unique_name("legacy-recommender")
    reason = f"Replaced by the new ranking service ({name})"
    # Given an old model in the registry
    sign_in("admin")
    register_model(page, name, owner="Growth Team", domain="e-commerce", risk="Minimal", purpose="Product recommendations")
    model_id = page.url.rstrip("/").split("/")[-1].split("?")[0]

    # When the admin retires it with a reason
    change_status(page, "Retire", reason)

    # Then it is retired, stays in the registry, and takes no further status changes
    expect(page.get_by_label("Status: Retired").first).to_be_visible()
    page.get_by_role("button", name="Change status").click()
    dialog = page.get_by_role("dialog", name="Change compliance status")
    expect(dialog).to_contain_text("no further status changes are possible")
    dialog.get_by_role("button", name="Close", exact=True).click()

    # And the audit log, filtered to this model, shows the retirement with its reason and actor
    page.goto(f"/audit?model_id={model_id}")

    def retirement_is_logged() -> None:
        records = page.get_by_role("table", name="Audit records")
        expect(records.get_by_role("row").filter(has_text=reason)).to_be_visible(timeout=3000)

    eventually(page, retirement_is_logged)
    row = page.get_by_role("table", name="Audit records").get_by_role("row").filter(has_text=reason)
    expect(row).to_contain_text("demo-admin")
    # by the model's name, linked to its page, not by its id
    expect(row.get_by_role("link", name=name, exact=True)).to_have_attribute("href", f"/models/{model_id}?tab=audit")


def test_a_refused_status_change_lists_the_failed_policy_rules(
    page: Page, sign_in: Callable[[str], None]
) -> None:
    name = unique_name("credit-limit-model")
    # Given a high-risk model with no documentation and no registered version
    sign_in("model_owner")
    register_model(page, name, owner="Lending", domain="finance", risk="High", purpose="Set credit limits")
    # When its owner sends it to review
    dialog = start_status_change(page, "Send to review", "Please review")
    # Then the dialog stays open and lists each broken rule with its article
    rules = dialog.get_by_role("list", name="Failed policy rules")
    expect(rules).to_contain_text("artifact-registered")
    expect(rules).to_contain_text("Art. 11")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_label("Status: Draft").first).to_be_visible()


def test_dashboard_shows_totals_matrix_and_charts(page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]) -> None:
    sign_in("auditor")
    go_to(page, "Dashboard")
    expect(page.get_by_role("region", name="Total models")).to_contain_text(re.compile(r"\d+"))
    expect(page.get_by_role("table", name="Risk level by status")).to_be_visible()
    expect(page.get_by_role("region", name="Models by risk level").locator("svg.recharts-surface")).to_be_visible()
    expect(page.get_by_role("region", name="Models by status").locator("svg.recharts-surface")).to_be_visible()
