"""Compliance reports over the reports function, with moto: PDF behind a presigned URL, JSON, 404, records, bulk packs."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests
from boto3.dynamodb.conditions import Key

from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.harness import TableStream
from tests.integration.conftest import ROLE_USERS, Api

REPORTS = "/api/v1/reports"


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make system-deps)")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def download(url: str) -> bytes:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.content


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def register(api: Api, name: str, risk_level: str = "high", *, version: bool = True, metrics: bool = True) -> dict[str, Any]:
    """A model as CI registers it: the model, one version and (optionally) its evaluation metrics."""
    model = api.post("/api/v1/models", {
        "name": name, "owner": "Payments ML", "risk_level": risk_level, "domain": "finance",
        "intended_purpose": f"{name}: score card transactions for fraud",
    }, role="model_owner")
    assert model.status == 201, model.body
    if not version:
        return model.body
    registered = api.post("/api/v1/versions", {"model_id": model.body["id"], "version_tag": "v1.0.0",
                                               "s3_path": f"s3://models/{name}/v1.0.0"}, role="model_owner")
    assert registered.status == 201, registered.body
    if metrics:
        recorded = api.post("/api/v1/metrics", {"version_id": registered.body["id"], "metrics": [
            {"metric_name": "accuracy", "value": 0.953}, {"metric_name": "demographic_parity_difference", "value": 0.04}]},
            role="model_owner")
        assert recorded.status == 201, recorded.body
    return model.body


def report_items(table: str, model_id: int) -> list[dict[str, Any]]:
    """The generation records as the audit stream sees them: items under the model with SK REPORT#…"""
    query = boto3.resource("dynamodb").Table(table).query(
        KeyConditionExpression=Key("PK").eq(f"MODEL#{model_id}") & Key("SK").begins_with("REPORT#"))
    return query["Items"]


def bucket_keys(bucket: str) -> list[str]:
    return [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


# -- one model, PDF ------------------------------------------------------------------------------------------------


def test_pdf_report_redirects_to_a_presigned_url_that_downloads_the_pdf(api: Api) -> None:
    # Given a registered, measured model
    model = register(api, "fraud-detector")
    # When an auditor asks for its compliance report, as `curl -L` does
    answer = api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor", headers={"accept": "*/*"})
    # Then the answer is a 303 to a presigned URL, and following it downloads a PDF naming the model
    assert answer.status == 303
    location = answer.headers["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    pdf = download(location)
    assert pdf.startswith(b"%PDF-")
    assert "fraud-detector" in pdf_text(pdf)
    assert sha256(pdf) == answer.headers["X-Report-Sha256"]


def test_json_accept_answers_the_link_and_the_bytes_match_its_sha256(api: Api) -> None:
    model = register(api, "credit-scorer")
    before = datetime.now(UTC)
    answer = api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor",
                     headers={"accept": "application/json"})
    assert answer.status == 200
    assert {"url", "expires_at", "sha256", "size_bytes"} <= set(answer.body)
    pdf = download(answer.body["url"])
    assert sha256(pdf) == answer.body["sha256"]
    assert len(pdf) == answer.body["size_bytes"]
    expires = datetime.fromisoformat(answer.body["expires_at"])
    assert before + timedelta(seconds=295) <= expires <= datetime.now(UTC) + timedelta(seconds=305)
    assert answer.body["file_name"].startswith("compliance-report-credit-scorer-") and answer.body["file_name"].endswith(".pdf")


@pytest.mark.parametrize("accept, status", [
    ("*/*", 303),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 303),
    ("application/pdf", 303),
    ("application/json", 200),
    ("application/json, text/plain, */*", 200),
    ("application/pdf;q=1, application/json;q=0.5", 303),
])
def test_accept_header_chooses_between_the_redirect_and_the_json_link(api: Api, accept: str, status: int) -> None:
    model = register(api, "accept-probe", version=False)
    assert api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor", headers={"accept": accept}).status == status


