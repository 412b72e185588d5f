"""The SigV4 machine API of the local stack: signed CI calls pass, everything else is 403 as in API Gateway."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.e2e


def _signed(stack: dict, method: str, path: str, body: dict | None = None, *, secret: str | None = None,
            at: datetime | None = None, headers: dict | None = None) -> requests.Response:
    url = f"{stack['machine_api_url']}{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    credentials = Credentials(stack["ci"]["access_key_id"], secret or stack["ci"]["secret_access_key"])
    signer = SigV4Auth(credentials, "execute-api", stack["region"])
    if at is None:
        signer.add_auth(request)
    else:  # sign as a client whose clock (or replayed request) is at `at`
        stamp = at.strftime("%Y%m%dT%H%M%SZ")
        request.headers["X-Amz-Date"] = stamp
        request.context["timestamp"] = stamp
        signature = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        signed = signer.signed_headers(signer.headers_to_sign(request))
        request.headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{signer.credential_scope(request)}, "
                                            f"SignedHeaders={signed}, Signature={signature}")
    return requests.request(method, url, data=data, headers=dict(request.headers), timeout=30)


def test_a_signed_pipeline_registers_versions_measures_and_requests_review(stack: dict) -> None:
    name = f"ci-model-{uuid.uuid4().hex[:6]}"
    model = _signed(stack, "POST", "/models", {"name": name, "owner": "ML Team", "risk_level": "high"})
    assert model.status_code == 201, model.text
    assert model.json()["created_by"] == "ci:govhub-local-ci/local-ci"  # the role, and the session that names the run
    assert model.json()["team"] == "payments-ml"  # the local CI credentials write for the demo team
    version = _signed(stack, "POST", "/versions", {"model_id": model.json()["id"], "version_tag": "v1", "s3_path": "s3://b/v1"})
    assert version.status_code == 201
    metrics = _signed(stack, "POST", "/metrics", {"version_id": version.json()["id"],
                                                  "metrics": [{"metric_name": "accuracy", "value": 0.9}, {"metric_name": "f1", "value": 0.8}]})
    assert metrics.status_code == 201 and len(metrics.json()["items"]) == 2
    review = _signed(stack, "PATCH", f"/models/{model.json()['id']}/compliance-status", {"status": "under_review", "reason": "CI: evaluation passed"})
    assert review.status_code == 200
    approve = _signed(stack, "PATCH", f"/models/{model.json()['id']}/compliance-status", {"status": "approved", "reason": "self-approval"})
    assert approve.status_code == 403  # approval stays a human decision
    assert _signed(stack, "GET", "/dashboard/stats").status_code == 404  # not part of the machine API
    assert _signed(stack, "GET", f"/models?name={name}").json()["items"][0]["compliance_status"] == "under_review"


def test_unsigned_requests_are_403(stack: dict) -> None:
    answer = requests.get(f"{stack['machine_api_url']}/models", timeout=10)
    assert answer.status_code == 403 and answer.json() == {"message": "Forbidden"}


def test_a_wrong_secret_is_403(stack: dict) -> None:
    answer = _signed(stack, "GET", "/models", secret="not-the-secret")
    assert answer.status_code == 403 and "signature" in answer.json()["message"]


def test_an_old_signature_is_403(stack: dict) -> None:
    answer = _signed(stack, "GET", "/models", at=datetime.now(UTC) - timedelta(minutes=20))
    assert answer.status_code == 403 and "expired" in answer.json()["message"]


def test_a_tampered_body_is_403(stack: dict) -> None:
    url = f"{stack['machine_api_url']}/models"
    request = AWSRequest(method="POST", url=url, data=b'{"name":"a","owner":"b"}', headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(stack["ci"]["access_key_id"], stack["ci"]["secret_access_key"]), "execute-api", stack["region"]).add_auth(request)
    answer = requests.post(url, data=b'{"name":"evil","owner":"b"}', headers=dict(request.headers), timeout=10)
    assert answer.status_code == 403


def test_the_same_idempotency_key_twice_registers_one_version(stack: dict) -> None:
    model = _signed(stack, "POST", "/models", {"name": f"idem-{uuid.uuid4().hex[:6]}", "owner": "ML"}).json()
    body = {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b/v1"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = _signed(stack, "POST", "/versions", body, headers=key)
    second = _signed(stack, "POST", "/versions", body, headers=key)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    listed = _signed(stack, "GET", f"/models/{model['id']}/versions").json()["items"]
    assert len(listed) == 1
