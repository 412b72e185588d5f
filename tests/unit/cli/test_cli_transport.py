"""Retries, idempotency keys, exit codes per failure class, configuration and SigV4 signing."""

from __future__ import annotations

import re
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest

from govhub_cli import errors
from govhub_cli.client import RetryPolicy, encode_query, normalise_base_url

FAKE_ACCESS_KEY = "AKIDGOVHUBTEST"
FAKE_SECRET_KEY = "fake-secret-key-for-tests"


def _report(tmp_path: Path, rows: int = 3) -> str:
    path = tmp_path / "m.csv"
    path.write_text("metric_name,value\n" + "".join(f"m{i},{i}\n" for i in range(rows)))
    return str(path)


def _seed(api: Any) -> dict:
    model = api.add_model(name="fraud")
    api.add_version(model["id"], "v1")
    return model


# --- retries and idempotency -----------------------------------------------------------------------

def test_transient_errors_are_retried_with_the_same_idempotency_key(govhub: Any, api: Any, no_backoff: list,
                                                                    tmp_path: Path) -> None:
    _seed(api)
    api.fail("POST", "/metrics", 503, times=1)
    api.fail("POST", "/metrics", None, times=1)  # connection dropped without an answer
    api.fail("POST", "/metrics", 429, times=1, headers={"Retry-After": "2"})
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v1", _report(tmp_path))
    assert result.code == 0, result.err
    posts = api.calls("POST", "/metrics")
    assert len(posts) == 4
    keys = {p.headers["idempotency-key"] for p in posts}
    assert len(keys) == 1 and uuid.UUID(keys.pop())
    assert len(api.metrics) == 3  # stored once
    assert len(no_backoff) == 3 and no_backoff[2] >= 2.0  # Retry-After is a floor for the wait


def test_a_retried_write_that_had_succeeded_is_replayed_not_duplicated(govhub: Any, api: Any) -> None:
    """The server stored the version but the answer was lost (504 from the gateway after the write)."""
    api.add_model(name="fraud")
    original = api.handle

    def lose_first_answer(method: str, target: str, headers: dict, raw: bytes) -> Any:
        answer = original(method, target, headers, raw)
        if method == "POST" and not getattr(api, "lost", False):
            api.lost = True
            return 504, {}, b'{"message": "Endpoint request timed out"}'
        return answer

    api.handle = lose_first_answer
    result = govhub("--json", "version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://m/v1")
    assert result.code == 0, result.err
    assert len(api.versions) == 1
    assert result.json()["version"]["id"] == next(iter(api.versions))


def test_each_operation_gets_its_own_key(govhub: Any, api: Any, tmp_path: Path) -> None:
    _seed(api)
    assert govhub("metrics", "push", "--model", "fraud", "--version", "v1", "--batch-size", "1",
                  _report(tmp_path)).code == 0
    keys = [p.headers["idempotency-key"] for p in api.calls("POST", "/metrics")]
    assert len(keys) == 3 and len(set(keys)) == 3


def test_a_given_idempotency_key_makes_a_rerun_replay_the_same_requests(govhub: Any, api: Any,
                                                                         tmp_path: Path) -> None:
    _seed(api)
    report = _report(tmp_path, rows=250)
    for _ in range(2):  # the CI job is re-run with the same run id
        result = govhub("--idempotency-key", "run-1234", "metrics", "push", "--model", "fraud", "--version", "v1",
                        report)
        assert result.code == 0, result.err
    posts = api.calls("POST", "/metrics")
    first, second = [p.headers["idempotency-key"] for p in posts[:3]], [p.headers["idempotency-key"] for p in posts[3:]]
    assert first == second and len(set(first)) == 3
    assert len(api.metrics) == 250


def test_identical_batches_in_one_run_get_distinct_derived_keys(govhub: Any, api: Any, tmp_path: Path) -> None:
    _seed(api)
    report = tmp_path / "twice.csv"
    report.write_text("metric_name,value\n" + "fold_auc,0.9\n" * 4)  # two equal batches of two
    result = govhub("--idempotency-key", "run-9", "metrics", "push", "--model", "fraud", "--version", "v1",
                    "--batch-size", "2", str(report))
    assert result.code == 0, result.err
    keys = [p.headers["idempotency-key"] for p in api.calls("POST", "/metrics")]
    assert len(set(keys)) == 2
    assert len(api.metrics) == 4


def test_environment_idempotency_key_works_like_the_option(govhub: Any, api: Any, monkeypatch: Any) -> None:
    api.add_model(name="fraud")
    monkeypatch.setenv("GOVHUB_IDEMPOTENCY_KEY", "pipeline-77")
    for _ in range(2):
        assert govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://m/v1").code == 0
    assert len(api.versions) == 1


