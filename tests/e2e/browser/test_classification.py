"""Risk classification in the browser: the questionnaire on the model page, overrides, the EU database record."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .steps import classify, go_to, open_tab, register_model, unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_an_owner_classifies_cv_screening_and_sees_the_basis_and_dated_obligations(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("cv-screening")
    # Given a model owner registers a CV-screening model as minimal risk
    sign_in("model_owner")
    register_model(page, name, owner="People Analytics", domain="hr", risk="Minimal", purpose="Rank applications for recruiters")
    expect(page.get_by_text("Not classified").first).to_be_visible()
    # When she answers the questionnaire: recruitment (Annex III 4(a)) and, once asked, profiling
    open_tab(page, "Classification")
    form = page.get_by_role("form", name="Classification questionnaire")
    expect(form.get_by_role("checkbox", name="Art. 6(3), last subparagraph: Does the system perform profiling")).to_have_count(0)
    verdict = classify(page, ["Annex III 4(a)", "Art. 6(3), last subparagraph"])
    # Then the suggestion is high risk, each conclusion with its provision, and the model adopted it
    expect(verdict).to_contain_text("The questionnaire suggests")
    basis = verdict.get_by_role("table", name="Basis")
    expect(basis).to_contain_text("Annex III 4(a)")
    expect(basis).to_contain_text("Art. 6(3), last subparagraph")
    expect(verdict.get_by_label("Flags")).to_contain_text("registration required")
    expect(page.get_by_label("Risk level: High").first).to_be_visible()
    # And the obligations of a provider are dated, registration never evidenced by the hub
    open_tab(page, "Compliance check")
    obligations = page.get_by_role("table", name="Obligations")
    registration = obligations.get_by_role("row").filter(has_text="Art. 49(1)")
    expect(registration).to_contain_text("2027-12-02")
    expect(registration).not_to_contain_text("Evidenced")
    # And once registered, she attests it with the number; the obligation says attested, by whom
    registration.get_by_role("button", name="Attest Art. 49(1)").click()
    dialog = page.get_by_role("dialog", name="Attest Art. 49(1)")
    dialog.get_by_label("What was done").fill("Registered in the EU database under EU-AI-000123")
    dialog.get_by_label("Why you can attest it").fill("I submitted the registration")
    dialog.get_by_role("button", name="Attest", exact=True).click()
    registration = page.get_by_role("table", name="Obligations").get_by_role("row").filter(has_text="Art. 49(1)")
    expect(registration).to_contain_text("Attested")
    expect(registration).to_contain_text("Registered in the EU database under EU-AI-000123")
    # And the EU database record downloads as JSON, Section A with what is missing
    open_tab(page, "Classification")
    with page.expect_download() as download:
        page.get_by_role("button", name="EU database record (JSON)").click()
    record = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert record["required"] is True and [s["section"] for s in record["sections"]] == ["A"]
    assert any(item.startswith("A.1 ") for item in record["missing"])


def test_an_override_needs_a_justification_and_is_listed_on_the_dashboard(page: Page, sign_in: Callable[[str], None]) -> None:
    name = unique_name("loan-triage")
    sign_in("model_owner")
    register_model(page, name, owner="Lending", domain="finance", risk="High", purpose="Order loan files for analysts")
    verdict = classify(page, [], keep="High", justification="Decisions on loans stay high risk for us")
    expect(verdict).to_contain_text("Override")
    expect(verdict).to_contain_text("Justification: Decisions on loans stay high risk for us")
    go_to(page, "Dashboard")
    overrides = page.get_by_role("list", name="Classification overrides")
    expect(overrides.get_by_role("link", name=name)).to_be_visible()
