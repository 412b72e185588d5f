"""Signed digests in moto, from template.yaml: the KMS key the template declares signs them, the verify API reads
them incrementally, a forged one is named, and the export bundle verifies offline with its public key.

The writer here is the audit_stream function's (same store, same key) with a digest every 3 records, so that a
short history has several digests.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from govhub.audit.digest import digest_key, signed_bytes
from govhub.services.audit import AuditBatchProcessor, AuditWriter, DigestCadence
from govhub.store import keys
from govhub.store.audit import AuditArchive, AuditDigestPageItem, AuditIndexRepository, AuditSigningKey
from govhub_cli.bundle import verify_bundle
from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.harness import TableStream, subscribed
from tests.integration.audit_stream_helpers import deliver_until_done
from tests.integration.conftest import FRAUD_DETECTOR, Api
from tests.integration.test_audit_trail import _export, _unpack


class _Host:
    """The audit_stream function's body, with a short digest cadence."""

    def __init__(self) -> None:
        writer = AuditWriter(AuditIndexRepository(), AuditArchive(), AuditSigningKey(), DigestCadence(records=3, minutes=60))
        self.processor = AuditBatchProcessor(writer, raise_on_entire_batch_failure=False)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        from govhub.services.audit import audit_batch

        return dict(audit_batch(event, self.processor))


@pytest.fixture
def trail(api: Api, aws: dict[str, str], template: Template) -> dict[str, Any]:
    """A model with eight changes, audited with digests at records 3 and 6."""
    stream = TableStream(aws["Table.StreamArn"])
    model = api.post("/api/v1/models/", {**FRAUD_DETECTOR, "risk_level": "minimal"}, role="model_owner").body
    version = api.post("/api/v1/versions/", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://m/v1"},
                       role="model_owner").body
    for value in (0.90, 0.91, 0.92, 0.93, 0.94):
        api.post("/api/v1/metrics/", {"version_id": version["id"], "metrics": [{"metric_name": "accuracy", "value": value}]},
                 role="model_owner")
    api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "ready"}, role="model_owner")
    deliver_until_done(_Host(), subscribed(template, "AuditStreamFunction", stream.new_records()))  # type: ignore[arg-type]
    return {"model": model, "bucket": aws["AuditBucket"], "key_arn": aws["AuditSigningKey.Arn"]}


