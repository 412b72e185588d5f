"""Editing a model: name clashes, concurrent edits, risk changes and metrics, as people see them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .steps import add_metric, open_tab, register_model, register_version, sign_in_as, unique_name

SHA_A = "a" * 64
SHA_B = "b" * 64

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_taken_name_is_reported_on_the_name_field(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("credit-scorer")
    sign_in("model_owner")
    register_model(page, name, owner="Risk Team", domain="finance", risk="High", purpose="Score credit applications")
    page.goto("/models")
    # When the owner registers another model with the same name in other letter case
    page.get_by_role("button", name="Register model").click()
    dialog = page.get_by_role("dialog", name="Register model")
    dialog.get_by_role("textbox", name=re.compile(r"^Name")).fill(name.upper())
    dialog.get_by_role("textbox", name=re.compile(r"^Owner")).fill("Another Team")
    dialog.get_by_role("button", name="Register", exact=True).click()
    # Then the dialog stays open and the Name field says why
    expect(dialog.get_by_text("A model with this name already exists.")).to_be_visible()
    expect(dialog.get_by_role("textbox", name=re.compile(r"^Name"))).to_have_attribute("aria-invalid", "true")


def test_a_concurrent_edit_is_caught_and_the_latest_values_reloaded(
    page: Page, second_page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]
) -> None:
    name = unique_name("churn-model")
    sign_in("admin")
    register_model(page, name, owner="CRM Team", domain="marketing", risk="Limited", purpose="Predict churn",
                   team="Payments ML (payments-ml)")  # the model owner's team, so both may edit it
    model_path = page.url.split("://", 1)[1].split("/", 1)[1]
    # Given two people have the same model's profile open for editing
    sign_in_as(second_page, stack["users"]["model_owner"], "Model owner")
    second_page.goto(f"/{model_path}")
    second_page.get_by_role("button", name="Edit profile").click()
    theirs = second_page.get_by_role("dialog", name="Edit profile")
    page.get_by_role("button", name="Edit profile").click()
    mine = page.get_by_role("dialog", name="Edit profile")
    # When the first saves a new domain
    mine.get_by_role("textbox", name="Domain", exact=True).fill("retention")
    mine.get_by_role("button", name="Save profile").click()
    expect(mine).to_be_hidden()
    # And the second, still on the old revision, saves too
    theirs.get_by_role("textbox", name="Domain", exact=True).fill("growth")
    theirs.get_by_role("button", name="Save profile").click()
    # Then the second is told the model changed, and reloading shows the first person's value
    expect(theirs.get_by_text("This model changed while you were editing")).to_be_visible()
    theirs.get_by_role("button", name="Reload latest").click()
    expect(theirs.get_by_role("textbox", name="Domain", exact=True)).to_have_value("retention")
    theirs.get_by_role("textbox", name="Domain", exact=True).fill("growth")
    theirs.get_by_role("button", name="Save profile").click()
    expect(theirs).to_be_hidden()
    expect(second_page.get_by_role("region", name="Profile", exact=True)).to_contain_text("growth")


def test_changing_the_risk_level_needs_a_justification(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("triage-assistant")
    sign_in("model_owner")
    register_model(page, name, owner="Clinical AI", domain="health", risk="Limited", purpose="Suggest triage order")
    page.get_by_role("button", name="Edit risk level").click()
    dialog = page.get_by_role("dialog", name="Edit risk level")
    dialog.get_by_role("textbox", name=re.compile(r"^Risk level")).click()
    page.get_by_role("option", name="High", exact=True).click()
    dialog.get_by_role("button", name="Save risk level").click()
    expect(dialog.get_by_text("A justification is required")).to_be_visible()
    dialog.get_by_role("textbox", name=re.compile(r"^Justification")).fill("Medical triage: Annex III 5(d) emergency services")
    dialog.get_by_role("button", name="Save risk level").click()
    expect(dialog).to_be_hidden()
    risk = page.get_by_role("region", name="Risk profile")
    expect(risk.get_by_label("Risk level: High")).to_be_visible()
    expect(risk).to_contain_text("Medical triage: Annex III 5(d) emergency services")


def test_metrics_per_version_show_their_trend(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("fraud-scorer")
    sign_in("model_owner")
    register_model(page, name, owner="ML Team", domain="finance", risk="High", purpose="Score fraud")
    register_version(page, "v1.0.0", f"s3://models/{name}/v1.0.0", SHA_A)
    register_version(page, "v1.1.0", f"s3://models/{name}/v1.1.0", SHA_B)
    versions = page.get_by_role("table", name="Versions")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("v1.1.0")
    expect(versions.get_by_role("row").nth(1)).to_contain_text(f"s3://models/{name}/v1.1.0")
    expect(versions.get_by_text(f"SHA-256 {SHA_B}")).to_have_count(1)

    open_tab(page, "Metrics")
    add_metric(page, "v1.0.0", "accuracy", "0.91")
    add_metric(page, "v1.1.0", "accuracy", "0.94")

    card = page.get_by_role("region", name="Metric accuracy")
    expect(card).to_contain_text("0.94")
    expect(card).to_contain_text("+0.03 vs previous")
    expect(card.locator("svg.recharts-surface")).to_be_visible()
    table = page.get_by_role("table", name="Metrics by version")
    expect(table.get_by_role("row", name=re.compile(r"v1\.0\.0 .*0\.91"))).to_be_visible()
