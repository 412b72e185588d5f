"""An auditor reads everything and finds no way to change anything."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .steps import go_to, open_tab

EDIT_BUTTONS = [
    "Register model",
    "Change status",
    "Edit profile",
    "Edit risk level",
    "Delete",
    "Register version",
    "Add metric",
]

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _no_edit_controls(page: Page) -> None:
    for name in EDIT_BUTTONS:
        expect(page.get_by_role("button", name=name)).to_have_count(0)


def test_auditor_finds_no_way_to_edit(page: Page, sign_in: Callable[[str], None]) -> None:
    # Given an auditor
    sign_in("auditor")
    # Then the registry offers no "Register model"
    _no_edit_controls(page)
    # And a model's page, in every tab, offers only reading and the report
    page.get_by_role("table", name="Models").locator("tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Download PDF report")).to_be_visible()
    for tab in ["Overview", "Versions", "Metrics", "Compliance check", "Audit trail"]:
        open_tab(page, tab)
        _no_edit_controls(page)
    # And the dashboard and the audit log are readable
    go_to(page, "Dashboard")
    expect(page.get_by_role("table", name="Risk level by status")).to_be_visible()
    _no_edit_controls(page)
    go_to(page, "Audit log")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    _no_edit_controls(page)