def test_the_template_key_signs_digests_and_the_api_verifies_incrementally(api: Api, trail: dict[str, Any]) -> None:
    model_id = trail["model"]["id"]
    # Then the digests in the bucket are signed by the template's KMS key (checked with KMS itself)
    s3, kms = boto3.client("s3", region_name="us-east-1"), boto3.client("kms", region_name="us-east-1")
    digest = json.loads(s3.get_object(Bucket=trail["bucket"], Key=digest_key(model_id, 2))["Body"].read())
    assert digest["signing"]["key_id"] == trail["key_arn"] and digest["first_sequence"] == 4
    check = kms.verify(KeyId=trail["key_arn"], Message=signed_bytes(digest), MessageType="RAW",
                       Signature=base64.b64decode(digest["signature"]), SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert check["SignatureValid"] is True
    # and a user's verification reads the digests, the records since the last one and a sample
    verdict = api.get(f"/api/v1/models/{model_id}/audit-logs/verify", role="auditor").body
    assert verdict["intact"] is True and verdict["mode"] == "incremental", verdict
    assert verdict["digests"] == {"count": 2, "last_sequence": 6, "signatures_verified": 2, "key_id": trail["key_arn"]}
    assert verdict["verified_records"] == {"from": 7, "to": 8, "count": 2} and verdict["records"] == 8
    assert verdict["pending"] is None and verdict["sample"]["size"] == 6


def test_a_digest_forged_by_someone_without_the_key_is_reported(api: Api, trail: dict[str, Any]) -> None:
    model_id = trail["model"]["id"]
    s3 = boto3.client("s3", region_name="us-east-1")
    key = digest_key(model_id, 1)
    digest = json.loads(s3.get_object(Bucket=trail["bucket"], Key=key)["Body"].read())
    # Given someone with write access to the bucket (refused by its policy in AWS) and the table, but not to the key,
    # rewrites digest 1 and its copy consistently
    digest["created_at"] = "2020-01-01T00:00:00.000000+00:00"
    digest["hash"] = hashlib.sha256(signed_bytes(digest)).hexdigest()
    forged = json.dumps(digest, sort_keys=True, separators=(",", ":")).encode()
    s3.put_object(Bucket=trail["bucket"], Key=key, Body=forged)
    page = AuditDigestPageItem.get(keys.audit_digest_head_pk(model_id), keys.audit_digest_page_sk(1))
    page.documents = "\n".join([forged.decode(), *page.documents.split("\n")[1:]])
    page.save()
    verdict = api.get(f"/api/v1/models/{model_id}/audit-logs/verify", role="auditor").body
    assert verdict["intact"] is False
    assert (verdict["first_break"]["problem"], verdict["first_break"]["digest"]) == ("forged", 1)


def test_the_export_carries_digests_and_public_key_and_verifies_offline(
    trail: dict[str, Any], functions: dict[str, FunctionHost], tmp_path: Path
) -> None:
    model_id = trail["model"]["id"]
    status, _, raw = _export(functions, model_id, "application/zip")
    assert status == 200
    folder = _unpack(raw, tmp_path)
    public_key = boto3.client("kms", region_name="us-east-1").get_public_key(KeyId=trail["key_arn"])["PublicKey"]
    result = verify_bundle(folder, expected_key=hashlib.sha256(public_key).hexdigest())
    assert result["intact"] is True and result["digests"] == 2 and result["records"] == 8


def test_as_of_and_the_report_summary_start_from_the_snapshot(api: Api, trail: dict[str, Any]) -> None:
    from govhub.services.audit import audit_summary

    model_id = trail["model"]["id"]
    now = api.get(f"/api/v1/models/{model_id}/as-of", role="auditor").body
    assert now["model"]["compliance_status"] == "under_review" and now["metrics"] == {"accuracy": 0.94}
    assert now["chain"]["mode"] == "incremental" and now["chain"]["intact"] is True
    summary = audit_summary(model_id)
    assert summary["counts"] == {"metric.create": 5, "model.create": 1, "model.status_change": 1, "version.create": 1}
    assert [(h["from"], h["to"]) for h in summary["approval_history"]] == [(None, "draft"), ("draft", "under_review")]


def test_a_full_verification_is_a_job_whose_result_is_kept_with_who_asked(
    api: Api, trail: dict[str, Any], aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    model_id = trail["model"]["id"]
    stream = TableStream(aws["Table.StreamArn"])
    stream.new_records()  # what the trail fixture wrote
    # When an auditor asks for a full verification
    asked = api.get(f"/api/v1/models/{model_id}/audit-logs/verify", role="auditor", query="full=true")
    assert asked.status == 202 and asked.body["status"] == "queued" and asked.body["requested_by"] == "aude.auditor"
    assert asked.headers["Location"] == asked.body["status_url"]
    # and the verification jobs function gets the queued job from the stream (its template filter)
    jobs = subscribed(template, "AuditVerificationJobsFunction", stream.new_records())
    assert len(jobs) == 1
    deliver_until_done(functions["AuditVerificationJobsFunction"], jobs)
    # Then polling the job gives the full verification: every record and every digest's signature
    job = api.get(asked.body["status_url"], role="auditor").body
    assert job["status"] == "done" and job["requested_by_role"] == "auditor" and job["finished_at"]
    assert job["result"]["intact"] is True and job["result"]["mode"] == "full"
    assert job["result"]["verified_records"] == {"from": 1, "to": 8, "count": 8} and job["result"]["digests"]["count"] == 2
    assert api.get(f"/api/v1/models/{model_id + 1}/audit-logs/verify/jobs/{job['job_id']}").status == 404