def test_the_pdf_is_stored_privately_encrypted_and_named_for_download(api: Api, aws: dict[str, str]) -> None:
    model = register(api, "stored-report", version=False)
    api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor")
    (key,) = bucket_keys(aws["ReportsBucket"])
    head = boto3.client("s3").head_object(Bucket=aws["ReportsBucket"], Key=key)
    assert key.startswith(f"reports/model={model['id']}/")
    assert head["ContentType"] == "application/pdf"
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentDisposition"].startswith('attachment; filename="compliance-report-stored-report-')


def test_every_role_may_download_reports(api: Api) -> None:
    model = register(api, "every-role", version=False)
    for role in ROLE_USERS:
        assert api.get(f"{REPORTS}/{model['id']}/compliance-report", role=role).status == 303, role
        assert api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role=role).status == 200, role


def test_a_caller_without_a_role_gets_no_report(api: Api) -> None:
    model = register(api, "no-role", version=False)
    answer = api.get(f"{REPORTS}/{model['id']}/compliance-report", role="", user="nobody")
    assert answer.status == 403 and answer.body["error"]["code"] == "forbidden"


# -- 404 -----------------------------------------------------------------------------------------------------------


def test_a_model_that_does_not_exist_is_404_and_nothing_is_generated(api: Api, aws: dict[str, str]) -> None:
    pdf = api.get(f"{REPORTS}/4242/compliance-report", role="auditor")
    content = api.get(f"{REPORTS}/4242/compliance-report.json", role="auditor")
    assert pdf.status == 404 and pdf.body["error"]["code"] == "not_found"
    assert content.status == 404 and content.body["error"]["code"] == "not_found"
    assert "4242" in pdf.body["error"]["message"]
    assert bucket_keys(aws["ReportsBucket"]) == []
    assert report_items(aws["Table"], 4242) == []


def test_a_deleted_model_is_404(api: Api) -> None:
    model = register(api, "short-lived", version=False)
    assert api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=withdrawn").status == 204
    assert api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor").status == 404


# -- JSON content --------------------------------------------------------------------------------------------------


def test_json_content_is_the_report_for_tools(api: Api) -> None:
    model = register(api, "json-report")
    answer = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="auditor")
    assert answer.status == 200
    content = answer.body
    assert content["schema"] == "govhub.compliance-report/1"
    assert content["model"]["name"] == "json-report" and content["model"]["risk_level"] == "high"
    assert content["summary"]["versions"] == 1 and content["summary"]["metrics"] == 2
    assert content["report"]["generated_by"] == {"username": ROLE_USERS["auditor"], "role": "auditor"}
    assert [s["id"] for s in content["sections"]][:2] == ["general_description", "versions"]
    assert len(content["content_sha256"]) == 64


def test_json_content_pages_through_every_version_and_metric(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a model with more versions and metrics than one page of the registry holds (pages of 2 here)
    monkeypatch.setattr("govhub.services.reports.PAGE_SIZE", 2)
    model = register(api, "many-versions", metrics=False)
    for n in range(2, 6):
        version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": f"v{n}",
                                                "s3_path": f"s3://m/v{n}"}, role="model_owner").body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": [
        {"metric_name": f"m{i}", "value": i / 10} for i in range(5)]}, role="model_owner")
    # When its report content is read
    content = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="auditor").body
    # Then every version and metric is in it
    assert content["summary"]["versions"] == 5
    assert content["summary"]["metrics"] == 5


def test_metrics_are_judged_against_the_active_policy_thresholds(api: Api) -> None:
    # Given a high-risk model whose latest accuracy is below the default policy's minimum (0.9)
    model = register(api, "under-threshold", metrics=False)
    version = api.get(f"/api/v1/models/{model['id']}").body["latest_version"]
    api.post("/api/v1/metrics", {"version_id": version["id"], "metrics": [
        {"metric_name": "accuracy", "value": 0.85}, {"metric_name": "demographic_parity_difference", "value": 0.04}]},
        role="model_owner")
    # When its report content is read
    content = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="auditor").body
    # Then the policy's thresholds for high risk are applied, and the failing one is a finding
    evaluation = next(s["data"] for s in content["sections"] if s["id"] == "evaluation")
    assert evaluation["policy"]["name"] == "EU AI Act baseline"
    checks = {(c["metric_name"], c["op"], c["threshold"]): c["result"] for c in evaluation["policy_checks"]}
    assert checks == {("accuracy", ">=", 0.9): "fail", ("demographic_parity_difference", "<=", 0.1): "pass"}
    assert "Threshold not met: accuracy" in [f["title"] for f in content["findings"]]


