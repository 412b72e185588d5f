"""WCAG 2.2 AA in the browser: axe-core on every page and dialog for each role, and the dashboard used by keyboard alone.

axe finds what a machine can (contrast, names, roles, landmarks); the keyboard test walks the paths a
person who cannot use a mouse takes: sign in, open a model, change its status.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .accessibility import axe_violations, describe
from .steps import open_tab, register_model, register_version, unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.axe]

PAGES = ["/dashboard", "/models", "/datasets", "/audit", "/access", "/incidents", "/teams", "/frameworks", "/frameworks?model=1&framework=eu-ai-act", "/nowhere"]
MODEL_TABS = ["Overview", "Versions", "Metrics", "Lineage", "Classification", "Compliance check", "Monitoring", "Evidence", "Audit trail"]
# Dialog opener → the dialog's accessible name, for the roles that may open them.
MODEL_DIALOGS = {
    "Edit profile": "Edit profile",
    "Edit risk level": "Edit risk level",
    "Change status": "Change compliance status",
}
TAB_DIALOGS = {"Versions": ("Register version", "Register version"), "Metrics": ("Add metric", "Add metric")}


class Scan:
    """Collects the serious and critical violations of every scanned view, to report them all at once."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: list[str] = []
        self.views: list[str] = []

    def __call__(self, where: str) -> None:
        # Everything loaded (no spinner left, not even the charts' skeletons), transitions (the modal's fade) settled
        # (a locator, not wait_for_function: the page's CSP forbids evaluating strings)
        expect(self.page.locator(".mantine-Loader-root, .mantine-Skeleton-root")).to_have_count(0)
        self.page.wait_for_timeout(250)
        self.views.append(where)
        violations = axe_violations(self.page)
        if violations:
            self.found.append(describe(violations, where))

    def dialog(self, opener: str, name: str, where: str) -> None:
        self.page.get_by_role("button", name=opener, exact=True).first.click()
        dialog = self.page.get_by_role("dialog", name=name)
        expect(dialog).to_be_visible()
        self(f"{where}: dialog {name}")
        self.page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()


def _fraud_detector(page: Page) -> None:
    page.goto("/models?q=fraud-detector")
    page.get_by_role("link", name="fraud-detector", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="fraud-detector")).to_be_visible()


def _scan_external_base_model(page: Page, scan: Scan) -> None:
    """The register-version dialog with an external base model chosen and refused (its fields and their errors)."""
    page.get_by_role("button", name="Register version", exact=True).first.click()
    dialog = page.get_by_role("dialog", name="Register version")
    dialog.get_by_role("radio", name="An external model").check()
    dialog.get_by_role("textbox", name="Documentation URL").fill("docs.example")
    dialog.get_by_role("button", name="Register version").click()
    expect(dialog.get_by_text("Provider is required")).to_be_visible()
    scan("model Versions: dialog Register version, external base model refused")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("role", ["admin", "model_owner", "auditor"])
def test_every_page_and_dialog_passes_axe(role: str, page: Page, sign_in: Callable[[str], None]) -> None:
    scan = Scan(page)
    page.goto("/signin")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scan("sign-in")
    sign_in(role)
    for path in PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        scan(path)
    # the datasets' register dialog; a dataset's page (the demo's card transactions: datasheet, versions, the models
    # on it), its datasheet editor and its flag dialog
    page.goto("/datasets")
    if role != "auditor":
        scan.dialog("Register dataset", "Register dataset", "/datasets")
    page.get_by_role("link", name="card-transactions-2025", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="card-transactions-2025")).to_be_visible()
    scan("dataset")
    if role != "auditor":
        scan.dialog("Edit datasheet", "Edit datasheet", "dataset")
        scan.dialog("Flag dataset", "Flag this dataset", "dataset")
    page.goto("/models")
    if role != "auditor":
        scan.dialog("Register model", "Register model", "/models")
    _fraud_detector(page)
    for tab in MODEL_TABS:
        open_tab(page, tab)
        scan(f"model {tab}")
        if role != "auditor" and tab in TAB_DIALOGS:
            scan.dialog(*TAB_DIALOGS[tab], where=f"model {tab}")
        if role != "auditor" and tab == "Versions":
            _scan_external_base_model(page, scan)
    if role != "auditor":
        open_tab(page, "Overview")
        for opener, name in MODEL_DIALOGS.items():
            scan.dialog(opener, name, "model")
    if role == "admin":
        scan.dialog("Delete", "Delete model", "model")
    # On a phone (the same layout for every role, so scanned once): lists as cards, the navigation drawer
    if role == "auditor":
        page.set_viewport_size({"width": 390, "height": 844})
        for path in ["/models", "/dashboard", "/audit"]:
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            scan(f"phone {path}")
        _fraud_detector(page)
        for tab in ["Metrics", "Compliance check"]:
            open_tab(page, tab)
            scan(f"phone model {tab}")
        page.get_by_role("button", name="Main navigation").click()
        scan("phone navigation open")
    assert not scan.found, f"{len(scan.found)} of {len(scan.views)} views fail WCAG 2.2 AA:\n" + "\n".join(scan.found)


