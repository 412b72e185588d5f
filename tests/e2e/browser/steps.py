"""What a person does in the dashboard, as reusable steps for the browser tests."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sign_in_as(page: Page, user: dict[str, str], role_label: str) -> None:
    """Signs in through the sign-in form and waits for the model registry with the role in the header."""
    page.goto("/signin")
    page.get_by_label("Username").fill(user["username"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Models", exact=True)).to_be_visible()
    expect(page.get_by_test_id("current-role")).to_have_text(role_label)


def choose(page: Page, scope: Locator | Page, label: str, option: str) -> None:
    """Picks `option` in the Mantine Select labelled `label` (its list opens in a portal on the page)."""
    scope.get_by_role("textbox", name=re.compile(f"^{re.escape(label)}")).click()
    page.get_by_role("option", name=option, exact=True).click()


def register_model(
    page: Page,
    name: str,
    *,
    owner: str,
    domain: str,
    risk: str,
    purpose: str,
    data_sources: str = "",
    oversight_plan: str = "",
    team: str = "",
) -> None:
    """From the model registry: fills the "Register model" dialog and lands on the new model's page.

    `team` is the team's label in the Team list (a model owner's only team is chosen for them)."""
    page.get_by_role("button", name="Register model").click()
    dialog = page.get_by_role("dialog", name="Register model")
    dialog.get_by_role("textbox", name=re.compile(r"^Name")).fill(name)
    dialog.get_by_role("textbox", name=re.compile(r"^Owner")).fill(owner)
    if team:
        choose(page, dialog, "Team", team)
    dialog.get_by_role("textbox", name="Domain", exact=True).fill(domain)
    choose(page, dialog, "Risk level", risk)
    dialog.get_by_label("Intended purpose").fill(purpose)
    if data_sources:
        dialog.get_by_label("Data sources").fill(data_sources)
    if oversight_plan:
        dialog.get_by_label("Human oversight plan").fill(oversight_plan)
    dialog.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_label("Status: Draft").first).to_be_visible()


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=re.compile(f"^{re.escape(name)}")).click()


def register_version(page: Page, tag: str, s3_path: str, sha256: str, datasets: dict[str, str] | None = None) -> None:
    """On the Versions tab; `datasets` maps a role (Training, Validation, Testing) to the NAME@TAG it declares."""
    open_tab(page, "Versions")
    page.get_by_role("button", name="Register version").click()
    dialog = page.get_by_role("dialog", name="Register version")
    dialog.get_by_role("textbox", name=re.compile(r"^Version tag")).fill(tag)
    dialog.get_by_role("textbox", name=re.compile(r"^Artifact location")).fill(s3_path)
    dialog.get_by_role("textbox", name=re.compile(r"^SHA-256")).fill(sha256)
    for role, declared in (datasets or {}).items():
        dialog.get_by_role("textbox", name=f"{role} dataset").fill(declared)
    dialog.get_by_role("button", name="Register version").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("table", name="Versions").get_by_text(tag, exact=True)).to_be_visible()


def add_metric(page: Page, version: str, metric: str, value: str) -> None:
    """On the Metrics tab: records one evaluation result for a version."""
    page.get_by_role("button", name="Add metric").click()
    dialog = page.get_by_role("dialog", name="Add metric")
    dialog.get_by_role("textbox", name=re.compile(r"^Version")).click()
    page.get_by_role("option", name=version, exact=True).click()
    dialog.get_by_role("textbox", name=re.compile(r"^Metric name")).fill(metric)
    dialog.get_by_role("textbox", name=re.compile(r"^Value")).fill(value)
    dialog.get_by_role("button", name="Add metric").click()
    expect(dialog).to_be_hidden()


def start_status_change(page: Page, option: str, reason: str) -> Locator:
    """Fills the "Change status" dialog and confirms; answers the dialog (still open if refused)."""
    page.get_by_role("button", name="Change status").click()
    dialog = page.get_by_role("dialog", name="Change compliance status")
    dialog.get_by_role("radio", name=re.compile(f"^{re.escape(option)} ")).check()
    dialog.get_by_role("textbox", name=re.compile(r"^Reason")).fill(reason)
    dialog.get_by_role("button", name="Confirm status change").click()
    return dialog


def change_status(page: Page, option: str, reason: str) -> None:
    """Opens "Change status", picks the radio whose label starts with `option`, gives the reason, confirms."""
    expect(start_status_change(page, option, reason)).to_be_hidden()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def eventually(page: Page, check: Callable[[], None], *, timeout_s: float = 20.0, reload: bool = True) -> None:
    """Retries `check` (reloading the page between tries) until it passes: the audit trail is written
    asynchronously from the table's stream, a moment after the change commits."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            if reload:
                page.reload()


def go_to(page: Page, section: str) -> None:
    """Follows a link of the main navigation (Dashboard, Models, Audit log)."""
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=section, exact=True).click()


def classify(page: Page, answers: list[str], *, keep: str | None = None, justification: str = "") -> Locator:
    """On a model's page: ticks the questionnaire statements whose labels start with `answers` (e.g. "Annex III 4(a)"),
    keeps the level `keep` ("High") with a justification or adopts the suggestion, and waits for the verdict."""
    open_tab(page, "Classification")
    form = page.get_by_role("form", name="Classification questionnaire")
    for provision in answers:
        form.get_by_role("checkbox", name=re.compile(f"^{re.escape(provision)}:")).check()
    if keep is not None:
        choose(page, form, "Risk level of the model", f"Keep / set {keep}")
        form.get_by_label("Justification of the override").fill(justification)
    form.get_by_role("button", name="Classify").click()
    verdict = page.get_by_role("region", name="Classification result")
    expect(verdict).to_be_visible()
    return verdict
