"""What a model looked like at a past moment, replayed from its audit records.

Answers questions such as "which version was approved on date T, and who approved it?" from the
audit trail alone: the records are the history, so the answer is as trustworthy as the chain
(verify it first with ``chain.verify_chain``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from govhub.audit.record import parse_time

VERSION_FIELDS = ("version_tag", "s3_path", "sha256")
VERSION_INPUTS = "inputs"  # the declared datasets and base model: canonical JSON on the version item
PLAN_FIELDS = ("metrics", "review_cadence_days", "reviewers", "method_notes")


def state_as_of(records: Iterable[Mapping[str, Any]], at: datetime) -> dict[str, Any] | None:
    """Replay one model's records whose ``time`` is at or before ``at``, in sequence order.

    ``at`` without a time zone is taken as UTC. Returns None if the model did not exist yet, else::

        {"model": {"id", "name", "owner", "risk_level", "compliance_status", ...},
         "latest_version": {"id", "version_tag", "s3_path", "sha256"} | None,
         "metrics": {metric_name: value} of the latest version (the last value recorded per name),
         "last_change": {"sequence", "time", "actor", "action", "entity", "entity_id", "reason"},
         "approved": {"version_id", "version_tag", "by", "role", "time", "reason", "snapshot_sha256",
                      "signoffs": [{"by", "role", "at", "reason"}]} | None,
         "monitoring_plan": {"metrics", "review_cadence_days", "reviewers", "method_notes", "changed_at",
                             "changed_by", "reason"} | None,
         "deleted": bool}

    The latest version carries its declared ``inputs`` (datasets by role, base model) when it declared any;
    ``approved.snapshot_sha256`` names the sealed snapshot of the approval (GET /models/{id}/approvals lists each sealed snapshot).

    ``approved`` is the approval in force at ``at``: set when the status became ``approved`` (the
    version is the model's ``approved_version_id`` if the records carry it, otherwise the latest
    version at that moment; ``by`` is the approver's username), cleared when the status moves on
    or the model is deleted. After a delete, ``model`` holds the model's last state.
    """
    return replay_records(Replay(), records, at).answer()


def replay_records(replay: Replay, records: Iterable[Mapping[str, Any]], at: datetime | None = None) -> Replay:
    """Apply one model's records (those at or before ``at``, if given) to ``replay``, in sequence order."""
    moment = None if at is None else at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    ordered = sorted(records, key=lambda record: record["sequence"])
    models = {record["model_id"] for record in ordered}
    if len(models) > 1:
        raise ValueError(f"records of several models given: {sorted(models)}")
    for record in ordered:
        if moment is None or parse_time(record["time"]) <= moment:
            replay.apply(record)
    return replay


@dataclass
class Replay:
    """The state of a replay; ``to_state``/``from_state`` give the snapshot written with each digest, so an
    as-of answer or a report starts from the nearest snapshot instead of the first record."""

    model: dict[str, Any] | None = None
    deleted: bool = False
    versions: dict[Any, dict[str, Any]] = field(default_factory=dict)  # in creation order
    metrics: dict[Any, dict[str, Any]] = field(default_factory=dict)  # metric id -> name, value, version
    approved: dict[str, Any] | None = None
    last_change: dict[str, Any] | None = None
    counts: dict[str, int] = field(default_factory=dict)  # "<entity>.<action>" -> records
    approval_history: list[dict[str, Any]] = field(default_factory=list)  # every status change, in order
    risk_history: list[dict[str, Any]] = field(default_factory=list)  # every risk level change, in order
    # A snapshot written before plans were replayed has none: the plan then shows from its next change on.
    monitoring_plan: dict[str, Any] | None = None

    def to_state(self) -> dict[str, Any]:
        """Plain JSON. Metrics keep only the last one recorded per version and name (all an answer shows)."""
        latest: dict[tuple[Any, Any], Any] = {}
        for metric_id, metric in self.metrics.items():
            latest[(metric["version_id"], metric["metric_name"])] = metric_id
        kept = set(latest.values())
        return {
            "model": self.model,
            "deleted": self.deleted,
            "versions": [version for version in self.versions.values()],
            "metrics": [{"id": i} | m for i, m in self.metrics.items() if i in kept],
            "approved": self.approved,
            "last_change": self.last_change,
            "counts": dict(sorted(self.counts.items())),
            "approval_history": self.approval_history,
            "risk_history": self.risk_history,
            "monitoring_plan": self.monitoring_plan,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Replay:
        return cls(
            model=state.get("model"),
            deleted=bool(state.get("deleted")),
            versions={v["id"]: dict(v) for v in state.get("versions") or []},
            metrics={m["id"]: {k: v for k, v in m.items() if k != "id"} for m in state.get("metrics") or []},
            approved=state.get("approved"),
            last_change=state.get("last_change"),
            counts=dict(state.get("counts") or {}),
            approval_history=list(state.get("approval_history") or []),
            risk_history=list(state.get("risk_history") or []),
            monitoring_plan=state.get("monitoring_plan"),
        )

    def apply(self, record: Mapping[str, Any]) -> None:
        entity, action = record["entity"], record["action"]
        self.counts[f"{entity}.{action}"] = self.counts.get(f"{entity}.{action}", 0) + 1
        changes: Mapping[str, Mapping[str, Any]] = record.get("changes") or {}
        if entity == "model":
            self._apply_model(record, action, changes)
        elif entity == "version":
            self._apply_version(record["entity_id"], action, changes)
        elif entity == "metric":
            self._apply_metric(record["entity_id"], action, changes)
        elif entity == "monitoring_plan":
            self._apply_plan(record, action, changes)
        self.last_change = {
            "sequence": record["sequence"],
            "time": record["time"],
            "actor": dict(record["actor"]),
            "action": action,
            "entity": entity,
            "entity_id": record.get("entity_id"),
            "reason": record.get("reason"),
        }

    def _apply_model(self, record: Mapping[str, Any], action: str, changes: Mapping[str, Mapping[str, Any]]) -> None:
        self._history(self.approval_history, record, changes, "compliance_status", "approved_version_id")
        self._history(self.risk_history, record, changes, "risk_level", "risk_justification")
        identity = {"id": record["model_id"]}
        if action == "create":
            self.model = identity | {name: change.get("after") for name, change in changes.items()}
            self.deleted = False
            return
        if action == "delete":
            last_state = {name: change.get("before") for name, change in changes.items()}
            self.model = identity | (last_state or (self.model or {}))
            self.deleted = True
            self.approved = None
            return
        self.model = (self.model or identity) | {name: change.get("after") for name, change in changes.items()}
        if "compliance_status" in changes:
            self._status_changed(record)

    @staticmethod
    def _history(history: list[dict[str, Any]], record: Mapping[str, Any], changes: Mapping[str, Mapping[str, Any]],
                 name: str, extra: str) -> None:
        """A field's changes, as the report lists them (a create counts: from nothing to its first value)."""
        change = changes.get(name)
        if change is None or change.get("before") == change.get("after"):
            return
        history.append({
            "sequence": record["sequence"], "time": record["time"], "actor": dict(record["actor"]),
            "from": change.get("before"), "to": change.get("after"), "reason": record.get("reason"),
            extra: (changes.get(extra) or {}).get("after"),
        })

    def _status_changed(self, record: Mapping[str, Any]) -> None:
        assert self.model is not None
        if self.model.get("compliance_status") != "approved":
            self.approved = None
            return
        if "approved_version_id" in self.model:
            version_id = self.model["approved_version_id"]
        else:
            latest = self._latest_version()
            version_id = latest["id"] if latest else None
        version = self.versions.get(version_id)
        approval = self.model.get("approval") or {}
        self.approved = {
            "version_id": version_id,
            "version_tag": version.get("version_tag") if version else None,
            "by": record["actor"]["username"],
            "role": record["actor"].get("role"),
            "time": record["time"],
            "reason": record.get("reason"),
            "snapshot_sha256": approval.get("snapshot_sha256"),
            "signoffs": [{name: signoff.get(name) for name in ("by", "role", "at", "reason")} for signoff in approval.get("signoffs") or []],
        }

    def _apply_version(self, version_id: Any, action: str, changes: Mapping[str, Mapping[str, Any]]) -> None:
        if action == "delete":
            self.versions.pop(version_id, None)
            return
        version = self.versions.setdefault(version_id, {"id": version_id} | {name: None for name in VERSION_FIELDS})
        for name in VERSION_FIELDS:
            if name in changes:
                version[name] = changes[name].get("after")
        declared = (changes.get(VERSION_INPUTS) or {}).get("after")
        if declared:
            version[VERSION_INPUTS] = json.loads(declared) if isinstance(declared, str) else declared

    def _apply_plan(self, record: Mapping[str, Any], action: str, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """The monitoring plan in force (Art. 72): part of what an approval seals."""
        if action == "delete":
            self.monitoring_plan = None
            return
        plan = dict(self.monitoring_plan or {name: None for name in PLAN_FIELDS})
        for name in PLAN_FIELDS:
            if name in changes:
                plan[name] = changes[name].get("after")
        plan.update(changed_at=record["time"], changed_by=record["actor"]["username"], reason=record.get("reason"))
        self.monitoring_plan = plan

    def _apply_metric(self, metric_id: Any, action: str, changes: Mapping[str, Mapping[str, Any]]) -> None:
        if action == "delete":
            self.metrics.pop(metric_id, None)
            return
        metric = self.metrics.setdefault(metric_id, {"metric_name": None, "value": None, "version_id": None})
        for name in ("metric_name", "value", "version_id"):
            if name in changes:
                metric[name] = changes[name].get("after")
        # Re-inserted so that iteration order is the order values were last recorded.
        self.metrics[metric_id] = self.metrics.pop(metric_id)

    def _latest_version(self) -> dict[str, Any] | None:
        return next(reversed(self.versions.values()), None)

    def answer(self) -> dict[str, Any] | None:
        if self.model is None:
            return None
        latest = self._latest_version()
        metrics: dict[str, Any] = {}
        if latest is not None:
            for metric in self.metrics.values():
                if metric["version_id"] == latest["id"] and metric["metric_name"] is not None:
                    metrics[metric["metric_name"]] = metric["value"]
        return {
            "model": dict(self.model),
            "latest_version": dict(latest) if latest else None,
            "metrics": metrics,
            "last_change": self.last_change,
            "approved": dict(self.approved) if self.approved else None,
            "monitoring_plan": dict(self.monitoring_plan) if self.monitoring_plan else None,
            "deleted": self.deleted,
        }
