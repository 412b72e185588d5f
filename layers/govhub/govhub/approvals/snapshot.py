"""The sealed snapshot of an approval: exactly what was approved, as one canonical JSON document and its SHA-256.

A regulator asks "what exactly did you approve, who approved it, and what changed since?": the snapshot answers
the first two (governed fields, the approved version with its artifact hash and metrics, the policy in force,
the sign-offs, and the current evidence documents pinned by their SHA-256 when the model has any); comparing it with the model now, or reading the audit trail after it, answers the third.
The canonical form is the audit trail's (RFC 8785 rules), so anyone can recompute the hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from govhub.audit.chain import canonical_json
from govhub.domain.entities import GOVERNED_FIELDS, AIModel, Metric, ModelVersion, Signoff
from govhub.evidence.model import Evidence

SNAPSHOT_SCHEMA = "govhub.approval/1"


@dataclass(frozen=True)
class PolicyRef:
    version: int
    name: str
    document_sha256: str


@dataclass(frozen=True)
class SealedSnapshot:
    document: dict[str, Any]
    sha256: str

    @property
    def text(self) -> str:
        return canonical_json(self.document).decode()


def governed_values(model: AIModel) -> dict[str, Any]:
    return {name: _plain(getattr(model, name)) for name in GOVERNED_FIELDS}


def changed_governed_fields(before: AIModel, after: AIModel) -> list[str]:
    """The governed fields whose value differs, in GOVERNED_FIELDS order."""
    return [name for name in GOVERNED_FIELDS if _plain(getattr(before, name)) != _plain(getattr(after, name))]


def seal(
    model: AIModel,
    version: ModelVersion | None,
    metrics: Iterable[Metric],
    policy: PolicyRef | None,
    signoffs: Iterable[Signoff],
    sealed_at: datetime,
    evidence: Iterable[Evidence] = (),
    monitoring_plan: Mapping[str, Any] | None = None,
) -> SealedSnapshot:
    latest: dict[str, Metric] = {}
    for metric in metrics:  # a metric recorded twice counts with its latest value, as the policy judges it
        known = latest.get(metric.metric_name)
        if known is None or metric.id > known.id:
            latest[metric.metric_name] = metric
    document = {
        "schema": SNAPSHOT_SCHEMA,
        "model_id": model.id,
        "model": governed_values(model),
        "version": None if version is None else {
            "id": version.id,
            "version_tag": version.version_tag,
            "artifact_uri": version.s3_path,
            "sha256": version.sha256,
        },
        "metrics": {
            name: {"value": metric.value, "metric_id": metric.id, "recorded_at": _time(metric.stamp.created_at)}
            for name, metric in sorted(latest.items())
        },
        # what the approved version declares it was built from (datasets by role, base model): govhub.datasets
        "inputs": version.inputs.as_json() if version is not None and version.inputs is not None else None,
        "classification": _classification(model),
        "policy": None if policy is None else {
            "version": policy.version, "name": policy.name, "document_sha256": policy.document_sha256,
        },
        "signoffs": [
            {"by": s.by, "role": s.role, "at": _time(s.at), "reason": s.reason} for s in signoffs
        ],
        "sealed_at": _time(sealed_at),
    }
    documents = sorted(evidence, key=lambda e: e.evidence_id)
    if documents:  # left out when there is none, so a snapshot without evidence keeps its form
        document["evidence"] = [
            {"evidence_id": e.evidence_id, "title": e.title, "kind": e.kind.value, "covers": list(e.covers), "sha256": e.sha256,
             "object_version": e.object_version, "valid_until": _time(e.valid_until) if e.valid_until else None,
             "signed_off_by": e.signoff.by if e.signoff else None}
            for e in documents
        ]
    if monitoring_plan is not None:  # the post-market monitoring plan in force (Art. 72), when the model has one
        document["monitoring_plan"] = dict(monitoring_plan)
    return SealedSnapshot(document, hashlib.sha256(canonical_json(document)).hexdigest())


def _classification(model: AIModel) -> dict[str, Any] | None:
    """The questionnaire's verdict the approval relied on: suggested level, version, answers, any justified override."""
    verdict = model.classification
    if verdict is None:
        return None
    return {
        "suggested_risk_level": _plain(verdict.suggested_risk_level),
        "questionnaire_version": verdict.questionnaire_version,
        "answers": dict(sorted(verdict.answers.items())),
        "override": verdict.override,
        "justification": verdict.justification,
        "classified_by": verdict.classified_by,
        "classified_at": _time(verdict.classified_at),
    }


def load_snapshot(text: str) -> dict[str, Any]:
    return json.loads(text)


def pins_evidence(document: Mapping[str, Any], evidence_id: str, sha256: str) -> bool:
    """Whether the sealed snapshot relied on this evidence document (the same item with the same bytes)."""
    return any(e.get("evidence_id") == evidence_id and e.get("sha256") == sha256 for e in document.get("evidence") or ())


def snapshot_sha256(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _time(value: datetime) -> str:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