def _obligations_section(content: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in content["sections"] if s["id"] == "obligations")["data"]


def test_the_report_carries_the_obligations_checklist_of_the_obligations_route(api: Api) -> None:
    # Given a registered, measured high-risk model
    model = register(api, "obligations-report")
    # When the obligations route and the report are read
    obligations = api.get(f"/api/v1/models/{model['id']}/obligations", role="auditor").body
    content = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="auditor").body
    # Then the report's checklist is the route's, item for item
    checklist = _obligations_section(content)["checklist"]
    for key in ("risk_level", "policy_version", "summary", "items"):
        assert checklist[key] == obligations[key], key
    assert [item["article"] for item in checklist["items"]][:3] == ["Art. 4", "Art. 9", "Art. 10"]
    assert content["summary"]["obligations"] == obligations["summary"]


def test_the_report_carries_the_policy_check_of_the_next_step(api: Api) -> None:
    # Given a limited-risk draft model: its next step is the review, which no caller's role changes
    model = register(api, "check-report", risk_level="limited")
    check = api.get(f"/api/v1/models/{model['id']}/compliance-check", role="auditor").body
    content = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="auditor").body
    # Then the report lists the same rules with the same results, reasons and articles
    reported = _obligations_section(content)["policy_check"]
    assert (reported["target"], reported["outcome"], reported["policy_version"]) == ("under_review", check["outcome"], check["policy_version"])
    assert [(i["rule_id"], i["status"], i["reason"], i["article"]) for i in reported["items"]] == [
        (i["rule_id"], i["status"], i["reason"], i["article"]) for i in check["items"]]


def test_the_pdf_shows_the_obligations_of_the_models_risk_level(api: Api) -> None:
    model = register(api, "obligations-pdf", risk_level="limited")
    answer = api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor", headers={"accept": "application/json"})
    text = " ".join(pdf_text(download(answer.body["url"])).split())
    section = text[text.rindex("7. EU AI Act obligations"):text.index("8. Lifecycle changes", text.rindex("7. EU AI Act obligations"))]
    assert "Art. 50 Transparency obligations" in section
    assert "✓ Intended purpose: documented." in section
    assert "Art. 9 " not in section.split("7.2 Policy check")[0]  # the policy check below cites Art. 9 (risk-classified)


# -- generation records --------------------------------------------------------------------------------------------


def test_each_generation_is_recorded_for_the_audit_trail(api: Api, aws: dict[str, str]) -> None:
    model = register(api, "recorded")
    link = api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor",
                   headers={"accept": "application/json"}).body
    content = api.get(f"{REPORTS}/{model['id']}/compliance-report.json", role="admin")
    items = {item["format"]: item for item in report_items(aws["Table"], model["id"])}
    pdf, as_json = items["pdf"], items["json"]
    assert pdf["entity"] == "report" and int(pdf["model_id"]) == model["id"]
    assert pdf["updated_by"] == ROLE_USERS["auditor"] and pdf["updated_by_role"] == "auditor"
    assert pdf["change_reason"] == "Compliance report generated"
    assert pdf["report_id"] == link["report_id"] and pdf["sha256"] == link["sha256"]
    assert int(pdf["size_bytes"]) == link["size_bytes"]
    assert pdf["s3_key"] == f"reports/model={model['id']}/{link['report_id']}.pdf"
    assert pdf["SK"].startswith("REPORT#") and pdf["SK"].endswith(f"#{link['report_id']}")
    assert as_json["updated_by"] == ROLE_USERS["admin"]
    assert as_json["sha256"] == content.headers["X-Report-Sha256"]
    assert "s3_key" not in as_json or as_json["s3_key"] is None


