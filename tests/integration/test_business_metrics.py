"""The figures operations watch, as CloudWatch Embedded Metric Format lines the functions print (namespace
GovernanceHub): models registered, status changes, policy refusals, report render time, audit lag."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.conftest import FRAUD_DETECTOR, Api
from tests.integration.test_audit_trail import AuditPipeline, pipeline  # noqa: F401 - the fixture


def _emitted(text: str) -> dict[str, list[float]]:
    """Every metric value in the EMF lines of `text`, by name."""
    values: dict[str, list[float]] = {}
    for line in text.splitlines():
        try:
            blob = json.loads(line)
        except ValueError:
            continue
        if not isinstance(blob, dict) or "_aws" not in blob:
            continue
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "GovernanceHub"
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                values.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    return values


def test_registering_a_model_and_changing_its_status_are_counted(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    model = api.post("/api/v1/models", {**FRAUD_DETECTOR, "risk_level": "minimal"}, role="model_owner").body
    retired = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "retired", "reason": "unused"}, role="admin")
    assert retired.status == 200, retired.body
    emitted = _emitted(capsys.readouterr().out)
    assert emitted["ModelsRegistered"] == [1]
    assert emitted["StatusChanges"] == [1]


def test_a_step_the_policy_refuses_is_counted(api: Api, model: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    # a high-risk model without documentation, versions or metrics: the default policy refuses review
    refused = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "under_review", "reason": "go"}, role="model_owner")
    assert refused.status == 422 and refused.body["error"]["code"] == "policy_violation"
    assert _emitted(capsys.readouterr().out)["PolicyRefusals"] == [1]


def test_a_reports_render_time_is_measured(api: Api, model: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    answer = api.get(f"/api/v1/reports/{model['id']}/compliance-report", role="auditor", headers={"accept": "application/json"})
    assert answer.status == 200, answer.body
    [render_ms] = _emitted(capsys.readouterr().out)["ReportRenderTime"]
    assert 0 < render_ms < 60_000


def test_the_audit_stream_reports_how_far_behind_it_is(
    api: Api, model: dict[str, Any], pipeline: AuditPipeline, capsys: pytest.CaptureFixture[str],  # noqa: F811
) -> None:
    capsys.readouterr()
    pipeline.flush()
    [lag] = _emitted(capsys.readouterr().out)["AuditLagSeconds"]
    assert 0 <= lag < 600