def test_each_page_has_one_h1_and_its_own_title(page: Page, sign_in: Callable[[str], None]) -> None:
    sign_in("auditor")
    titles = {}
    for path, heading in [("/dashboard", "Dashboard"), ("/models", "Models"), ("/audit", "Audit log")]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page).to_have_title(f"{heading} · AI Governance Hub")
        titles[path] = page.title()
    _fraud_detector(page)
    expect(page).to_have_title("fraud-detector · AI Governance Hub")
    assert len(set(titles.values())) == len(titles)


def _tab_to(page: Page, target: Any, *, backwards: bool = False, limit: int = 40) -> None:
    """Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} never took the focus after {limit} presses of {key}")


def test_keyboard_alone_signs_in_opens_a_model_and_changes_its_status(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]
) -> None:
    # Given a model in draft, registered by an owner
    name = unique_name("keyboard-model")
    sign_in("model_owner")
    register_model(page, name, owner="A11y Team", domain="health", risk="Minimal", purpose="Sort support tickets")
    register_version(page, "v1.0.0", f"s3://models/{name}/v1.0.0", "c" * 64)
    page.get_by_role("button", name="Sign out").click()
    # When the owner signs in with the keyboard only
    user = stack["users"]["model_owner"]
    page.goto("/signin")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(user["username"])
    page.keyboard.press("Tab")
    page.keyboard.type(user["password"])
    page.keyboard.press("Enter")
    # Then the page's heading has the focus, and the skip link is the first stop of the page
    heading = page.get_by_role("heading", level=1, name="Models")
    expect(heading).to_be_focused()
    page.keyboard.press("Shift+Tab")
    for _ in range(12):
        if page.evaluate("document.activeElement?.classList.contains('skip-link')"):
            break
        page.keyboard.press("Shift+Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(heading).to_be_focused()
    # When they search for the model, follow its link and open "Change status"
    search = page.get_by_role("textbox", name="Search by name")
    _tab_to(page, search)
    expect(search).to_have_css("outline-style", "solid")
    page.keyboard.type(name[-8:])
    # the search settles (URL, then the filtered list) before the keyboard moves on, or focus would sit on a replaced row
    expect(page).to_have_url(re.compile(f"q={name[-8:]}"))
    expect(page.get_by_text("Showing all 1 model")).to_be_visible()
    link = page.get_by_role("link", name=name, exact=True)
    _tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_focused()
    change = page.get_by_role("button", name="Change status")
    _tab_to(page, change)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Change compliance status")
    expect(dialog).to_be_visible()
    # And choose "Send to review", give a reason and confirm, all from the keyboard
    radio = dialog.get_by_role("radio", name=re.compile(r"^Send to review"))
    _tab_to(page, radio)
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    reason = dialog.get_by_role("textbox", name=re.compile(r"^Reason"))
    _tab_to(page, reason)
    page.keyboard.type("Ready for the compliance team")
    confirm = dialog.get_by_role("button", name="Confirm status change")
    _tab_to(page, confirm)
    page.keyboard.press("Enter")
    # Then the model is under review
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Status: Under review").first).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
