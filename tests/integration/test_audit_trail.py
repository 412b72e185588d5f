"""The audit trail in moto, from template.yaml: changes made through the API, the table's stream read back,
the audit_stream function run on it as Lambda would (filter, batches, partial failures), and the audit API.

Given/When/Then in each test; "a user" is whoever reads /audit-logs, /verify, /as-of or an export.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from govhub.audit import audit_record_key, encode_record, load_record, seal
from govhub_cli.bundle import verify_bundle
from local_stack.events import http_event
from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.classify import classification_body, classification_path
from tests.harness import TableStream, subscribed
from tests.integration.audit_stream_helpers import deliver, deliver_until_done, failed_positions
from tests.integration.conftest import FRAUD_DETECTOR, Api
from tests.monitoring import PLAN, plan_body, plan_path


class AuditPipeline:
    """The table's stream and the audit_stream function, driven by the test."""

    def __init__(self, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> None:
        self.stream = TableStream(aws["Table.StreamArn"])
        self.template = template
        self.host = functions["AuditStreamFunction"]
        self.bucket = aws["AuditBucket"]
        self.s3 = boto3.client("s3", region_name="us-east-1")

    def pending(self) -> list[dict[str, Any]]:
        """The new stream records audit_stream's event source mapping lets through (its template filter)."""
        return subscribed(self.template, "AuditStreamFunction", self.stream.new_records())

    def flush(self) -> None:
        deliver_until_done(self.host, self.pending())

    def keys(self, model_id: int) -> list[str]:
        answer = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=f"audit/model={model_id}/")
        return [o["Key"] for o in answer.get("Contents", [])]

    def records(self, model_id: int) -> list[dict[str, Any]]:
        return [load_record(self.s3.get_object(Bucket=self.bucket, Key=k)["Body"].read()) for k in self.keys(model_id)]



