"""Governance events: what the notifier announces for a committed change (schemas in docs/events/).

Pure: a stream record's images in, EventBridge entries out. Every event's ``detail`` carries
``schema_version`` (``1.0``; a breaking change makes it ``2.0`` and a new schema file), the
``event_id`` of the stream record (EventBridge delivers at least once: consumers deduplicate on
``event_id`` + ``detail-type``), the model, who made the change, why, when, and a one-line ``summary``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from govhub.text import chat_safe

SOURCE = "govhub.registry"
SCHEMA_VERSION = "1.1"
STATUS_CHANGED = "Compliance Status Changed"
RISK_CHANGED = "Risk Level Changed"
VERSION_REGISTERED = "Model Version Registered"
MODEL_DELETED = "Model Deleted"
EVIDENCE_EXPIRING = "Evidence Expiring"
EVIDENCE_EXPIRED = "Evidence Expired"
DATASET_FLAGGED = "Dataset Flagged"
FINDING_OPENED = "Monitoring Finding Opened"
FINDING_RESOLVED = "Monitoring Finding Resolved"
REVIEW_DUE = "Review Due"
REVIEW_OVERDUE = "Review Overdue"
INCIDENT_RECORDED = "Serious Incident Recorded"
INCIDENT_REPORT_OVERDUE = "Incident Report Overdue"
DETAIL_TYPES = (
    STATUS_CHANGED, RISK_CHANGED, VERSION_REGISTERED, MODEL_DELETED, EVIDENCE_EXPIRING, EVIDENCE_EXPIRED, DATASET_FLAGGED,
    FINDING_OPENED, FINDING_RESOLVED, REVIEW_DUE, REVIEW_OVERDUE, INCIDENT_RECORDED, INCIDENT_REPORT_OVERDUE,
)


ModelLookup = Callable[[int], Mapping[str, Any] | None]


def governance_events(
    event_name: str,
    event_id: str,
    old_image: Mapping[str, Any] | None,
    new_image: Mapping[str, Any] | None,
    model_lookup: ModelLookup,
) -> list[tuple[str, dict[str, Any]]]:
    """``[(detail-type, detail)]`` for one committed change (usually none or one)."""
    new = _plain(new_image or {})
    old = _plain(old_image or {})
    entity = new.get("entity")
    if event_name == "MODIFY" and entity == "model":
        return _model_changes(event_id, old, new)
    if event_name == "MODIFY" and entity == "dataset":
        return _dataset_flagged(event_id, old, new)
    if event_name == "INSERT" and entity == "version":
        return [_version_registered(event_id, new, model_lookup)]
    if event_name == "INSERT" and entity == "tombstone" and (new.get("deleted_entity") or "model") == "model":
        return [_model_deleted(event_id, new)]
    if event_name == "MODIFY" and entity == "evidence" and new.get("expiry_notice") != old.get("expiry_notice"):
        return _evidence_expiry(event_id, new, model_lookup)
    if event_name in ("INSERT", "MODIFY") and entity == "finding":
        return _finding_changed(event_id, old, new, model_lookup)
    if event_name in ("INSERT", "MODIFY") and entity == "review_schedule":
        return _review_state(event_id, old, new, model_lookup)
    if event_name in ("INSERT", "MODIFY") and entity == "incident":
        return _incident_changed(event_name, event_id, old, new, model_lookup)
    return []


def _finding_changed(event_id: str, old: dict[str, Any], new: dict[str, Any], model_lookup: ModelLookup) -> list[tuple[str, dict[str, Any]]]:
    """A metric's finding opened (it had none, or its last one was resolved) or resolved; an update of an open finding
    (another value outside the bounds) announces nothing."""
    before, after = old.get("status"), new.get("status")
    if after == "open" and before != "open":
        detail_type, what = FINDING_OPENED, "opened"
    elif after == "resolved" and before == "open":
        detail_type, what = FINDING_RESOLVED, "resolved"
    else:
        return []
    model = _model(model_lookup(int(new["model_id"])) or {"id": new.get("model_id")})
    finding = {"metric": new.get("metric"), "status": after, "reason": new.get("reason"), "value": new.get("last_value"),
               "min": new.get("min"), "max": new.get("max"), "observed_at": new.get("last_observed_at"),
               "environment": new.get("environment"), "opened_at": new.get("opened_at")}
    summary = f"{_name(model)}: monitoring finding on {chat_safe(str(finding['metric']))} {what}"
    return [(detail_type, {**_detail(event_id, new, model, summary), "finding": finding})]


def _review_state(event_id: str, old: dict[str, Any], new: dict[str, Any], model_lookup: ModelLookup) -> list[tuple[str, dict[str, Any]]]:
    """A model's periodic review became due (within the notice period) or overdue: marked by the daily sweep, or
    written so by the plan or a review. The same state written again announces nothing, nor does the schedule of a
    deleted model (deleting a model leaves its schedule behind: there is nothing left to review)."""
    state = new.get("state")
    if state not in ("due", "overdue") or old.get("state") == state:
        return []
    found = model_lookup(int(new["model_id"]))
    if found is None:
        return []
    model = _model(found)
    due_at = new.get("due_at")
    what = f"{_name(model)}: periodic review {'overdue since' if state == 'overdue' else 'due on'} {_day(due_at)}"
    return [(REVIEW_OVERDUE if state == "overdue" else REVIEW_DUE, {
        **_detail(event_id, new, model, what),
        "due_at": due_at, "state": state, "cadence_days": new.get("cadence_days"), "last_review_at": new.get("last_review_at"),
    })]


def _incident_changed(event_name: str, event_id: str, old: dict[str, Any], new: dict[str, Any],
                      model_lookup: ModelLookup) -> list[tuple[str, dict[str, Any]]]:
    """A serious incident was recorded (its Art. 73 clock runs), or the daily sweep flagged its initial report overdue."""
    if new.get("severity") != "serious":
        return []
    if event_name == "INSERT":
        detail_type, what = INCIDENT_RECORDED, "recorded, initial report due"
    elif new.get("overdue_marked_at") and not old.get("overdue_marked_at"):
        detail_type, what = INCIDENT_REPORT_OVERDUE, "initial report overdue since"
    else:
        return []
    model = _model(model_lookup(int(new["model_id"])) or {"id": new.get("model_id")})
    incident = {"id": new.get("incident_id"), "title": new.get("title"), "severity": new.get("severity"), "kind": new.get("kind"),
                "status": new.get("status"), "aware_at": new.get("aware_at"), "deadline_at": new.get("deadline_at"),
                "deadline_article": new.get("deadline_article")}
    what = f"serious incident {incident['id']} '{chat_safe(str(incident['title']))}' {what} {_day(incident['deadline_at'])}"
    return [(detail_type, {**_detail(event_id, new, model, f"{_name(model)}: {what}"), "incident": incident})]


def _evidence_expiry(event_id: str, new: dict[str, Any], model_lookup: ModelLookup) -> list[tuple[str, dict[str, Any]]]:
    """The daily sweep recorded that an evidence document expires within 30 days, or has expired."""
    stage = new.get("expiry_notice")
    if stage not in ("expiring", "expired"):
        return []
    model = _model(model_lookup(int(new["model_id"])) or {"id": new.get("model_id")})
    evidence = {"id": new.get("evidence_id"), "title": new.get("title"), "kind": new.get("kind"), "covers": list(new.get("covers") or []),
                "valid_until": new.get("valid_until"), "sha256": new.get("sha256")}
    what = f"{_name(model)}: evidence '{chat_safe(str(evidence['title']))}' {'expired' if stage == 'expired' else 'expires'} {evidence['valid_until']}"
    return [(EVIDENCE_EXPIRED if stage == "expired" else EVIDENCE_EXPIRING, {**_detail(event_id, new, model, what), "evidence": evidence})]


def _model_changes(event_id: str, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    model = _model(new)
    before, after = old.get("compliance_status"), new.get("compliance_status")
    if before != after and after is not None:
        approved = None
        if after == "approved" and new.get("approved_version_id") is not None:
            approved = {"id": new["approved_version_id"], "version_tag": _approved_tag(new)}
        detail = _detail(event_id, new, model, f"{_name(model)}: {before} -> {after}")
        approval = new.get("approval") or {}
        invalidated = approval.get("invalidated") if before == "approved" and after == "under_review" else None
        detail.update(
            previous_status=before,
            status=after,
            approved_version=approved,
            # the sealed snapshot now in force (null unless approved), and what reopened review, if a change did
            approval_snapshot_sha256=approval.get("snapshot_sha256") if after == "approved" else None,
            approval_invalidated=(
                {"fields": invalidated.get("fields"), "snapshot_sha256": invalidated.get("snapshot_sha256")} if invalidated else None
            ),
        )
        events.append((STATUS_CHANGED, detail))
    before, after = old.get("risk_level"), new.get("risk_level")
    if before != after and after is not None:
        detail = _detail(event_id, new, model, f"{_name(model)}: risk level {before} -> {after}")
        detail.update(previous_risk_level=before, risk_level=after, justification=new.get("risk_justification"))
        events.append((RISK_CHANGED, detail))
    return events


def _approved_tag(model: Mapping[str, Any]) -> str | None:
    # Approval records the latest version; the model item's pointer names its tag.
    if model.get("latest_version_id") == model.get("approved_version_id"):
        return model.get("latest_version_tag")
    return None


def _version_registered(event_id: str, version: dict[str, Any], model_lookup: ModelLookup) -> tuple[str, dict[str, Any]]:
    model_id = version.get("model_id")
    found = model_lookup(model_id) if isinstance(model_id, int) else None
    model = _model(found or {"model_id": model_id})
    tag = version.get("version_tag")
    detail = _detail(event_id, version, model, f"{_name(model)}: version {chat_safe(str(tag))} registered")
    detail["version"] = {
        "id": version.get("version_id"),
        "version_tag": tag,
        "s3_path": version.get("s3_path"),
        "sha256": version.get("sha256"),
    }
    return VERSION_REGISTERED, detail


def _model_deleted(event_id: str, tombstone: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    snapshot = tombstone.get("snapshot")
    last_state = json.loads(snapshot) if isinstance(snapshot, str) else {}
    model = _model({"model_id": tombstone.get("model_id"), "name": tombstone.get("name"), **(last_state or {})})
    return MODEL_DELETED, _detail(event_id, tombstone, model, f"{_name(model)}: deleted")


def _dataset_flagged(event_id: str, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A dataset was flagged (or flagged again with a new reason). The models it sent back to review announce their own
    status changes, each with the flag's reason."""
    if not new.get("flagged") or (old.get("flagged") and old.get("flag_reason") == new.get("flag_reason")):
        return []
    dataset = {"id": new.get("dataset_id"), "name": new.get("name"), "team": new.get("team")}
    actor = {"username": new.get("updated_by") or "unknown", "role": new.get("updated_by_role") or "unknown"}
    reason = new.get("flag_reason")
    summary = f"dataset {chat_safe(str(dataset['name']))} (#{dataset['id']}) flagged by {chat_safe(actor['username'])}: {chat_safe(str(reason))}"
    return [(DATASET_FLAGGED, {
        "schema_version": SCHEMA_VERSION,
        "event_id": event_id,
        "time": _utc(new.get("updated_at")),
        "dataset": dataset,
        "actor": actor,
        "reason": reason,
        "summary": summary,
    })]


