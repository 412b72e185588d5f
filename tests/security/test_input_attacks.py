"""Input attacks against the live stack: hostile bodies, hostile text, a foreign Host, a body swapped under its
signature, and bulk requests in volume. Each is refused with a clear JSON answer (never a 500) and changes nothing.

Given the proof stack and a subject model, when the attacker (holding a real token or CI credentials) sends it,
then the answer is the documented refusal and the registry reads back as before.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.e2e.helpers import Client, sign_in
from tests.security.route_calls import operations, origin

pytestmark = pytest.mark.e2e

HIDDEN = {
    "escape sequence": "proof\x1b[2Kname",
    "NUL": "proof\x00name",
    "C1 control": "proof\x85name",
    "right-to-left override": "proof\u202eeman",
    "first strong isolate": "proof\u2068name",
    "zero width joiner": "proof\u200dname",
    "byte order mark": "\ufeffproof-name",
}


def _admin_headers(proof_stack: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(proof_stack, 'admin')['AccessToken']}", "Content-Type": "application/json"}


def test_every_body_route_answers_a_30000_deep_body_with_400(
    proof_stack: dict[str, Any], document: dict[str, Any], subject: dict[str, Any],
    take_snapshot: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    before = take_snapshot(subject)
    headers = _admin_headers(proof_stack)
    nested = "[" * 30_000 + "]" * 30_000
    answers = {}
    for op in operations(document):
        if "requestBody" not in op.spec:
            continue
        path = op.path.replace("{model_id}", str(subject["model_id"])).replace("{version_id}", str(subject["version_id"]))
        answer = requests.request(op.method, f"{origin(proof_stack['api_url'])}{path}", data=nested, headers=headers, timeout=60)
        answers[str(op)] = (answer.status_code, answer.json().get("error", {}).get("code"))
    assert answers and set(answers.values()) == {(400, "bad_request")}, answers
    assert take_snapshot(subject) == before


@pytest.mark.parametrize("text", HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_characters_are_refused_in_names_owners_tags_and_reasons(
    text: str, admin: Client, subject: dict[str, Any], take_snapshot: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    before = take_snapshot(subject)
    calls = {
        "name": admin.post("/models", json={"name": text, "owner": "Proof Team"}),
        "owner": admin.post("/models", json={"name": f"proof-{uuid.uuid4().hex[:8]}", "owner": text}),
        "version_tag": admin.post("/versions", json={"model_id": subject["model_id"], "version_tag": text, "s3_path": "s3://m/x"}),
        "reason": admin.patch(f"/models/{subject['model_id']}/compliance-status", json={"status": "retired", "reason": text}),
        "justification": admin.patch(f"/models/{subject['model_id']}/risk-profile", json={"risk_level": "high", "justification": text}),
    }
    for field, answer in calls.items():
        assert answer.status_code == 422, (field, answer.status_code, answer.text)
        assert answer.json()["error"]["details"][0]["field"] == field
    assert take_snapshot(subject) == before


def test_a_look_alike_name_collides_with_the_real_one(admin: Client, subject: dict[str, Any]) -> None:
    look_alike = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in subject["name"])  # full-width forms
    answer = admin.post("/models", json={"name": look_alike, "owner": "Proof Team"})
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["details"]["model_id"] == subject["model_id"]


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:80", "127.0.0.1.nip.io"])
def test_a_page_or_api_call_under_a_foreign_host_name_is_refused(proof_stack: dict[str, Any], host: str) -> None:
    # DNS rebinding: the attacker's page, its name now resolving to 127.0.0.1, reads with its own Host header
    target = urlsplit(proof_stack["web_url"])
    for path in ("/", "/config.json", "/api/v1/health"):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        connection.request("GET", path, headers={"Host": host})
        answer = connection.getresponse()
        body = answer.read()
        connection.close()
        assert answer.status == 403, (path, answer.status)
        assert b"clientId" not in body and b"ok" not in body


def test_the_dashboard_is_served_under_a_strict_content_security_policy(proof_stack: dict[str, Any]) -> None:
    answer = requests.get(proof_stack["web_url"], timeout=30)
    csp = {part.split()[0]: part.split()[1:] for part in answer.headers["Content-Security-Policy"].split(";") if part.strip()}
    assert csp["script-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["X-Content-Type-Options"] == "nosniff"


def test_api_answers_are_never_stored(admin: Client, subject: dict[str, Any]) -> None:
    for path in (f"/models/{subject['model_id']}", "/models", "/models/999999999"):
        assert admin.get(path).headers.get("Cache-Control") == "no-store", path


def test_a_signed_request_whose_body_was_swapped_is_refused(proof_stack: dict[str, Any], admin: Client) -> None:
    ci = proof_stack["ci"]
    url = f"{proof_stack['machine_api_url']}/models"
    signed_body = json.dumps({"name": f"proof-signed-{uuid.uuid4().hex[:8]}", "owner": "CI"}).encode()
    swapped_name = f"proof-swapped-{uuid.uuid4().hex[:8]}"
    swapped = json.dumps({"name": swapped_name, "owner": "CI"}).encode()
    request = AWSRequest(method="POST", url=url, data=signed_body, headers={
        "Content-Type": "application/json", "X-Amz-Content-Sha256": hashlib.sha256(signed_body).hexdigest()})
    request.context["timestamp"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    SigV4Auth(Credentials(ci["access_key_id"], ci["secret_access_key"]), "execute-api", proof_stack["region"]).add_auth(request)
    answer = requests.post(url, data=swapped, headers=dict(request.headers.items()), timeout=30)
    assert answer.status_code == 403, answer.text
    assert admin.get("/models", params={"name": swapped_name}).json()["items"] == []


def test_bulk_report_requests_in_volume_get_429_with_retry_after(proof_stack: dict[str, Any]) -> None:
    # Given an auditor of its own (the per-caller limit must not hold back the other suites' callers)
    cognito = boto3.client("cognito-idp", endpoint_url=proof_stack["aws_endpoint"], region_name=proof_stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    username, password = f"proof-auditor-{uuid.uuid4().hex[:6]}", "Proof-Auditor-2026!"
    cognito.admin_create_user(UserPoolId=proof_stack["user_pool_id"], Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=proof_stack["user_pool_id"], Username=username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=proof_stack["user_pool_id"], Username=username, GroupName="auditor")
    token = cognito.initiate_auth(ClientId=proof_stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": password})["AuthenticationResult"]["AccessToken"]
    auditor = Client(proof_stack, token=token)
    # When it asks for packs as fast as it can
    statuses = []
    for _ in range(20):
        answer = auditor.post("/reports/bulk", json={"q": "no-model-is-called-this"})
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            break
    # Then it is held back with a time to retry after, in the project's error shape
    assert statuses[-1] == 429, statuses
    assert answer.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