@pytest.fixture
def pipeline(aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> AuditPipeline:
    return AuditPipeline(aws, template, functions)


@pytest.fixture
def s3_faults() -> Iterator[set[str]]:
    """Keys whose next PutObject from the functions fails as if S3 could not be reached."""
    from govhub.store.audit import s3_client

    failing: set[str] = set()

    def fail(params: dict[str, Any], **_: Any) -> None:
        if params.get("Key") in failing:
            failing.discard(params["Key"])
            raise EndpointConnectionError(endpoint_url="https://s3.us-east-1.amazonaws.com")

    events = s3_client().meta.events
    events.register("before-parameter-build.s3.PutObject", fail, unique_id="audit-fault-injection")
    yield failing
    events.unregister("before-parameter-build.s3.PutObject", unique_id="audit-fault-injection")


def _register(api: Api, name: str = "fraud-detector-v2", **fields: Any) -> dict[str, Any]:
    # minimal risk: the default policy then asks only for a registered version before review, and four eyes
    answer = api.post("/api/v1/models/", {**FRAUD_DETECTOR, "name": name, "risk_level": "minimal", **fields}, role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def _version(api: Api, model_id: int, tag: str) -> dict[str, Any]:
    answer = api.post("/api/v1/versions/", {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://models/{tag}"},
                      role="model_owner")
    assert answer.status == 201, answer.body
    return answer.body


def _status(api: Api, model_id: int, status: str, reason: str, role: str = "admin") -> dict[str, Any]:
    answer = api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": status, "reason": reason}, role=role)
    assert answer.status == 200, answer.body
    return answer.body


def _busy_model(api: Api) -> tuple[dict[str, Any], list[str]]:
    """A model with a life: registered, versioned, measured, reviewed. Answers it and the actions expected."""
    model = _register(api)
    version = _version(api, model["id"], "v1.0.0")
    metrics = api.post("/api/v1/metrics/", {"version_id": version["id"], "metrics": [
        {"metric_name": "accuracy", "value": 0.95}, {"metric_name": "f1", "value": 0.91}]}, role="model_owner")
    assert metrics.status == 201, metrics.body
    risk = api.patch(f"/api/v1/models/{model['id']}/risk-profile", {"risk_level": "limited", "justification": "advisory"},
                     role="model_owner")
    assert risk.status == 200, risk.body
    return model, ["create", "create", "create", "create", "risk_change"]


# -- every change, exactly once ----------------------------------------------------------------------


def test_every_committed_change_becomes_one_chained_record_that_the_api_lists_and_verifies(api: Api, pipeline: AuditPipeline) -> None:
    # Given a model registered, versioned, measured and re-classified through the API
    model, actions = _busy_model(api)
    # When audit_stream has processed the table's stream
    pipeline.flush()
    # Then the bucket holds one record per change, numbered 1..n, each under its deterministic key
    records = pipeline.records(model["id"])
    assert [r["action"] for r in records] == actions
    assert [r["sequence"] for r in records] == [1, 2, 3, 4, 5]
    assert pipeline.keys(model["id"]) == [audit_record_key(model["id"], s) for s in range(1, 6)]
    # and the API lists them newest first, as stored, for every role
    listed = api.get(f"/api/v1/models/{model['id']}/audit-logs", role="auditor")
    assert listed.status == 200
    assert listed.body["items"] == list(reversed(records))
    first = listed.body["items"][-1]
    assert first["actor"] == {"username": "omar.owner", "role": "model_owner"} and first["entity"] == "model"
    assert first["changes"]["name"] == {"before": None, "after": "fraud-detector-v2"}
    # and the chain recomputed from the bucket is intact, its head the last record's hash
    verified = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify", role="auditor")
    assert verified.body | {"digests": None, "verified_records": None} == {
        "intact": True, "records": 5, "head_hash": records[-1]["hash"], "first_break": None, "mode": "full",
        "digests": None, "verified_records": None, "sample": None, "pending": None}
    assert verified.body["verified_records"] == {"from": 1, "to": 5, "count": 5}


def test_s3_failing_for_some_records_of_a_batch_is_retried_until_every_change_has_exactly_one_record(
    api: Api, pipeline: AuditPipeline, s3_faults: set[str]
) -> None:
    # Given two models' changes in one stream batch
    first, _ = _busy_model(api)
    second = _register(api, "credit-scorer")
    _version(api, second["id"], "v1")
    _status(api, second["id"], "under_review", "ready", role="model_owner")
    batch = pipeline.pending()
    # and S3 failing once for the third record of the first model and the third of the second model
    s3_faults.update({audit_record_key(first["id"], 3), audit_record_key(second["id"], 3)})
    # When Lambda delivers the batch, the function reports the failed record and those after it
    answer = deliver(pipeline.host, batch)
    failed = failed_positions(batch, answer)
    assert failed and failed == list(range(min(failed), len(batch)))
    # and Lambda retries from the first failure until nothing fails
    attempts = deliver_until_done(pipeline.host, batch[min(failed):])
    assert attempts >= 2 and not s3_faults
    # Then every change has exactly one record, and both chains verify
    for model, count in ((first, 5), (second, 3)):
        records = pipeline.records(model["id"])
        assert [r["sequence"] for r in records] == list(range(1, count + 1))
        assert len({r["event_id"] for r in records}) == count
        assert api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body["intact"] is True
    # 8 changes of the two models, and the registration of the owner's team (the global chain)
    assert len(api.get("/api/v1/audit-logs", query="limit=100").body["items"]) == 9


def test_a_redelivered_batch_leaves_no_duplicate(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    batch = pipeline.pending()
    assert failed_positions(batch, deliver(pipeline.host, batch)) == []
    versions_before = pipeline.s3.list_object_versions(Bucket=pipeline.bucket, Prefix="audit/")["Versions"]
    # When the whole batch is delivered again (Lambda's at-least-once delivery)
    assert failed_positions(batch, deliver(pipeline.host, batch)) == []
    # Then nothing was written: not a record, not even a new version of one
    assert pipeline.s3.list_object_versions(Bucket=pipeline.bucket, Prefix="audit/")["Versions"] == versions_before
    assert len(api.get(f"/api/v1/models/{model['id']}/audit-logs").body["items"]) == 5


def test_only_audited_items_reach_the_function_and_index_items_never_feed_back(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    pipeline.flush()
    # When the function's own writes (heads, index items, event markers) and the counters reach the stream
    echoed = pipeline.stream.new_records()
    assert echoed, "audit_stream writes to the table"
    # Then the template's filter lets none of them through
    assert subscribed(pipeline.template, "AuditStreamFunction", echoed) == []
    assert {r["dynamodb"]["Keys"]["PK"]["S"].split("#")[0] for r in echoed} <= {"AUDIT", "AUDITHEAD", "AUDITEVENT", "AUDITFILTER", "AUDITDIGEST"}
    assert len(pipeline.records(model["id"])) == 5


# -- deletes -----------------------------------------------------------------------------------------


def test_a_delete_is_recorded_with_who_why_and_the_last_state_and_the_trail_outlives_the_model(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    # When an admin deletes the model (its versions and metrics go with it)
    deleted = api.call("DELETE", f"/api/v1/models/{model['id']}", role="admin", query="reason=Replaced+by+model+9")
    assert deleted.status == 204
    pipeline.flush()
    # Then the trail ends with one delete record saying who and why, and keeping the last state
    records = pipeline.records(model["id"])
    assert [r["action"] for r in records][-1:] == ["delete"] and len(records) == 6
    last = records[-1]
    assert last["actor"] == {"username": "ada.admin", "role": "admin"} and last["reason"] == "Replaced by model 9"
    assert last["changes"]["risk_level"] == {"before": "limited", "after": None}
    assert last["changes"]["name"] == {"before": "fraud-detector-v2", "after": None}
    # and the trail of the deleted model can still be read and verified
    assert api.get(f"/api/v1/models/{model['id']}/audit-logs").body["items"][0]["action"] == "delete"
    assert api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body["intact"] is True
    state = api.get(f"/api/v1/models/{model['id']}/as-of", query="at=2999-01-01T00:00:00Z").body
    assert state["deleted"] is True and state["last_change"]["actor"]["username"] == "ada.admin"


def test_an_unknown_model_has_no_trail(api: Api) -> None:
    for path in ("audit-logs", "audit-logs/verify", "audit-logs/export", "as-of"):
        answer = api.get(f"/api/v1/models/4242/{path}", role="auditor")
        assert answer.status == 404 and answer.body["error"]["code"] == "not_found", path


# -- the lock ----------------------------------------------------------------------------------------


def test_a_locked_record_cannot_be_deleted_or_conditionally_overwritten(api: Api, pipeline: AuditPipeline) -> None:
    model = _register(api)
    pipeline.flush()
    key = audit_record_key(model["id"], 1)
    head = pipeline.s3.head_object(Bucket=pipeline.bucket, Key=key)
    # Then the record is locked in COMPLIANCE mode by the bucket's default retention
    assert head["ObjectLockMode"] == "COMPLIANCE" and head["ObjectLockRetainUntilDate"]
    # When anyone deletes that version, S3 refuses
    with pytest.raises(ClientError) as refused:
        pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=key, VersionId=head["VersionId"])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    # When anyone writes that key the way the audit trail writes (If-None-Match), S3 refuses too
    with pytest.raises(ClientError) as taken:
        pipeline.s3.put_object(Bucket=pipeline.bucket, Key=key, Body=b"{}", IfNoneMatch="*")
    assert taken.value.response["Error"]["Code"] == "PreconditionFailed"
    assert api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body["intact"] is True


def test_the_template_lets_only_the_writer_put_only_new_records_and_nobody_delete(template: Template) -> None:
    # moto does not evaluate bucket policies (nor refuse shortening a COMPLIANCE retention): the rules are the template's
    resources = template.resources
    statements = {s["Sid"]: s for s in resources["AuditBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    overwrite = statements["DenyOverwrites"]
    assert (overwrite["Effect"], overwrite["Principal"], overwrite["Action"]) == ("Deny", "*", "s3:PutObject")
    assert overwrite["Condition"] == {"Null": {"s3:if-none-match": "true"}}
    writer_only = statements["OnlyTheAuditWriterWrites"]
    assert (writer_only["Effect"], writer_only["Principal"], writer_only["Action"]) == ("Deny", "*", "s3:PutObject")
    assert writer_only["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["AuditStreamFunctionRole", "Arn"]}}}
    deletes = statements["DenyDeletes"]
    assert (deletes["Effect"], deletes["Principal"]) == ("Deny", "*")
    assert set(deletes["Action"]) == {"s3:DeleteObject", "s3:DeleteObjectVersion"}
    lock = resources["AuditBucket"]["Properties"]["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert lock == {"Mode": "COMPLIANCE", "Days": {"Ref": "AuditRetentionDays"}}
    retention = template.document["Parameters"]["AuditRetentionDays"]
    assert retention["Default"] == 3650 and retention["MinValue"] >= 1
    # and the writer may only put and read records, never delete them or change their retention
    writer = resources["AuditStreamFunction"]["Properties"]["Policies"][0]["Statement"]
    granted = {a for s in writer for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not {a for a in granted if a.startswith("s3:") and a not in ("s3:PutObject", "s3:GetObject")}


def test_a_record_overwritten_behind_the_lock_is_detected_and_named(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    pipeline.flush()
    # Given someone stacks a new version on record 3 with a changed value (possible in moto, refused by the policy in AWS)
    key = audit_record_key(model["id"], 3)
    record = pipeline.records(model["id"])[2]
    record["changes"]["value"]["after"] = 0.99
    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=key, Body=json.dumps(record).encode())
    # When a user verifies the chain
    verdict = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify", role="auditor").body
    # Then it is not intact, and the first break is record 3, modified
    assert verdict["intact"] is False
    assert (verdict["first_break"]["sequence"], verdict["first_break"]["problem"]) == (3, "modified")
    assert verdict["head_hash"] == pipeline.records(model["id"])[1]["hash"]  # the last trustworthy record


def test_a_hidden_record_is_reported_missing(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    pipeline.flush()
    # Given record 2 is hidden behind a delete marker (refused by the bucket policy in AWS)
    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=audit_record_key(model["id"], 2))
    verdict = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body
    assert (verdict["intact"], verdict["first_break"]["sequence"], verdict["first_break"]["problem"]) == (False, 2, "missing")


def test_a_record_appended_past_the_head_that_does_not_continue_the_chain_is_reported(api: Api, pipeline: AuditPipeline) -> None:
    model, _ = _busy_model(api)
    pipeline.flush()
    records = pipeline.records(model["id"])
    forged = seal({**records[-1], "sequence": 6, "event_id": "forged", "reason": "backdated"}, records[2]["hash"])
    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=audit_record_key(model["id"], 6), Body=encode_record(forged), IfNoneMatch="*")
    verdict = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body
    assert verdict["intact"] is False and verdict["first_break"]["sequence"] == 6


# -- export and offline verification -----------------------------------------------------------------


def _export(functions: dict[str, FunctionHost], model_id: int, accept: str) -> tuple[int, dict[str, str], bytes]:
    path = f"/api/v1/models/{model_id}/audit-logs/export"
    event = http_event("GET", path, headers={"accept": accept}, route_key="GET /api/v1/models/{model_id}/audit-logs/export",
                       authorizer={"lambda": {"username": "aude.auditor", "role": "auditor"}})
    response = functions["AuditFunction"].invoke(event)
    import base64

    body = base64.b64decode(response["body"]) if response.get("isBase64Encoded") else response["body"].encode()
    return int(response["statusCode"]), response.get("headers") or {}, body


def _unpack(archive: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        bundle.extractall(into)
    (folder,) = list(into.iterdir())
    return folder


def test_an_export_verifies_offline_and_a_tampered_one_is_named(
    api: Api, pipeline: AuditPipeline, functions: dict[str, FunctionHost], tmp_path: Path
) -> None:
    model, _ = _busy_model(api)
    pipeline.flush()
    # When an auditor exports the trail as a zip
    status, headers, archive = _export(functions, model["id"], "application/zip")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    folder = _unpack(archive, tmp_path / "intact")
    # Then the bundle verifies offline, with the head the live system reports
    head = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify").body["head_hash"]
    result = verify_bundle(folder, expected_head=head)
    assert result["intact"] is True and result["records"] == 5 and result["head_hash"] == head
    # When one record of a copy is edited (a metric value)
    tampered = _unpack(archive, tmp_path / "tampered")
    record_file = tampered / "records" / "00000003.json"
    record_file.write_bytes(record_file.read_bytes().replace(b'"after":0.95', b'"after":0.99'))
    # Then the offline verifier names the file and the record
    problems = verify_bundle(tampered)["problems"]
    assert {"file": "records/00000003.json", "problem": "modified"}.items() <= problems[0].items()
    # When a record is removed from another copy, that is named too
    removed = _unpack(archive, tmp_path / "removed")
    (removed / "records" / "00000002.json").unlink()
    assert any(p["problem"] == "missing" for p in verify_bundle(removed)["problems"])


def test_an_export_without_accept_zip_is_an_expiring_link_to_the_same_bundle(
    api: Api, pipeline: AuditPipeline, functions: dict[str, FunctionHost], aws: dict[str, str]
) -> None:
    model = _register(api)
    pipeline.flush()
    status, _, body = _export(functions, model["id"], "application/json")
    link = json.loads(body)
    assert status == 200 and link["records"] == 1 and link["download_url"].startswith("https://")
    # The link points into the private reports bucket, under the prefix its lifecycle rule expires
    key = unquote(urlparse(link["download_url"]).path.lstrip("/"))
    assert key.startswith("reports/audit-exports/")
    stored = boto3.client("s3", region_name="us-east-1").get_object(Bucket=aws["ReportsBucket"], Key=key)["Body"].read()
    with zipfile.ZipFile(io.BytesIO(stored)) as bundle:
        manifest = json.loads(bundle.read(f"audit-model-{model['id']}/manifest.json"))
    assert manifest["head_hash"] == link["head_hash"] == pipeline.records(model["id"])[0]["hash"]


# -- as of a date ------------------------------------------------------------------------------------


def test_as_of_answers_which_version_was_approved_at_a_moment_and_who_approved_it(api: Api, pipeline: AuditPipeline) -> None:
    model = _register(api)
    assert api.post(classification_path(model["id"]), classification_body("minimal"), role="model_owner").status == 200
    first = _version(api, model["id"], "v1.0.0")
    assert api.call("PUT", plan_path(model["id"]), plan_body(review_cadence_days=90), role="model_owner").status == 200
    _status(api, model["id"], "under_review", "ready", role="model_owner")
    approved = _status(api, model["id"], "approved", "Annex IV complete")
    moment = approved["updated_at"]
    # Later: a new version, back to review, approved again by someone else... then the model is retired
    _version(api, model["id"], "v2.0.0")
    _status(api, model["id"], "under_review", "v2 needs review", role="model_owner")
    pipeline.flush()
    # When an auditor asks what held at the moment of the first approval
    state = api.get(f"/api/v1/models/{model['id']}/as-of", role="auditor", query=f"at={moment.replace('+', '%2B')}").body
    # Then: approved, version v1.0.0, approved by the admin for the reason given, and the last change was that approval
    assert state["existed"] is True and state["model"]["compliance_status"] == "approved"
    assert state["approved"]["version_id"] == first["id"] and state["approved"]["version_tag"] == "v1.0.0"
    assert state["approved"]["by"] == "ada.admin" and state["approved"]["reason"] == "Annex IV complete"
    # and which sealed snapshot holds exactly what was approved, and the monitoring plan in force then
    assert state["approved"]["snapshot_sha256"] == approved["approval"]["snapshot_sha256"]
    assert state["monitoring_plan"]["review_cadence_days"] == 90
    assert [m["metric"] for m in state["monitoring_plan"]["metrics"]] == [m["metric"] for m in PLAN["metrics"]]
    assert state["latest_version"]["version_tag"] == "v1.0.0"
    assert state["last_change"]["action"] == "status_change" and state["chain"]["intact"] is True
    # and now, the approval is no longer in force and the latest version is v2.0.0
    now = api.get(f"/api/v1/models/{model['id']}/as-of", role="auditor").body
    assert now["approved"] is None and now["latest_version"]["version_tag"] == "v2.0.0"
    # and before the model existed, it did not
    before = api.get(f"/api/v1/models/{model['id']}/as-of", query="at=2000-01-01T00:00:00Z").body
    assert before["existed"] is False and before["model"] is None


# -- lists and filters -------------------------------------------------------------------------------


def test_the_global_list_filters_by_model_actor_action_and_time_and_pages_with_a_cursor(api: Api, pipeline: AuditPipeline) -> None:
    first, _ = _busy_model(api)
    second = _register(api, "credit-scorer")
    _version(api, second["id"], "v1")
    review = _status(api, second["id"], "under_review", "ready")
    pipeline.flush()
    everything = api.get("/api/v1/audit-logs", role="auditor", query="limit=100").body["items"]
    assert len(everything) == 9  # 8 changes of the two models, and the registration of the owner's team
    assert [r["time"] for r in everything] == sorted((r["time"] for r in everything), reverse=True)
    # by model
    assert {r["model_id"] for r in api.get("/api/v1/audit-logs", query=f"model_id={second['id']}").body["items"]} == {second["id"]}
    # by actor (case-insensitive) and by action
    by_admin = api.get("/api/v1/audit-logs", query="actor=Ada.Admin").body["items"]
    assert [(r["model_id"], r["action"]) for r in by_admin] == [(second["id"], "status_change")]
    risk = api.get("/api/v1/audit-logs", query="action=risk_change").body["items"]
    assert [(r["model_id"], r["changes"]["risk_level"]["after"]) for r in risk] == [(first["id"], "limited")]
    # by time range: from the status change on
    since = api.get("/api/v1/audit-logs", query=f"from={review['updated_at'].replace('+', '%2B')}").body["items"]
    assert [r["action"] for r in since] == ["status_change"]
    until = api.get("/api/v1/audit-logs", query=f"to={review['updated_at'].replace('+', '%2B')}&model_id={second['id']}").body["items"]
    assert [(r["entity"], r["action"]) for r in until] == [("model", "status_change"), ("version", "create"), ("model", "create")]
    # pages of 3, following the cursor, give every record once
    seen, cursor = [], None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get("/api/v1/audit-logs", query=query).body
        seen += [(r["model_id"], r["sequence"]) for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 9 and len(set(seen)) == 9
    # a model's own list filters the same way, one filter (each an index) with a time range
    owner_only = api.get(f"/api/v1/models/{first['id']}/audit-logs", query="actor=omar.owner&limit=2").body
    assert len(owner_only["items"]) == 2 and owner_only["next_cursor"]
    creates = api.get(f"/api/v1/models/{first['id']}/audit-logs", query="action=create").body["items"]
    assert [r["sequence"] for r in creates] == [4, 3, 2, 1]
    metrics = api.get(f"/api/v1/models/{first['id']}/audit-logs", query="entity=metric").body["items"]
    assert {r["entity"] for r in metrics} == {"metric"} and len(metrics) == 2
    versions = api.get("/api/v1/audit-logs", query="entity=version").body["items"]
    assert {(r["model_id"], r["entity"]) for r in versions} == {(first["id"], "version"), (second["id"], "version")}
    # and two of actor, action, entity together are refused, naming both
    both = api.get("/api/v1/audit-logs", query="actor=omar.owner&action=create")
    assert both.status == 422 and {d["field"] for d in both.body["error"]["details"]} == {"actor", "action"}


def test_bad_filters_are_refused_with_the_field_named(api: Api) -> None:
    wrong_action = api.get("/api/v1/audit-logs", query="action=erase")
    assert wrong_action.status == 422 and wrong_action.body["error"]["details"][0]["field"] == "action"
    not_a_moment = api.get("/api/v1/audit-logs", query="to=0.5")
    assert not_a_moment.status == 422 and not_a_moment.body["error"]["details"][0]["field"] == "to"
    assert api.get("/api/v1/models/1/as-of", query="at=yesterday").status == 422
    backwards = api.get("/api/v1/audit-logs", query="from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z")
    assert backwards.status == 200 and backwards.body == {"items": [], "next_cursor": None}
    assert api.get("/api/v1/audit-logs", query="cursor=not-a-cursor").status == 400


def test_moments_utc_cannot_hold_are_refused_not_failed(api: Api) -> None:
    model = _register(api)
    # year 1 at +01:00 is still year 0 in UTC; year 9999 at -01:00 is already year 10000
    for query in ("from=0001-01-01T00:00:00%2B01:00", "to=9999-12-31T23:30:00-01:00"):
        answer = api.get("/api/v1/audit-logs", query=query)
        assert answer.status == 422 and answer.body["error"]["code"] == "validation_error", query
    assert api.get(f"/api/v1/models/{model['id']}/as-of", query="at=0001-01-01T00:00:00%2B01:00").status == 422