def _model(item: Mapping[str, Any]) -> dict[str, Any]:
    """The event's `model`: the one shape the API declares for a model reference (govhub.schemas.ModelRefOut)."""
    from govhub.schemas import ModelRefOut

    return ModelRefOut.model_validate(dict(item)).model_dump(mode="json")


def _name(model: Mapping[str, Any]) -> str:
    return f"{chat_safe(model.get('name') or 'model')} (#{model.get('id')})"  # summaries go to chat as they are


def _detail(event_id: str, image: Mapping[str, Any], model: dict[str, Any], what: str) -> dict[str, Any]:
    actor = {"username": image.get("updated_by") or "unknown", "role": image.get("updated_by_role") or "unknown"}
    reason = image.get("change_reason")
    summary = f"{what} by {chat_safe(actor['username'])}" + (f": {chat_safe(reason)}" if reason else "")
    return {
        "schema_version": SCHEMA_VERSION,
        "event_id": event_id,
        "time": _utc(image.get("updated_at")),
        "model": model,
        "actor": actor,
        "reason": reason,
        "summary": summary,
    }


def entry(detail_type: str, detail: Mapping[str, Any], bus_name: str) -> dict[str, Any]:
    """The PutEvents entry for one event."""
    return {
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        "EventBusName": bus_name,
    }


def _utc(stamped: Any) -> str | None:
    """The item's time stamp as ISO 8601 UTC with microseconds, as audit records write it."""
    if not isinstance(stamped, str):
        return None
    try:
        moment = datetime.fromisoformat(stamped)
    except ValueError:
        return stamped
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _day(stamped: Any) -> str:
    """The date of an ISO 8601 time, for summaries."""
    return stamped[:10] if isinstance(stamped, str) else "?"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
