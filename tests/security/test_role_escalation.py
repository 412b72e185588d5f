"""Role escalation over HTTP: a valid token of a weaker role is refused with 403 on every route above it.

Given a subject model and a valid request for every documented route,
when the auditor (read-only), a model owner, or a signed-in user in no group calls a route their role lacks,
then the answer is 403 in the project's error shape and the registry reads back exactly as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
import requests

from govhub.auth.permissions import Permission, Role, may
from tests.e2e.helpers import sign_in
from tests.security.route_calls import Operation, call_for, operations, origin

pytestmark = pytest.mark.e2e


def _refused_routes(document: dict[str, Any], role: Role | None) -> list[Operation]:
    return [op for op in operations(document) if op.permission is not None and not may(role, op.permission)]


def _call_all(stack: dict[str, Any], document: dict[str, Any], routes: list[Operation], ids: dict[str, Any],
              token: str) -> dict[str, tuple[int, Any]]:
    answers = {}
    with requests.Session() as session:
        for op in routes:
            answer = call_for(document, op, ids).send(origin(stack["api_url"]), f"Bearer {token}", session)
            answers[str(op)] = (answer.status_code, answer.json() if answer.content else None)
    return answers


def _not_forbidden(answers: dict[str, tuple[int, Any]]) -> dict[str, tuple[int, Any]]:
    return {op: a for op, a in answers.items()
            if a[0] != 403 or not isinstance(a[1], dict) or a[1].get("error", {}).get("code") != "forbidden"}


def test_the_auditor_is_refused_every_write_route(document: dict[str, Any]) -> None:
    writes = {op.key for op in operations(document) if op.permission not in (None, Permission.READ)}
    assert writes and writes == {op.key for op in _refused_routes(document, Role.AUDITOR)}


@pytest.mark.parametrize(("role", "token_kind"), [
    (Role.AUDITOR, "IdToken"), (Role.AUDITOR, "AccessToken"), (Role.MODEL_OWNER, "IdToken"), (Role.MODEL_OWNER, "AccessToken"),
])
def test_a_weaker_role_gets_403_on_every_route_above_it_and_nothing_changes(
    role: Role, token_kind: str, proof_stack: dict[str, Any], document: dict[str, Any], subject: dict[str, Any],
    take_snapshot: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    # Given the subject as the admin sees it, and the routes the role's permissions do not cover
    routes = _refused_routes(document, role)
    assert routes, f"{role.value} is refused nothing: the permission table changed"
    before = take_snapshot(subject)
    # When the role calls each of them with a valid token
    answers = _call_all(proof_stack, document, routes, subject, sign_in(proof_stack, role.value)[token_kind])
    # Then each is a 403 `forbidden`, and nothing changed
    assert _not_forbidden(answers) == {}
    assert take_snapshot(subject) == before


def test_a_signed_in_user_in_no_group_may_not_even_read(
    proof_stack: dict[str, Any], document: dict[str, Any], subject: dict[str, Any],
    take_snapshot: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    # Given a real user of the pool who belongs to no group
    cognito = boto3.client("cognito-idp", endpoint_url=proof_stack["aws_endpoint"], region_name=proof_stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    username, password = f"nogroup-{uuid.uuid4().hex[:6]}", "No-Group-Pass-2026!"
    cognito.admin_create_user(UserPoolId=proof_stack["user_pool_id"], Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=proof_stack["user_pool_id"], Username=username, Password=password, Permanent=True)
    token = cognito.initiate_auth(ClientId=proof_stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": password})["AuthenticationResult"]["IdToken"]
    routes = _refused_routes(document, None)
    assert {op.key for op in routes} == {op.key for op in operations(document) if op.permission is not None}
    before = take_snapshot(subject)
    # When they call every protected route
    answers = _call_all(proof_stack, document, routes, subject, token)
    # Then every one is refused with 403 and nothing changed
    assert _not_forbidden(answers) == {}
    assert take_snapshot(subject) == before
