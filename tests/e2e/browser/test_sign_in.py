"""Signing in with the Cognito user pool from the dashboard's own form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .steps import sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.mark.parametrize("role", ["admin", "model_owner", "auditor"])
def test_each_role_signs_in_and_sees_its_name_and_role(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any], role: str
) -> None:
    # Given the demo user of a role
    # When they sign in
    sign_in(role)
    # Then the header shows the product, who they are and their role, and the registry lists the models
    expect(page.get_by_role("link", name="AI Governance Hub home")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text(stack["users"][role]["username"])
    expect(page.get_by_role("table", name="Models")).to_be_visible()


def test_wrong_password_is_refused_with_a_clear_message(page: Page, stack: dict[str, Any]) -> None:
    page.goto("/signin")
    page.get_by_label("Username").fill(stack["users"]["model_owner"]["username"])
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Incorrect username or password.")
    expect(page).to_have_url(f"{stack['web_url'].rstrip('/')}/signin")


def test_a_deep_link_asks_for_sign_in_then_opens_the_page(page: Page, stack: dict[str, Any]) -> None:
    # Given someone who is not signed in follows a link to the dashboard
    page.goto("/dashboard")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # When they sign in
    page.get_by_label("Username").fill(stack["users"]["auditor"]["username"])
    page.get_by_label("Password").fill(stack["users"]["auditor"]["password"])
    page.get_by_role("button", name="Sign in").click()
    # Then they land where the link pointed
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("table", name="Risk level by status")).to_be_visible()


def test_sign_out_ends_the_session(page: Page, sign_in: Callable[[str], None]) -> None:
    sign_in("auditor")
    sign_out(page)
    page.goto("/models")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_sign_in_works_from_the_keyboard_alone(page: Page, stack: dict[str, Any]) -> None:
    user = stack["users"]["auditor"]
    page.goto("/signin")
    # The username field has focus on arrival; Tab moves to the password, Enter submits
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(user["username"])
    page.keyboard.press("Tab")
    page.keyboard.type(user["password"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Models", exact=True)).to_be_visible()
    # And the main navigation, just before the focused page heading, is reachable with Shift+Tab and followed with Enter
    dashboard = page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Dashboard")
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if dashboard.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_sign_out_revokes_the_refresh_token_at_cognito(page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]) -> None:
    # Given a signed-in auditor whose refresh token the browser holds
    sign_in("auditor")
    held = page.evaluate("() => JSON.parse(window.sessionStorage.getItem('govhub.session')).refreshToken")
    # When they sign out
    with page.expect_request(lambda r: r.headers.get("x-amz-target") == "AWSCognitoIdentityProviderService.RevokeToken") as revoked:
        sign_out(page)
    assert revoked.value.post_data_json == {"Token": held, "ClientId": stack["client_id"]}
    # Then that refresh token gets no new tokens from Cognito
    import boto3

    cognito = boto3.client("cognito-idp", endpoint_url=stack["aws_endpoint"], region_name=stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=stack["client_id"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": held})


def test_a_link_opened_in_a_new_tab_keeps_the_session(page: Page, sign_in: Callable[[str], None]) -> None:
    # Given a signed-in auditor
    sign_in("auditor")
    # When they open a deep link in a new tab (its own, empty session storage)
    tab = page.context.new_page()
    tab.goto("/audit")
    # Then the new tab shows the page, signed in, without asking for the password again
    expect(tab.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    expect(tab.get_by_test_id("current-role")).to_have_text("Auditor")
    # And signing out in the new tab signs the first tab out as well
    tab.get_by_role("button", name="Sign out").click()
    page.goto("/models")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    tab.close()
