"""Report inputs shaped like the API objects of docs/api.md, at any scale.

The obligations checklist and the next step's policy check come from the policy service itself (the
built-in default policy over in-memory fakes), as `ReportService` gets them from the table.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from govhub.domain.entities import AIModel, Metric, ModelVersion, Page, Stamp, VersionRef
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.service import PolicyService
from govhub.policy.versions import PolicyVersion
from govhub.reports.content import build_report_content
from govhub.services.reports import PolicyView, policy_view
from tests.unit.policy.policy_factory import DocumentedDatasets, FakeMonitoring, trained_and_tested

GENERATED_AT = datetime(2026, 11, 25, 14, 3, 11, tzinfo=UTC)
GENERATOR = {"username": "clara.compliance", "role": "auditor"}
POLICY = {
    "id": "pol-high-risk",
    "name": "High-risk credit models",
    "thresholds": [
        {"metric_name": "accuracy", "op": ">=", "value": 0.9},
        {"metric_name": "demographic_parity_difference", "op": "<=", "value": 0.1},
        {"metric_name": "disparate_impact", "op": ">=", "value": 0.8},
    ],
}
METRIC_NAMES = (
    "accuracy",
    "precision",
    "recall",
    "f1",
    "auc_roc",
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "disparate_impact",
    "robustness_noise_accuracy",
    "latency_p95_ms",
)
_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def model_dict(**overrides: Any) -> dict:
    model = {
        "id": 7,
        "name": "fraud-detector-v2",
        "owner": "ML Team",
        "description": "Gradient-boosted classifier that scores card transactions for fraud in real time.",
        "domain": "finance",
        "risk_level": "high",
        "risk_justification": "Creditworthiness-adjacent decisions about natural persons (Annex III point 5(b)).",
        "compliance_status": "under_review",
        "intended_purpose": "Flag card transactions for manual review by the fraud operations team.",
        "data_sources": "Card transactions 2022-2025 from the EU processing platform, labelled by chargebacks.",
        "oversight_plan": "Every flagged transaction is reviewed by an analyst before any customer impact.",
        "allowed_transitions": ["approved", "draft", "retired"],
        "latest_version": None,
        "approved_version_id": None,
        "revision": 5,
        "created_at": "2026-01-05T09:00:00+00:00",
        "created_by": "demo-owner",
        "updated_at": "2026-11-20T10:00:00+00:00",
        "updated_by": "demo-owner",
        "last_change_reason": "Submitted for review",
    }
    return model | overrides


def version_dicts(model_id: int, count: int) -> list[dict]:
    return [
        {
            "id": 100 + n,
            "model_id": model_id,
            "version_tag": f"v1.{n}.0",
            "s3_path": f"s3://ml-artifacts/fraud-detector/v1.{n}.0/model.tar.gz",
            "sha256": hashlib.sha256(f"artifact {n}".encode()).hexdigest(),
            "description": f"Retrained on data up to week {n}.",
            "revision": 1,
            "created_at": (_START + timedelta(days=n)).isoformat(),
            "created_by": "ci-pipeline",
        }
        for n in range(count)
    ]


def metric_dicts(versions: list[dict], per_version: int) -> dict[int, list[dict]]:
    metrics: dict[int, list[dict]] = {}
    for index, version in enumerate(versions):
        metrics[version["id"]] = [
            {
                "id": version["id"] * 1000 + m,
                "version_id": version["id"],
                "model_id": version["model_id"],
                "metric_name": METRIC_NAMES[m % len(METRIC_NAMES)] + ("" if m < len(METRIC_NAMES) else f"_{m}"),
                "value": round(0.85 + ((index * 7 + m * 3) % 13) / 100, 4),
                "recorded_at": (_START + timedelta(days=index, minutes=m)).isoformat(),
                "created_by": "ci-pipeline",
            }
            for m in range(per_version)
        ]
    return metrics


def audit_dicts(model_id: int, count: int) -> list[dict]:
    statuses = ["draft", "under_review", "approved", "under_review"]
    records = []
    for n in range(1, count + 1):
        if n % 50 == 0:
            before, after = statuses[(n // 50 - 1) % 4], statuses[(n // 50) % 4]
            changes = {"compliance_status": {"before": before, "after": after}}
            action, reason = "status_change", f"Review cycle {n // 50}: moved to {after}"
        elif n % 97 == 0:
            changes = {
                "risk_level": {"before": "limited", "after": "high"},
                "risk_justification": {"before": None, "after": "Used for decisions about natural persons."},
            }
            action, reason = "risk_change", "Reclassified after legal review"
        else:
            changes = {"description": {"before": f"Description rev {n - 1}", "after": f"Description rev {n}"}}
            action, reason = "update", f"Routine documentation update {n}"
        records.append(
            {
                "sequence": n,
                "time": (_START + timedelta(hours=n)).isoformat(),
                "actor": {"username": "demo-owner" if n % 3 else "demo-admin", "role": "model_owner"},
                "action": action,
                "entity": "model",
                "entity_id": model_id,
                "reason": reason,
                "changes": changes,
            }
        )
    return records


def verification_for(records: list[dict]) -> dict:
    head = hashlib.sha256(str(len(records)).encode()).hexdigest()
    return {"intact": True, "records": len(records), "head_hash": head, "first_break": None}


class BuiltInPolicyOnly:
    """A policy store that holds no version: the built-in default policy set is active."""

    def active(self) -> PolicyVersion | None:
        return None

    def get(self, version: int) -> PolicyVersion | None:
        return None

    def list(self, limit: int, cursor: str | None) -> Page:
        return Page(items=[])

    def activate(self, new: PolicyVersion, replaces: int) -> None:
        raise NotImplementedError


class FixedEvidence:
    def __init__(self, version: ModelVersion | None, metrics: list[Metric]) -> None:
        self._evidence = (version, metrics)

    def latest_evidence(self, model: AIModel) -> tuple[ModelVersion | None, list[Metric]]:
        return self._evidence


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else (value or _START)


def _stamp(raw: dict) -> Stamp:
    by = raw.get("created_by") or "demo-owner"
    return Stamp(_time(raw.get("created_at")), by, _time(raw.get("updated_at") or raw.get("created_at")), by, "model_owner")


def domain_model(model: dict) -> AIModel:
    latest = model.get("latest_version")
    return AIModel(
        id=model["id"],
        name=model["name"],
        owner=model.get("owner") or "",
        stamp=_stamp(model),
        description=model.get("description"),
        domain=model.get("domain"),
        risk_level=RiskLevel(model.get("risk_level") or "minimal"),
        risk_justification=model.get("risk_justification"),
        compliance_status=ComplianceStatus(model.get("compliance_status") or "draft"),
        intended_purpose=model.get("intended_purpose"),
        data_sources=model.get("data_sources"),
        oversight_plan=model.get("oversight_plan"),
        submitted_by=model.get("submitted_by"),
        approved_by=model.get("approved_by"),
        approved_at=_time(model["approved_at"]) if model.get("approved_at") else None,
        approved_version_id=model.get("approved_version_id"),
        latest_version=VersionRef(latest["id"], latest["version_tag"]) if latest else None,
    )


def sample_policy_view(model: dict, versions: list[dict], metrics_by_version: dict[int, list[dict]]) -> PolicyView:
    """What the built-in default policy says of the sample model: thresholds, obligations, next-step check."""
    latest_ref = model.get("latest_version")
    latest = next((v for v in versions if latest_ref and v["id"] == latest_ref["id"]), None)
    version = (
        ModelVersion(latest["id"], model["id"], latest["version_tag"], latest["s3_path"], _stamp(latest), latest["sha256"],
                     inputs=trained_and_tested())
        if latest
        else None
    )
    metrics = [
        Metric(m["id"], m["version_id"], model["id"], m["metric_name"], m["value"], _stamp({"created_at": m["recorded_at"]}))
        for m in (metrics_by_version.get(latest["id"], []) if latest else [])
    ]
    service = PolicyService(BuiltInPolicyOnly(), FixedEvidence(version, metrics), clock=lambda: GENERATED_AT,
                            monitoring=FakeMonitoring(),  # the sample model has a post-market monitoring plan
                            datasets=DocumentedDatasets())
    return policy_view(service, domain_model(model))


def with_policy_view(inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs with the obligations checklist and policy check of their (possibly changed) model."""
    view = sample_policy_view(inputs["model"], inputs["versions"], inputs["metrics_by_version"])
    return inputs | {"obligations": view.obligations, "policy_check": view.compliance_check}


def report_inputs(
    versions: int = 3, metrics_per_version: int = 6, audit_entries: int = 12, **model_overrides: Any
) -> dict[str, Any]:
    """Keyword arguments for build_report_content, at the given scale."""
    version_list = version_dicts(7, versions)
    model = model_dict(**model_overrides)
    if version_list and "latest_version" not in model_overrides:
        model["latest_version"] = {"id": version_list[-1]["id"], "version_tag": version_list[-1]["version_tag"]}
    records = audit_dicts(7, audit_entries)
    inputs = {
        "model": model,
        "versions": version_list,
        "metrics_by_version": metric_dicts(version_list, metrics_per_version),
        "audit_records": records,
        "verification": verification_for(records),
        "policy": POLICY,
        "generated_by": GENERATOR,
        "generated_at": GENERATED_AT,
        "report_id": "rpt-2026-11-25-0007",
    }
    return with_policy_view(inputs)


def sample_content(**kwargs: Any) -> dict:
    return build_report_content(**report_inputs(**kwargs))
