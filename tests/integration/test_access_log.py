"""Reading a report leaves no trace in the model's change chain: it goes to the access log, apart in the audit bucket,
where auditors find who fetched which report when. Bulk packs are rate-limited per caller."""

from __future__ import annotations

import json
from typing import Any

import boto3

from govhub.config import settings
from tests.integration.conftest import ROLE_USERS, Api
from tests.integration.test_audit_trail import AuditPipeline, pipeline  # noqa: F401 - the fixture
from tests.integration.test_reports import REPORTS, register

ACCESS = "/api/v1/access-logs"


def _reports(api: Api, model_id: int) -> tuple[dict[str, Any], Any]:
    link = api.get(f"{REPORTS}/{model_id}/compliance-report", role="auditor", headers={"accept": "application/json"})
    assert link.status == 200, link.body
    content = api.get(f"{REPORTS}/{model_id}/compliance-report.json", role="admin")
    assert content.status == 200, content.body
    return link.body, content


def test_report_generations_leave_the_chain_as_it_was(api: Api, pipeline: AuditPipeline) -> None:  # noqa: F811
    # Given a model whose changes are all in its chain
    model = register(api, "read-only-reports")
    pipeline.flush()
    before = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify", role="auditor").body
    keys_before = pipeline.keys(model["id"])
    # When an auditor and an admin fetch its reports, and the stream is processed
    _reports(api, model["id"])
    pipeline.flush()
    # Then its chain has the same records and the same head
    assert pipeline.keys(model["id"]) == keys_before
    after = api.get(f"/api/v1/models/{model['id']}/audit-logs/verify", role="auditor").body
    assert after == before and after["intact"]
    actions = [r["action"] for r in api.get(f"/api/v1/models/{model['id']}/audit-logs", role="auditor").body["items"]]
    assert "report_generated" not in actions


def test_auditors_find_who_fetched_which_report_when(api: Api, pipeline: AuditPipeline) -> None:  # noqa: F811
    model = register(api, "watched-reports")
    link, content = _reports(api, model["id"])
    pipeline.flush()
    answer = api.get(ACCESS, role="auditor", query=f"model_id={model['id']}")
    assert answer.status == 200, answer.body
    items = answer.body["items"]
    assert [(i["actor"]["username"], i["report"]["format"]) for i in items] == [
        (ROLE_USERS["admin"], "json"), (ROLE_USERS["auditor"], "pdf")]  # newest first
    pdf = items[1]
    assert pdf["action"] == "report_generated" and pdf["model_id"] == model["id"]
    assert pdf["report"]["report_id"] == link["report_id"] and pdf["report"]["sha256"] == link["sha256"]
    assert pdf["actor"]["role"] == "auditor" and pdf["time"]
    assert items[0]["report"]["sha256"] == content.headers["X-Report-Sha256"]
    # and each access is an object of its own in the audit bucket, outside every model's chain
    s3 = boto3.client("s3", region_name="us-east-1")
    stored = s3.list_objects_v2(Bucket=settings().audit_bucket, Prefix="access/")["Contents"]
    bodies = [json.loads(s3.get_object(Bucket=settings().audit_bucket, Key=o["Key"])["Body"].read()) for o in stored]
    assert {b["report"]["report_id"] for b in bodies} >= {link["report_id"]}


def test_the_access_log_lists_a_day_filtered_by_actor_and_pages(api: Api, pipeline: AuditPipeline) -> None:  # noqa: F811
    first, second = register(api, "day-one", version=False), register(api, "day-two", version=False)
    for model in (first, second):
        _reports(api, model["id"])
    pipeline.flush()
    today = api.get(ACCESS, role="auditor").body["items"]
    assert len(today) == 4
    day = today[0]["time"][:10]
    by_auditor = api.get(ACCESS, role="auditor", query=f"day={day}&actor={ROLE_USERS['auditor']}").body["items"]
    assert {i["model_id"] for i in by_auditor} == {first["id"], second["id"]}
    assert all(i["actor"]["username"] == ROLE_USERS["auditor"] for i in by_auditor)
    page = api.get(ACCESS, role="auditor", query="limit=3")
    rest = api.get(ACCESS, role="auditor", query=f"limit=3&cursor={page.body['next_cursor']}")
    assert len(page.body["items"]) == 3 and len(rest.body["items"]) == 1


def test_a_redelivered_access_is_logged_once(api: Api, pipeline: AuditPipeline) -> None:  # noqa: F811
    model = register(api, "redelivered", version=False)
    _reports(api, model["id"])
    batch = pipeline.pending()
    pipeline.host.invoke({"Records": batch})
    pipeline.host.invoke({"Records": batch})
    assert len(api.get(ACCESS, role="auditor", query=f"model_id={model['id']}").body["items"]) == 2


def test_bad_access_log_queries_are_refused_and_odd_days_are_empty(api: Api, pipeline: AuditPipeline) -> None:  # noqa: F811
    assert api.get(ACCESS, role="auditor", query="day=yesterday").status == 422
    assert api.get(ACCESS, role="auditor", query="day=2026-02-30").body["items"] == []
    model = register(api, "one-day", version=False)
    _reports(api, model["id"])
    pipeline.flush()
    today = api.get(ACCESS, role="auditor", query=f"model_id={model['id']}").body["items"][0]["time"][:10]
    assert len(api.get(ACCESS, role="auditor", query=f"model_id={model['id']}&day={today}").body["items"]) == 2
    assert api.get(ACCESS, role="auditor", query=f"model_id={model['id']}&day=2020-01-01").body["items"] == []


def test_bulk_pack_requests_are_rate_limited_per_caller(api: Api) -> None:
    limit = settings().bulk_reports_per_window
    answers = [api.post(f"{REPORTS}/bulk", {"q": "nothing-matches"}, role="auditor") for _ in range(limit + 1)]
    assert [a.status for a in answers[:limit]] == [404] * limit
    refused = answers[-1]
    assert refused.status == 429, refused.body
    assert refused.body["error"]["code"] == "too_many_requests"
    retry_after = {k.lower(): v for k, v in refused.headers.items()}["retry-after"]
    assert 1 <= int(retry_after) <= settings().bulk_reports_window_seconds
    # another caller is not held back by this one
    assert api.post(f"{REPORTS}/bulk", {"q": "nothing-matches"}, role="auditor", user="other.auditor").status == 404
