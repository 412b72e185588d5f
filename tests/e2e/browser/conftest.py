"""Real-browser tests of the dashboard: Debian's Chromium driven by Playwright against the local stack.

Each test gets a fresh browser context (so a fresh session) and leaves a full-page screenshot in
`test-artifacts/browser/<test>.png`, taken at the end of the test whether it passed or failed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.harness import CHROMIUM, CHROMIUM_ARGS

from .accessibility import AXE_SCRIPT
from .steps import sign_in_as

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
ROLE_LABELS = {"admin": "Admin", "reviewer": "Admin", "model_owner": "Model owner", "auditor": "Auditor"}

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session", autouse=True)
def _dashboard_is_built() -> None:
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.fail("frontend/dist is missing: run `npm ci && npm run build` in frontend/ first")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def web_url(stack: dict[str, Any]) -> str:
    return str(stack["web_url"]).rstrip("/")


@pytest.fixture
def page(browser: Browser, web_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=web_url, viewport={"width": 1400, "height": 900}, accept_downloads=True)
    if request.node.get_closest_marker("axe"):
        # as an init script, axe-core enters every document without an inline <script>, which the CSP forbids
        context.add_init_script(path=str(AXE_SCRIPT))
    tab = context.new_page()
    crashes: list[str] = []
    tab.on("pageerror", lambda error: crashes.append(str(error)))
    # the gateway serves the dashboard under the deployed Content-Security-Policy: nothing may break it
    tab.on("console", lambda message: crashes.append(message.text)
           if message.type == "error" and "Content Security Policy" in message.text else None)
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert not crashes, f"uncaught errors in the page: {crashes}"


@pytest.fixture
def sign_in(page: Page, stack: dict[str, Any]) -> Callable[[str], None]:
    """Signs in through the sign-in form as the demo user of `role` and waits for the model registry."""

    def _sign_in(role: str) -> None:
        sign_in_as(page, stack["users"][role], ROLE_LABELS[role])

    return _sign_in


@pytest.fixture
def second_page(browser: Browser, web_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Another person's browser (its own context and session), screenshotted like `page`."""
    context = browser.new_context(base_url=web_url, viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.second.png"), full_page=True)
    finally:
        context.close()