def test_a_report_generation_changes_nothing_on_the_model(api: Api) -> None:
    model = register(api, "unchanged", version=False)
    before = api.get(f"/api/v1/models/{model['id']}").body
    api.get(f"{REPORTS}/{model['id']}/compliance-report", role="auditor")
    assert api.get(f"/api/v1/models/{model['id']}").body == before


# -- bulk packs ----------------------------------------------------------------------------------------------------


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_small_bulk_pack_zips_exactly_the_high_risk_models(api: Api, aws: dict[str, str]) -> None:
    # Given three high-risk models among others (scenario 2: the regulator asks for the high-risk systems)
    high = [register(api, name) for name in ("fraud-a", "fraud-b", "fraud-c")]
    for name, risk in (("chatbot", "limited"), ("recommender", "minimal")):
        register(api, name, risk)
    # When an auditor requests the pack for risk_level=high
    answer = api.post(f"{REPORTS}/bulk", {"risk_level": "high"}, role="auditor")
    # Then it is built at once, and its ZIP holds one PDF per high-risk model and a manifest
    assert answer.status == 201, answer.body
    job = answer.body
    assert job["status"] == "done" and job["total"] == 3 and job["done"] == 3
    assert answer.headers["Location"] == f"{REPORTS}/bulk/{job['job_id']}"
    data = download(job["url"])
    assert sha256(data) == job["sha256"] and len(data) == job["size_bytes"]
    members = zip_members(data)
    manifest = json.loads(members.pop("manifest.json"))
    assert sorted(members) == sorted(f"{m['id']}-{m['name']}.pdf" for m in high)
    assert {r["name"] for r in manifest["reports"]} == {"fraud-a", "fraud-b", "fraud-c"}
    assert manifest["filters"] == {"risk_level": "high"}
    for entry in manifest["reports"]:
        pdf = members[entry["file"]]
        assert sha256(pdf) == entry["sha256"]
        assert entry["name"] in pdf_text(pdf)


def test_each_report_in_a_pack_is_a_recorded_generation(api: Api, aws: dict[str, str]) -> None:
    models = [register(api, name, version=False) for name in ("pack-a", "pack-b")]
    job = api.post(f"{REPORTS}/bulk", {"q": "pack-"}, role="auditor").body
    for model in models:
        (item,) = report_items(aws["Table"], model["id"])
        assert item["bulk_job_id"] == job["job_id"]
        assert item["updated_by"] == ROLE_USERS["auditor"]
        assert item["s3_key"] == f"reports/packs/{job['job_id']}.zip"


def test_polling_a_finished_pack_gives_a_fresh_link(api: Api) -> None:
    register(api, "polled", version=False)
    job = api.post(f"{REPORTS}/bulk", {"q": "polled"}, role="model_owner").body
    polled = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor")
    assert polled.status == 200
    assert polled.body["status"] == "done" and polled.body["sha256"] == job["sha256"]
    assert sha256(download(polled.body["url"])) == job["sha256"]


def test_bulk_pack_with_no_matching_model_is_404(api: Api) -> None:
    register(api, "only-minimal", "minimal", version=False)
    answer = api.post(f"{REPORTS}/bulk", {"risk_level": "unacceptable"}, role="auditor")
    assert answer.status == 404 and answer.body["error"]["code"] == "not_found"
    assert "risk_level=unacceptable" in answer.body["error"]["message"]


@pytest.mark.parametrize("body", [{"risk_level": "extreme"}, {"colour": "red"}, {"owner": ""}])
def test_bulk_pack_with_a_bad_filter_is_422(api: Api, body: dict[str, Any]) -> None:
    answer = api.post(f"{REPORTS}/bulk", body, role="auditor")
    assert answer.status == 422 and answer.body["error"]["code"] == "validation_error"


def test_unknown_job_is_404(api: Api) -> None:
    answer = api.get(f"{REPORTS}/bulk/0123456789abcdef0123456789abcdef", role="auditor")
    assert answer.status == 404 and answer.body["error"]["code"] == "not_found"


