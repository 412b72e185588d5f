"""The security posture a reviewer looks for in template.yaml, asserted on the parsed template, plus cfn-lint.

Given the one template the stack is deployed from (and the local stack is built from),
then: least-privilege function policies, private TLS-only encrypted buckets, an audit bucket that nobody
(not even root) can rewrite, a recoverable encrypted table, stream consumers that never drop a failed batch,
throttled APIs and bounded log retention.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local_stack.template import TEMPLATE_PATH, load_template

# SAM policy templates scope themselves to the resource named in their argument.
SCOPED_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy", "DynamoDBStreamReadPolicy",
    "S3ReadPolicy", "S3WritePolicy", "S3CrudPolicy", "SQSSendMessagePolicy", "SQSPollerPolicy",
    "EventBridgePutEventsPolicy", "SNSPublishMessagePolicy", "KMSDecryptPolicy", "LambdaInvokePolicy",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def _of_type(template: dict[str, Any], *types: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] in types}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _refers_to(value: Any, logical_id: str) -> bool:
    """Does an intrinsic (Ref, GetAtt, Sub) point at `logical_id`?"""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        if "Fn::GetAtt" in value and _as_list(value["Fn::GetAtt"])[0] == logical_id:
            return True
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            return f"${{{logical_id}}}" in text or f"${{{logical_id}." in text
        return any(_refers_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(_refers_to(v, logical_id) for v in value)
    return False


def _identity_statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every inline statement that grants a function or a role something."""
    for name, resource in _of_type(template, "AWS::Serverless::Function").items():
        for policy in _as_list(resource["Properties"].get("Policies", [])):
            if isinstance(policy, dict) and "Statement" in policy:
                for statement in _as_list(policy["Statement"]):
                    yield name, statement
    for name, resource in _of_type(template, "AWS::IAM::Role").items():
        for policy in resource["Properties"].get("Policies", []):
            for statement in _as_list(policy["PolicyDocument"]["Statement"]):
                yield name, statement
    for name, resource in _of_type(template, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy").items():
        for statement in _as_list(resource["Properties"]["PolicyDocument"]["Statement"]):
            yield name, statement


def test_cfn_lint_is_clean() -> None:
    from cfnlint.api import lint_file

    # When cfn-lint checks the template (SAM transform included), with every rule it enables by default
    findings = lint_file(TEMPLATE_PATH)
    # Then it finds nothing, not even a warning
    assert [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in findings] == []


def test_no_function_or_role_is_granted_a_wildcard_action_or_resource(template: dict[str, Any]) -> None:
    loose = []
    for name, statement in _identity_statements(template):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement or "NotResource" in statement:
            loose.append((name, "NotAction/NotResource"))
        loose += [(name, action) for action in _as_list(statement.get("Action", [])) if "*" in str(action)]
        loose += [(name, resource) for resource in _as_list(statement.get("Resource", [])) if resource == "*"]
    assert loose == []


def test_function_policies_are_scoped_templates_or_statements(template: dict[str, Any]) -> None:
    unscoped = []
    for name, resource in _of_type(template, "AWS::Serverless::Function").items():
        for policy in _as_list(resource["Properties"].get("Policies", [])):
            if isinstance(policy, str):  # a managed policy name, or an ARN: never least-privilege by construction
                unscoped.append((name, policy))
            elif "Statement" not in policy:
                (kind, argument), = policy.items()
                if kind not in SCOPED_POLICY_TEMPLATES or any(v == "*" for v in (argument or {}).values()):
                    unscoped.append((name, kind))
    assert unscoped == []


def test_every_bucket_is_private_encrypted_and_reachable_only_over_tls(template: dict[str, Any]) -> None:
    buckets = _of_type(template, "AWS::S3::Bucket")
    policies = _of_type(template, "AWS::S3::BucketPolicy")
    assert buckets
    for name, bucket in buckets.items():
        props = bucket["Properties"]
        assert props.get("PublicAccessBlockConfiguration") == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
        }, name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert props.get("OwnershipControls", {}).get("Rules") == [{"ObjectOwnership": "BucketOwnerEnforced"}], name
        statements = [s for p in policies.values() if _refers_to(p["Properties"]["Bucket"], name)
                      for s in _as_list(p["Properties"]["PolicyDocument"]["Statement"])]
        tls = [s for s in statements if s["Effect"] == "Deny" and s.get("Principal") == "*"
               and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
        assert tls, f"{name} has no TLS-only bucket policy"
        resources = _as_list(tls[0]["Resource"])
        assert _refers_to(resources, name) and any(isinstance(r, dict) and "Fn::Sub" in r and r["Fn::Sub"].endswith("/*") for r in resources), name


def test_the_audit_bucket_keeps_every_version_in_compliance_mode(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["AuditBucket"]
    props = bucket["Properties"]
    assert bucket.get("DeletionPolicy") == "Retain"
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    retention = props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert retention["Mode"] == "COMPLIANCE"  # GOVERNANCE could be lifted by a privileged user; COMPLIANCE by nobody
    assert retention.get("Days") or retention.get("Years")
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert "LifecycleConfiguration" not in props  # nothing expires audit records behind the lock's back


def test_the_table_can_be_restored_to_any_second_and_is_encrypted(template: dict[str, Any]) -> None:
    table = template["Resources"]["Table"]
    assert table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["Properties"]["SSESpecification"]["SSEEnabled"] is True
    assert table.get("DeletionPolicy") == "Retain" and table.get("UpdateReplacePolicy") == "Retain"


def test_every_stream_consumer_sends_what_it_cannot_process_to_an_encrypted_dead_letter_queue(template: dict[str, Any]) -> None:
    queues = _of_type(template, "AWS::SQS::Queue")
    consumers = 0
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] not in ("DynamoDB", "Kinesis"):
                continue
            consumers += 1
            props = event["Properties"]
            destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            assert destination is not None, f"{name} drops batches that keep failing"
            queue = _as_list(destination["Fn::GetAtt"])[0]
            assert queue in queues, name
            assert queues[queue]["Properties"].get("SqsManagedSseEnabled") or queues[queue]["Properties"].get("KmsMasterKeyId"), queue
            assert isinstance(props.get("MaximumRetryAttempts"), int), f"{name} retries a poisoned batch forever"
            assert "ReportBatchItemFailures" in props.get("FunctionResponseTypes", []), f"{name} retries whole batches"
            may_send = [p for p in _as_list(function["Properties"].get("Policies", []))
                        if isinstance(p, dict) and "SQSSendMessagePolicy" in p and _refers_to(p, queue)]
            assert may_send, f"{name} may not write to its own dead-letter queue"
    assert consumers >= 1


def test_both_apis_are_throttled_and_log_their_access(template: dict[str, Any]) -> None:
    apis = _of_type(template, "AWS::Serverless::HttpApi", "AWS::Serverless::Api")
    assert set(apis) >= {"HttpApi", "MachineApi"}
    for name, api in apis.items():
        settings = api["Properties"].get("DefaultRouteSettings", {})
        assert settings.get("ThrottlingBurstLimit", 0) > 0 and settings.get("ThrottlingRateLimit", 0) > 0, name
        assert _refers_to(api["Properties"].get("AccessLogSettings", {}).get("DestinationArn"), name + "AccessLogs"), name


def test_every_log_group_has_a_retention_and_every_function_writes_to_one(template: dict[str, Any]) -> None:
    groups = _of_type(template, "AWS::Logs::LogGroup")
    assert {n for n, g in groups.items() if not (g.get("Properties") or {}).get("RetentionInDays")} == set()
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        target = function["Properties"].get("LoggingConfig", {}).get("LogGroup")
        assert target is not None and target.get("Ref") in groups, f"{name} logs to an unmanaged group kept forever"


def test_people_sign_in_with_strong_passwords_short_lived_tokens_and_no_self_sign_up(template: dict[str, Any]) -> None:
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert "implicit" not in client.get("AllowedOAuthFlows", [])
    units = client.get("TokenValidityUnits", {})
    assert units.get("AccessToken") == "minutes" and client["AccessTokenValidity"] <= 60
    assert units.get("IdToken") == "minutes" and client["IdTokenValidity"] <= 60


def test_only_the_audit_writer_may_sign_digests_and_readers_get_the_public_key(template: dict[str, Any]) -> None:
    # Given the digest signing key and every identity statement of the template
    key = template["Resources"]["AuditSigningKey"]["Properties"]
    signers = [s["Principal"] for s in key["KeyPolicy"]["Statement"] if "kms:Sign" in _as_list(s["Action"])]
    granted: dict[str, set[str]] = {}
    for name, statement in _identity_statements(template):
        for action in _as_list(statement.get("Action", [])):
            if str(action).startswith("kms:"):
                granted.setdefault(str(action), set()).add(name)
    # Then the key is RSA_2048 for signing, the writer's role alone may Sign, and the audit readers may get the
    # public key and verify, and nothing else
    assert (key["KeySpec"], key["KeyUsage"]) == ("RSA_2048", "SIGN_VERIFY")
    assert signers == [{"AWS": {"Fn::GetAtt": ["AuditStreamFunctionRole", "Arn"]}}]
    assert "kms:Sign" not in granted
    assert granted["kms:GetPublicKey"] == granted["kms:Verify"] == {
        "AuditFunction", "AuditVerificationJobsFunction", "ReportsFunction", "ReportJobsFunction"}
