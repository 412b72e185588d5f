"""What a hub status change means for the registry a model came from (the back-sync functions apply it).

The trigger is the notifier's `Compliance Status Changed` event. The hub speaks when it approves a model,
takes an approval back (reopened for review, sent back to draft) or retires it; other moves are its own business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govhub.domain.entities import AIModel
from govhub.domain.lifecycle import ComplianceStatus

if TYPE_CHECKING:  # the functions make the repositories with their first event: pynamodb stays out of INIT
    from govhub.store.repository import ModelRepository, VersionRepository

STATUS_CHANGED = "Compliance Status Changed"


@dataclass(frozen=True)
class BackSync:
    """Set `status` (and the approval's hash) on `version` of `name` in `system`."""

    system: str
    name: str
    version: str
    status: ComplianceStatus
    approval_sha256: str | None


def back_sync_for(event: dict[str, Any], system: str, models: ModelRepository, versions: VersionRepository) -> BackSync | None:
    """The change to make in `system` for one EventBridge event, or None if it concerns no model from there."""
    if event.get("detail-type") != STATUS_CHANGED:
        return None
    detail = event.get("detail") or {}
    status, previous = detail.get("status"), detail.get("previous_status")
    if status not in ("approved", "retired") and previous != "approved":
        return None
    model_id = (detail.get("model") or {}).get("id")
    model = models.get(int(model_id)) if isinstance(model_id, int) else None
    if model is None or model.external_ref is None or model.external_ref.system != system:
        return None
    tag = _version_tag(detail, model, versions)
    if tag is None:
        return None
    sha = detail.get("approval_snapshot_sha256") if status == "approved" else None
    return BackSync(system, model.external_ref.name, tag, ComplianceStatus(status), sha if isinstance(sha, str) and sha else None)


def _version_tag(detail: dict[str, Any], model: AIModel, versions: VersionRepository) -> str | None:
    """The version the decision is about: the one approved (still recorded after a reopening), else the latest."""
    approved = detail.get("approved_version") or {}
    if approved.get("version_tag"):
        return str(approved["version_tag"])
    version_id = approved.get("id") or model.approved_version_id
    if version_id is not None:
        version = versions.get(int(version_id))
        if version is not None:
            return version.version_tag
    return model.latest_version.version_tag if model.latest_version else None