# -- large packs: queued, then built by the jobs function from the table's stream ----------------------------------


def queued_job_records(aws: dict[str, str], template: Template) -> list[dict[str, Any]]:
    """The records Lambda would deliver to the jobs function: the stream so far, filtered as the template says."""
    stream = TableStream(aws["Table.StreamArn"], template, "ReportJobsFunction")
    return stream.subscribed(stream.new_records())


def run_jobs_function(functions: dict[str, FunctionHost], records: list[dict[str, Any]]) -> dict[str, Any]:
    return functions["ReportJobsFunction"].invoke({"Records": records})


def register_many(api: Api, count: int, prefix: str, risk_level: str = "high") -> list[dict[str, Any]]:
    return [register(api, f"{prefix}-{n:02d}", risk_level, version=False) for n in range(count)]


def test_large_pack_is_queued_then_built_by_the_jobs_function(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    # Given more high-risk models than a request builds at once (5)
    high = register_many(api, 6, "bulk-high")
    register_many(api, 1, "bulk-low", "minimal")
    # When the pack is requested
    answer = api.post(f"{REPORTS}/bulk", {"risk_level": "high"}, role="auditor")
    # Then it is queued, with its size known and no link yet
    assert answer.status == 202, answer.body
    job = answer.body
    assert (job["status"], job["total"], job["done"], job["url"]) == ("queued", 6, 0, None)
    assert api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body["status"] == "queued"
    # When the table's stream delivers the job item to the jobs function
    records = queued_job_records(aws, template)
    assert [r["dynamodb"]["NewImage"]["job_id"]["S"] for r in records] == [job["job_id"]]
    assert run_jobs_function(functions, records) == {"batchItemFailures": []}
    # Then polling shows it done, and its ZIP holds exactly the high-risk models
    done = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body
    assert (done["status"], done["done"], done["total"]) == ("done", 6, 6)
    members = zip_members(download(done["url"]))
    members.pop("manifest.json")
    assert sorted(members) == sorted(f"{m['id']}-{m['name']}.pdf" for m in high)


def test_progress_of_a_queued_pack_is_written_report_by_report(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    register_many(api, 6, "progress")
    job = api.post(f"{REPORTS}/bulk", {"q": "progress-"}, role="auditor").body
    run_jobs_function(functions, queued_job_records(aws, template))
    # the job item's images on the stream: what a poller would have read while it ran
    images = [r["dynamodb"]["NewImage"] for r in TableStream(aws["Table.StreamArn"]).new_records()
              if r["dynamodb"]["Keys"]["PK"]["S"] == f"REPORTJOB#{job['job_id']}"]
    seen = [(i["status"]["S"], int(i["done"]["N"])) for i in images]
    assert seen == [("queued", 0), ("running", 0)] + [("running", n) for n in range(1, 7)] + [("done", 6)]


def test_the_stream_filter_selects_only_newly_queued_jobs(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    # Given a small pack (built at once), a large one (queued), and the jobs function having run
    register_many(api, 1, "filter-small", "limited")
    register_many(api, 6, "filter-large")
    small = api.post(f"{REPORTS}/bulk", {"risk_level": "limited"}, role="auditor").body
    large = api.post(f"{REPORTS}/bulk", {"risk_level": "high"}, role="auditor").body
    run_jobs_function(functions, queued_job_records(aws, template))
    # Then of all the stream's records (models, versions, report records, job progress) only the queued job's insert matches
    records = queued_job_records(aws, template)
    assert small["status"] == "done"
    assert [(r["eventName"], r["dynamodb"]["NewImage"]["job_id"]["S"]) for r in records] == [("INSERT", large["job_id"])]


def test_a_redelivered_job_record_does_not_build_the_pack_twice(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    models = register_many(api, 6, "redelivered")
    job = api.post(f"{REPORTS}/bulk", {"q": "redelivered-"}, role="auditor").body
    records = queued_job_records(aws, template)
    run_jobs_function(functions, records)
    first = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body
    assert run_jobs_function(functions, records) == {"batchItemFailures": []}
    again = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body
    assert again["sha256"] == first["sha256"]
    assert all(len(report_items(aws["Table"], m["id"])) == 1 for m in models)


def test_a_model_deleted_after_the_pack_was_queued_is_listed_as_skipped(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    models = register_many(api, 6, "vanishing")
    job = api.post(f"{REPORTS}/bulk", {"q": "vanishing-"}, role="auditor").body
    gone = models[2]
    assert api.call("DELETE", f"/api/v1/models/{gone['id']}", query="reason=withdrawn").status == 204
    run_jobs_function(functions, queued_job_records(aws, template))
    done = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body
    assert done["status"] == "done" and done["done"] == 6
    assert [s["model_id"] for s in done["skipped"]] == [gone["id"]]
    members = zip_members(download(done["url"]))
    manifest = json.loads(members.pop("manifest.json"))
    assert len(members) == 5 and [s["model_id"] for s in manifest["skipped"]] == [gone["id"]]


def test_a_pack_that_cannot_be_built_ends_failed_with_a_reason(
    api: Api, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    register_many(api, 6, "unstorable")
    job = api.post(f"{REPORTS}/bulk", {"q": "unstorable-"}, role="auditor").body
    # the reports bucket is gone (e.g. deleted by hand): storing the ZIP fails
    s3 = boto3.resource("s3").Bucket(aws["ReportsBucket"])
    s3.objects.all().delete()
    s3.delete()
    assert run_jobs_function(functions, queued_job_records(aws, template)) == {"batchItemFailures": []}
    failed = api.get(f"{REPORTS}/bulk/{job['job_id']}", role="auditor").body
    assert failed["status"] == "failed" and failed["url"] is None
    assert "Request it again" in failed["error"]


# -- the template's promises (moto does not enforce these, so they are checked where they are made) ----------------


def test_reports_bucket_is_private_encrypted_tls_only_and_expiring(template: Template) -> None:
    bucket = template.resources["ReportsBucket"]["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
    assert all(bucket["PublicAccessBlockConfiguration"][k] is True for k in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == {"Ref": "ReportRetentionDays"}
    assert "VersioningConfiguration" not in bucket
    (deny,) = template.resources["ReportsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_report_url_lifetime_is_a_template_parameter(template: Template) -> None:
    assert template.document["Parameters"]["ReportUrlTtlSeconds"]["Default"] == 300
    for name in ("ReportsFunction", "ReportJobsFunction"):
        variables = template.functions()[name]["Properties"]["Environment"]["Variables"]
        assert variables["REPORT_URL_TTL_SECONDS"] == {"Ref": "ReportUrlTtlSeconds"}
        assert variables["REPORTS_BUCKET"] == {"Ref": "ReportsBucket"}


def test_report_functions_write_only_to_the_reports_bucket_and_only_read_the_audit_trail(template: Template) -> None:
    for name in ("ReportsFunction", "ReportJobsFunction"):
        statements = [s for p in template.functions()[name]["Properties"]["Policies"] if "Statement" in p for s in p["Statement"]]
        s3 = [s for s in statements if any(a.startswith("s3:") for a in _actions(s))]
        writes = [s for s in s3 if "s3:PutObject" in _actions(s)]
        assert [(sorted(_actions(s)), s["Resource"]) for s in writes] == [
            (["s3:GetObject", "s3:PutObject"], {"Fn::Sub": "${ReportsBucket.Arn}/reports/*"})]
        reads = {(tuple(_actions(s)), json.dumps(s["Resource"])) for s in s3 if s not in writes}
        assert reads == {(("s3:GetObject",), json.dumps({"Fn::Sub": "${AuditBucket.Arn}/audit/*"})),
                         (("s3:ListBucket",), json.dumps({"Fn::GetAtt": ["AuditBucket", "Arn"]}))}
        table = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
        counters = ["RATELIMIT#*"] if name == "ReportsFunction" else []  # the HTTP function counts bulk requests per caller
        assert table[0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["MODEL#*", "REPORTJOB#*", *counters]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else list(actions)
