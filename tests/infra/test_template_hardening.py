"""Sessions, response headers and operations as template.yaml and samconfig.toml deploy them.

Given the one template, resolved for a stage as CloudFormation would resolve its conditions,
then: the prod app client has no password flow and no localhost URL, MFA is required in prod, an expired token
lives at most 60 s behind the authorizer's cache, the dashboard is served with strict security headers, and every
failure a person must act on raises an alarm on an encrypted topic.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest

from govhub.auth.tokens import CLOCK_SKEW_SECONDS
from local_stack.template import TEMPLATE_PATH, load_template

ROOT = TEMPLATE_PATH.parent


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def _overrides(profile: str) -> dict[str, str]:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    text = config[profile]["deploy"]["parameters"]["parameter_overrides"]
    return dict(pair.split("=", 1) for pair in text.split())


def _for_stage(value: Any, template: dict[str, Any], parameters: dict[str, str]) -> Any:
    """`value` with Fn::If and parameter Refs resolved as CloudFormation would with these parameters."""
    if isinstance(value, list):
        return [_for_stage(v, template, parameters) for v in value]
    if not isinstance(value, dict):
        return value
    if "Fn::If" in value:
        condition, yes, no = value["Fn::If"]
        return _for_stage(yes if _condition(condition, template, parameters) else no, template, parameters)
    if set(value) == {"Ref"} and value["Ref"] in template["Parameters"]:
        return parameters.get(value["Ref"], template["Parameters"][value["Ref"]].get("Default"))
    return {k: _for_stage(v, template, parameters) for k, v in value.items()}


def _condition(name: str, template: dict[str, Any], parameters: dict[str, str]) -> bool:
    expression = template["Conditions"][name]
    if "Fn::Equals" in expression:
        left, right = (_for_stage(side, template, parameters) for side in expression["Fn::Equals"])
        return left == right
    if "Fn::Not" in expression:
        return not _condition(expression["Fn::Not"][0]["Condition"], template, parameters)
    raise AssertionError(f"condition {name} not understood by this test")


def _client(template: dict[str, Any], profile: str) -> dict[str, Any]:
    return _for_stage(template["Resources"]["UserPoolClient"]["Properties"], template, _overrides(profile))


def _urls(value: Any) -> list[str]:
    return re.findall(r"https?://[^\s\"',}\]]+", str(value))


# -- sessions ------------------------------------------------------------------------------------------------

def test_the_prod_app_client_has_no_password_flow_and_no_localhost_url(template: dict[str, Any]) -> None:
    prod = _client(template, "prod")
    assert "ALLOW_USER_PASSWORD_AUTH" not in prod["ExplicitAuthFlows"]
    assert not [u for u in _urls(prod["CallbackURLs"]) + _urls(prod["LogoutURLs"]) if "127.0.0.1" in u or "localhost" in u]
    dev = _client(template, "dev")
    assert "ALLOW_USER_PASSWORD_AUTH" in dev["ExplicitAuthFlows"]  # the local dashboard signs in with a password


def test_refresh_tokens_can_be_revoked(template: dict[str, Any]) -> None:
    assert template["Resources"]["UserPoolClient"]["Properties"]["EnableTokenRevocation"] is True


def test_the_hosted_ui_logout_returns_to_a_registered_logout_url(template: dict[str, Any]) -> None:
    hosted = (ROOT / "frontend" / "src" / "auth" / "hosted.ts").read_text()
    [path] = re.findall(r"logout_uri: `\$\{this\.origin\}(/[^`]*)`", hosted)
    for profile in ("dev", "prod"):
        logout_urls = _client(template, profile)["LogoutURLs"]
        assert logout_urls and all(str(url).endswith(path) or path in str(url) for url in logout_urls), logout_urls


def test_mfa_is_required_for_the_pool_in_prod(template: dict[str, Any]) -> None:
    pool = template["Resources"]["UserPool"]["Properties"]
    assert _for_stage(pool["MfaConfiguration"], template, _overrides("prod")) == "ON"
    assert _for_stage(pool["MfaConfiguration"], template, _overrides("dev")) == "OPTIONAL"


def test_an_expired_token_is_accepted_for_at_most_60_seconds(template: dict[str, Any]) -> None:
    authorizer = template["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["CognitoTokens"]
    cache = authorizer["Identity"]["ReauthorizeEvery"]
    assert cache + CLOCK_SKEW_SECONDS <= 60


# -- response headers ----------------------------------------------------------------------------------------

def _headers_policy(template: dict[str, Any]) -> dict[str, Any]:
    policies = {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"}
    [(name, policy)] = policies.items()
    distribution = template["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"]
    for behavior in [distribution["DefaultCacheBehavior"], *distribution.get("CacheBehaviors", [])]:
        assert behavior.get("ResponseHeadersPolicyId") == {"Ref": name}
    return policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]


def _csp(template: dict[str, Any]) -> dict[str, list[str]]:
    value = _headers_policy(template)["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    text = value["Fn::Sub"][0] if isinstance(value, dict) else value
    return {part.split()[0]: part.split()[1:] for part in text.split(";") if part.strip()}


def test_the_dashboard_is_served_with_a_strict_content_security_policy(template: dict[str, Any]) -> None:
    csp = _csp(template)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    connect = " ".join(csp["connect-src"])
    assert "execute-api" in connect or "${Api}" in connect
    assert "cognito" in connect.lower()
    assert not [source for source in csp["connect-src"] if source in ("*", "https:", "http:")]


def test_the_dashboard_gets_hsts_nosniff_no_framing_and_a_referrer_policy(template: dict[str, Any]) -> None:
    headers = _headers_policy(template)
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] in ("no-referrer", "strict-origin-when-cross-origin", "same-origin")


# -- operations ----------------------------------------------------------------------------------------------

def _alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]


def _watched(alarm: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def _names(template: dict[str, Any], cfn_type: str) -> list[str]:
    return [n for n, r in template["Resources"].items() if r["Type"] == cfn_type]


def _alarm_on(template: dict[str, Any], namespace: str, metric: str, dimension: str, logical_id: str) -> bool:
    return any(a.get("Namespace") == namespace and a.get("MetricName") == metric
               and _watched(a).get(dimension) in ({"Ref": logical_id}, {"Fn::GetAtt": [logical_id, "QueueName"]})
               for a in _alarms(template))


def test_every_dead_letter_queue_has_a_depth_alarm(template: dict[str, Any]) -> None:
    for queue in _names(template, "AWS::SQS::Queue"):
        assert _alarm_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue), queue


def test_every_function_has_error_and_throttle_alarms(template: dict[str, Any]) -> None:
    for function in _names(template, "AWS::Serverless::Function"):
        for metric in ("Errors", "Throttles"):
            assert _alarm_on(template, "AWS/Lambda", metric, "FunctionName", function), (function, metric)


def test_every_stream_consumer_has_an_iterator_age_alarm(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        events = (resource.get("Properties") or {}).get("Events") or {}
        if any(e["Type"] == "DynamoDB" for e in events.values()):
            assert _alarm_on(template, "AWS/Lambda", "IteratorAge", "FunctionName", name), name


def test_both_apis_alarm_on_server_errors(template: dict[str, Any]) -> None:
    for api in _names(template, "AWS::Serverless::HttpApi"):
        assert _alarm_on(template, "AWS/ApiGateway", "5xx", "ApiId", api), api


def test_every_alarm_notifies_the_encrypted_alerts_topic(template: dict[str, Any]) -> None:
    topic = template["Resources"]["GovernanceAlertsTopic"]["Properties"]
    assert "KmsMasterKeyId" in topic
    for alarm in _alarms(template):
        assert {"Ref": "GovernanceAlertsTopic"} in alarm["AlarmActions"], alarm.get("AlarmDescription")
        assert alarm.get("AlarmDescription"), "every alarm says what it means"


def test_the_runbook_covers_every_alarm(template: dict[str, Any]) -> None:
    runbook = (ROOT / "docs" / "operations.md").read_text()
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            assert name in runbook, f"docs/operations.md says nothing about {name}"


def test_there_is_a_dashboard_of_the_hub(template: dict[str, Any]) -> None:
    assert _names(template, "AWS::CloudWatch::Dashboard")


def test_functions_that_can_be_abused_in_volume_have_reserved_concurrency(template: dict[str, Any]) -> None:
    for function in ("ReportsFunction", "ReportJobsFunction"):
        reserved = template["Resources"][function]["Properties"].get("ReservedConcurrentExecutions")
        assert reserved is not None, function