def test_a_request_still_in_progress_is_retried_with_its_key(govhub: Any, api: Any, no_backoff: list) -> None:
    api.add_model(name="fraud")
    api.fail("POST", "/versions", 409, body={"error": {"code": "request_in_progress", "message": "still running"}})
    result = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://m/v1")
    assert result.code == 0, result.err
    first, second = api.calls("POST", "/versions")
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_client_errors_are_not_retried(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud")
    api.fail("POST", "/versions", 422, times=5, body={"error": {"code": "validation_error", "message": "bad"}})
    assert govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "x").code == errors.VALIDATION
    assert len(api.calls("POST", "/versions")) == 1


def test_server_errors_exhaust_the_retries_then_exit_7(govhub: Any, api: Any, no_backoff: list) -> None:
    api.add_model(name="fraud")
    api.fail("POST", "/versions", 500, times=10, body={"error": {"code": "internal", "message": "boom"}})
    result = govhub("--retries", "2", "version", "--model", "fraud", "--tag", "v1", "--artifact", "x")
    assert result.code == errors.UNAVAILABLE
    assert "boom (HTTP 500 on POST /versions); gave up after 3 attempts" in result.err
    assert len(api.calls("POST", "/versions")) == 3


def test_unreachable_api_exits_7(govhub: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = govhub("--retries", "1", "list", api_url=f"http://127.0.0.1:{port}/api/v1")
    assert result.code == errors.UNAVAILABLE
    assert f"cannot reach http://127.0.0.1:{port}/api/v1" in result.err and "after 2 attempts" in result.err


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(retries=6, base_delay=0.5, max_delay=4.0)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (6, 4.0)]:
        waits = [policy.delay(attempt, None) for _ in range(200)]
        assert all(0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling / 2  # jittered across the range, not fixed


# --- exit codes per failure class ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("status", "code", "expected_exit", "shown"),
    [
        (401, None, errors.AUTH, "Unauthorized (HTTP 401 on GET /models); check GOVHUB_TOKEN"),
        (403, "forbidden", errors.AUTH, "not allowed (HTTP 403 on GET /models); your role is not allowed"),
        (400, "bad_request", errors.VALIDATION, "not allowed (HTTP 400 on GET /models)"),
        (413, "payload_too_large", errors.VALIDATION, "HTTP 413"),
        (422, "validation_error", errors.VALIDATION, "HTTP 422"),
        (409, "stale_revision", errors.CONFLICT, "HTTP 409"),
        (404, "not_found", errors.NOT_FOUND, "HTTP 404"),
        (502, None, errors.UNAVAILABLE, "HTTP 502"),
    ],
)
def test_each_failure_class_has_its_exit_code(govhub: Any, api: Any, status: int, code: str | None,
                                              expected_exit: int, shown: str) -> None:
    body = {"message": "Unauthorized"} if code is None and status == 401 else (
        {"error": {"code": code, "message": "not allowed", "details": None}} if code else {})
    api.fail("GET", "/models", status, times=10, body=body)
    result = govhub("--retries", "0", "list")
    assert result.code == expected_exit
    assert shown in result.err


def test_validation_details_are_listed_field_by_field(govhub: Any, api: Any) -> None:
    api.fail("POST", "/models", 422, body={"error": {"code": "validation_error", "message": "request validation failed",
                                                     "details": [{"field": "name", "message": "too long"},
                                                                 {"field": "owner", "message": "field required"}]}})
    result = govhub("register", "x" * 200, "--owner", " ")
    assert result.code == errors.VALIDATION
    assert result.err.splitlines() == [
        "govhub: error: request validation failed (HTTP 422 on POST /models)",
        "  - name: too long",
        "  - owner: field required",
    ]


def test_failed_policy_rules_are_listed_one_per_line(govhub: Any, api: Any) -> None:
    model = api.add_model(name="fraud", risk_level="high")
    api.set_status(model["id"], "under_review")
    reason = "A high-risk model must document intended_purpose, data_sources and oversight_plan; missing: data_sources"
    api.fail("PATCH", "/models/1/compliance-status", 422, body={"error": {
        "code": "policy_violation", "message": "Model 1 cannot move to approved: 2 rules of policy v0 fail.",
        "details": {"failed_rules": [{"rule_id": "high-risk-documentation", "reason": reason},
                                     {"rule_id": "bias-metric-present", "reason": "No bias metric."}],
                    "target": "approved"}}})
    result = govhub("status", "--model", "fraud", "--to", "approved", "--reason", "ok")
    assert result.code == errors.VALIDATION
    assert result.err.splitlines()[1:] == [
        "  failed_rules:",
        f"    - high-risk-documentation: {reason}",
        "    - bias-metric-present: No bias metric.",
        "  target: approved",
    ]


