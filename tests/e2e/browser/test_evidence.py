"""Evidence in the browser: an owner uploads a PDF (straight to the evidence bucket, with a progress bar), a second person
signs it off, and the model's Art. 9 obligation turns evidenced, naming the document and its hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .steps import go_to, open_tab, register_model, sign_out, unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PROCEDURE = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% Risk management procedure, issue 3\n%%EOF\n"


def art9(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.get_by_role("table", name="Obligations").get_by_role("row").filter(has_text=re.compile(r"^Art\. 9(?!\d)"))


def test_an_uploaded_and_signed_off_procedure_makes_art_9_evidenced(page: Page, sign_in: Callable[[str], None], tmp_path: Path) -> None:
    name = unique_name("credit-scorer")
    pdf = tmp_path / "risk-management-procedure.pdf"
    pdf.write_bytes(PROCEDURE)
    # Given a model owner's high-risk model: its risk management (Art. 9) is not evidenced
    sign_in("model_owner")
    register_model(page, name, owner="Credit Risk", domain="finance", risk="High", purpose="Score loan applications")
    open_tab(page, "Compliance check")
    expect(art9(page)).to_be_visible()
    expect(art9(page)).not_to_contain_text("Evidenced")
    # When she uploads the procedure as evidence covering Art. 9
    open_tab(page, "Evidence")
    form = page.get_by_role("form", name="Upload evidence")
    form.locator('input[type="file"]').set_input_files(str(pdf))
    form.get_by_role("textbox", name=re.compile(r"^Covers")).fill("art-9")
    form.get_by_role("button", name="Upload").click()
    # Then it is verified (its SHA-256) and waits for a second person's sign-off
    table = page.get_by_role("table", name="Evidence documents")
    row = table.get_by_role("row").filter(has_text="risk-management-procedure")
    expect(row).to_contain_text("Awaiting sign-off")
    expect(row).to_contain_text(hashlib.sha256(PROCEDURE).hexdigest())
    expect(row).to_contain_text("Another person signs off")
    sign_out(page)
    # When an administrator signs it off
    sign_in("admin")
    page.goto("/models?q=" + name[-8:])
    page.get_by_role("link", name=name, exact=True).click()
    open_tab(page, "Evidence")
    page.get_by_role("button", name="Sign off risk-management-procedure").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Sign off"))
    dialog.get_by_role("textbox", name=re.compile(r"^Reason")).fill("Matches the QMS procedure")
    dialog.get_by_role("button", name="Sign off", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("table", name="Evidence documents").get_by_role("row").filter(has_text="risk-management-procedure")).to_contain_text("Signed off")
    # Then Art. 9 is evidenced by the document, named with its hash
    open_tab(page, "Compliance check")
    expect(art9(page)).to_contain_text("Evidenced")
    expect(art9(page)).to_contain_text("risk-management-procedure (SHA-256 " + hashlib.sha256(PROCEDURE).hexdigest())
    # And the Frameworks page counts it for ISO/IEC 42001 A.5.2
    go_to(page, "Frameworks")
    page.get_by_role("textbox", name="Model").fill(name)
    page.get_by_role("option", name=name, exact=True).click()
    coverage = page.get_by_role("table", name="Coverage of ISO/IEC 42001:2023 Annex A")
    expect(coverage.get_by_role("row").filter(has_text="A.5.2")).to_contain_text("risk-management-procedure")
