"""Storage promises: no Scan, O(1) dashboard, cursor pagination, filters, counters equal to a recount."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import botocore.client
import pytest

from tests.integration.conftest import Api

RISKS = ["minimal", "limited", "high", "unacceptable"]


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):  # noqa: ANN001 - botocore's signature
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    yield calls


def _populate(api: Api, count: int) -> list[dict]:
    models = []
    for i in range(count):
        body = {"name": f"model-{i:03d}", "owner": ["Team A", "Team B"][i % 2], "risk_level": RISKS[i % 4],
                "domain": ["finance", "hr", "health"][i % 3]}
        models.append(api.post("/api/v1/models", body).body)
    return models


def test_no_request_path_scans_the_table(api: Api, dynamodb_calls: list[str]) -> None:
    models = _populate(api, 5)
    model_id = models[0]["id"]
    version = api.post("/api/v1/versions", {"model_id": model_id, "version_tag": "v1", "s3_path": "s3://b"}).body
    api.post("/api/v1/metrics", {"version_id": version["id"], "metric_name": "f1", "value": 0.8})
    for query in ("", "risk_level=high", "compliance_status=draft", "owner=team a", "domain=hr", "q=model-00",
                  "risk_level=high&compliance_status=draft", "name=MODEL-001", "owner=Team A&domain=finance"):
        assert api.get("/api/v1/models", query=query).status == 200
    api.get(f"/api/v1/models/{model_id}")
    api.get(f"/api/v1/models/{model_id}/versions")
    api.get(f"/api/v1/versions/{version['id']}/metrics")
    api.get("/api/v1/dashboard/stats")
    api.patch(f"/api/v1/models/{model_id}/compliance-status", {"status": "under_review", "reason": "r"})
    api.call("DELETE", f"/api/v1/models/{model_id}", query="reason=cleanup")
    assert dynamodb_calls and "Scan" not in dynamodb_calls


def test_filters_select_exactly_the_matching_models(api: Api) -> None:
    models = _populate(api, 12)

    def names(query: str) -> list[str]:
        return [m["name"] for m in api.get("/api/v1/models", query=query + "&limit=100").body["items"]]

    assert names("risk_level=high") == [m["name"] for m in models if m["risk_level"] == "high"]
    assert names("owner=TEAM B") == [m["name"] for m in models if m["owner"] == "Team B"]
    assert names("domain=finance&risk_level=minimal") == [m["name"] for m in models if m["domain"] == "finance" and m["risk_level"] == "minimal"]
    assert names("q=MODEL-01") == ["model-010", "model-011"]
    assert names("name=model-005") == ["model-005"]
    assert names("compliance_status=approved") == []


def test_cursor_pagination_walks_every_model_once_in_name_order(api: Api) -> None:
    models = _populate(api, 23)
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=10" + (f"&cursor={cursor}" if cursor else "")
        page = api.get("/api/v1/models", query=query).body
        seen += [m["name"] for m in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(m["name"] for m in models)
    assert pages == 3


def test_dashboard_reads_the_same_number_of_items_however_many_models(api: Api, dynamodb_calls: list[str]) -> None:
    _populate(api, 3)
    dynamodb_calls.clear()
    api.get("/api/v1/dashboard/stats")
    few = list(dynamodb_calls)
    _populate_more = [api.post("/api/v1/models", {"name": f"more-{i}", "owner": "x"}) for i in range(30)]
    assert all(a.status == 201 for a in _populate_more)
    dynamodb_calls.clear()
    api.get("/api/v1/dashboard/stats")
    assert dynamodb_calls == few == ["GetItem"]


def test_counters_equal_a_recount_after_mixed_changes(api: Api) -> None:
    models = _populate(api, 10)
    for m in models[:6]:
        api.patch(f"/api/v1/models/{m['id']}/compliance-status", {"status": "under_review", "reason": "r"})
    for m in models[:3]:
        api.patch(f"/api/v1/models/{m['id']}/compliance-status", {"status": "approved", "reason": "r"})
    api.patch(f"/api/v1/models/{models[0]['id']}/compliance-status", {"status": "retired", "reason": "r"})
    api.patch(f"/api/v1/models/{models[7]['id']}/risk-profile", {"risk_level": "high", "justification": "j"})
    api.call("DELETE", f"/api/v1/models/{models[9]['id']}", query="reason=dup")
    api.patch(f"/api/v1/models/{models[1]['id']}/compliance-status", {"status": "draft", "reason": "illegal"})  # 409
    items = api.get("/api/v1/models", query="limit=100").body["items"]
    stats = api.get("/api/v1/dashboard/stats").body
    assert stats["total"] == len(items) == 9
    assert stats["by_status"] == {s: Counter(m["compliance_status"] for m in items)[s] for s in stats["by_status"]}
    assert stats["by_risk_level"] == {r: Counter(m["risk_level"] for m in items)[r] for r in RISKS}
    for risk in RISKS:
        for status, count in stats["matrix"][risk].items():
            assert count == sum(1 for m in items if m["risk_level"] == risk and m["compliance_status"] == status)