def test_json_errors_carry_code_details_and_exit_code(govhub: Any, api: Any) -> None:
    api.rejected_tokens.add("expired")
    result = govhub("--json", "list", token="expired")
    import json

    error = json.loads(result.err)["error"]
    assert (result.code, error["status"], error["exit_code"]) == (errors.AUTH, 401, errors.AUTH)


def test_forbidden_role_exits_3(govhub: Any, api: Any) -> None:
    api.forbidden_tokens.add("auditor-token")
    result = govhub("register", "x", "--owner", "y", token="auditor-token")
    assert result.code == errors.AUTH
    assert "the role auditor may not do this" in result.err


# --- configuration ---------------------------------------------------------------------------------

def test_missing_api_url_is_a_usage_error(capsys: Any) -> None:
    from govhub_cli.main import main

    assert main(["--token", "t", "list"]) == errors.USAGE
    assert "pass --api-url or set GOVHUB_API_URL" in capsys.readouterr().err


def test_argument_errors_exit_2(govhub: Any) -> None:
    result = govhub("version", "--model", "fraud")
    assert result.code == errors.USAGE
    assert "the following arguments are required: --tag, --artifact" in result.err


def test_options_work_before_or_after_the_command(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud")
    assert govhub("--json", "list").json() == govhub("list", "--json").json()


def test_base_url_without_path_gets_the_api_prefix_and_queries_are_rfc3986() -> None:
    assert normalise_base_url("https://abc.execute-api.eu-west-1.amazonaws.com") == (
        "https://abc.execute-api.eu-west-1.amazonaws.com/api/v1")
    assert normalise_base_url("http://127.0.0.1:3001/api/v1/") == "http://127.0.0.1:3001/api/v1"
    assert encode_query({"q": "fraud det/ä", "limit": 5, "owner": None}) == "limit=5&q=fraud%20det%2F%C3%A4"


def test_token_goes_out_as_a_bearer_header(govhub: Any, api: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("GOVHUB_TOKEN", "eyJ.people.token")
    result = govhub("list", token=None)
    assert result.code == 0
    assert api.requests[0].headers["authorization"] == "Bearer eyJ.people.token"


# --- SigV4 -----------------------------------------------------------------------------------------

def _signed_headers(authorization: str) -> list[str]:
    match = re.search(r"SignedHeaders=([^,]+)", authorization)
    assert match, authorization
    return match.group(1).split(";")


def _valid_sigv4(request: Any, region: str, host: str) -> bool:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    authorization = request.headers["authorization"]
    signed_headers = _signed_headers(authorization)
    signature = authorization.rsplit("Signature=", 1)[1]
    query = encode_query(request.query)
    url = f"http://{host}/api/v1{request.path}" + (f"?{query}" if query else "")
    rebuilt = AWSRequest(method=request.method, url=url, data=request.raw_body,
                         headers={name: request.headers[name] for name in signed_headers})
    rebuilt.context["timestamp"] = request.headers["x-amz-date"]
    signer = SigV4Auth(Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, "session-token"), "execute-api", region)
    return signer.signature(signer.string_to_sign(rebuilt, signer.canonical_request(rebuilt)), rebuilt) == signature


def test_requests_are_sigv4_signed_from_environment_credentials(govhub: Any, api: Any, monkeypatch: Any,
                                                                tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    _seed(api)
    result = govhub("metrics", "push", "--model", "fraud", "--version", "v1", _report(tmp_path), token=None)
    assert result.code == 0, result.err
    host = api.url.split("/")[2]
    for request in api.requests:  # a GET with a query string and a POST with a body
        assert request.headers["authorization"].startswith(
            f"AWS4-HMAC-SHA256 Credential={FAKE_ACCESS_KEY}/") and "/eu-west-1/execute-api/aws4_request" in (
            request.headers["authorization"])
        assert request.headers["x-amz-security-token"] == "session-token"
        assert _valid_sigv4(request, "eu-west-1", host)
    assert "idempotency-key" in _signed_headers(api.calls("POST")[0].headers["authorization"])


def test_region_defaults_to_us_east_1(govhub: Any, api: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET_KEY)
    assert govhub("list", token=None).code == 0
    assert "/us-east-1/execute-api/" in api.requests[0].headers["authorization"]


def test_no_token_and_no_aws_credentials_exits_3_before_any_request(govhub: Any, api: Any) -> None:
    result = govhub("list", token=None)
    assert result.code == errors.AUTH
    assert "no credentials found" in result.err
    assert api.requests == []
