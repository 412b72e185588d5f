"""Apply a model described by another registry to the hub: idempotent, incremental, every change audited.

Running the same import twice changes nothing the second time. A change there becomes a normal change here
(the registry's own rules, revisions and audit trail), with a reason naming where it came from. Metrics are
read once, when their version is imported: the hub's metrics are records of an evaluation, not a mirror.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from govhub.domain.entities import Actor, AIModel, ExternalRef
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.errors import DuplicateVersionError, ForbiddenError, ValidationFailedError
from govhub.integrations.external import (
    TEAM_TAG,
    ExternalModel,
    ExternalVersion,
    describe_version,
    profile_from_tags,
    version_order,
)
from govhub.schemas import METRIC_MAGNITUDE, SMALLEST_MAGNITUDE, ModelUpdate, Reason
from govhub.services.registry import MAX_METRICS_PER_CALL, Registry

Action = Literal["created", "updated", "unchanged", "skipped"]


@dataclass
class SyncOutcome:
    model: str
    action: Action
    model_id: int | None = None
    changed_fields: list[str] = field(default_factory=list)
    versions_created: list[str] = field(default_factory=list)
    versions_skipped: list[str] = field(default_factory=list)
    metrics_recorded: int = 0
    notes: list[str] = field(default_factory=list)


class ModelSync:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def apply_as_integration(self, external: ExternalModel, username: str, default_team: str | None) -> SyncOutcome:
        """Apply as the integration itself: a member of the team that owns the model (or will own it), nothing more.

        What the registry refuses (a team that does not exist, say) is reported as skipped: the sender's retry
        would be refused again.
        """
        current = self._registry.find_model_by_name(external.name)
        team = current.team if current is not None else (external.effective_tags().get(TEAM_TAG) or default_team or None)
        if team is None:
            return SyncOutcome(model=external.name, action="skipped", notes=[
                f"no team would own it: tag it {TEAM_TAG}=<team> in {external.label}, or set the integration's default team"])
        try:
            return self.apply(external, Actor(username=username, role="model_owner", teams=frozenset({team})), team=team)
        except (ForbiddenError, ValidationFailedError) as refused:
            return SyncOutcome(model=external.name, action="skipped", model_id=current.id if current else None, notes=[refused.message])

    def apply(self, external: ExternalModel, by: Actor, default_owner: str | None = None, team: str | None = None) -> SyncOutcome:
        """Apply as `by`, who must be allowed each change (a 403 or 422 from the registry propagates)."""
        outcome = SyncOutcome(model=external.name, action="unchanged")
        profile = profile_from_tags(external.effective_tags())
        outcome.notes.extend(profile.notes)
        reason = f"Synced from {external.label} model '{external.name}'"
        ref = ExternalRef(external.system, external.name)
        current = self._registry.find_model_by_name(external.name)
        if current is not None and current.external_ref != ref:
            where = f"imported from {current.external_ref.system}" if current.external_ref else "registered in the hub"
            outcome.action = "skipped"
            outcome.model_id = current.id
            outcome.notes.append(f"a hub model named '{external.name}' already exists ({where}); nothing was changed")
            return outcome
        if current is not None and current.compliance_status is ComplianceStatus.RETIRED:
            outcome.action, outcome.model_id = "skipped", current.id
            outcome.notes.append("the hub model is retired; it takes no changes")
            return outcome

        wanted: dict[str, Any] = dict(profile.fields)
        if external.description and external.description.strip():
            wanted["description"] = external.description.strip()
        wanted = _as_the_api_takes_them(wanted, outcome.notes)
        justification = _justification(profile.risk_justification, outcome.notes)
        team = team or _as_the_api_takes_them({"team": external.effective_tags().get(TEAM_TAG)}, outcome.notes).get("team")
        if current is None:
            current = self._create(external, ref, {**wanted, "team": team}, profile.risk_level, justification, by, reason, default_owner)
            outcome.action = "created"
        else:
            outcome.changed_fields = self._update(current, wanted, profile.risk_level, justification, by, reason, external.label)
            if outcome.changed_fields:
                outcome.action = "updated"
        outcome.model_id = current.id

        for version in sorted(external.versions, key=lambda v: version_order(v.version)):
            self._version(current.id, version, external.label, by, outcome)
        if outcome.action == "unchanged" and outcome.versions_created:
            outcome.action = "updated"
        return outcome

    def _create(self, external: ExternalModel, ref: ExternalRef, wanted: dict[str, Any], risk: RiskLevel | None,
                justification: str | None, by: Actor, reason: str, default_owner: str | None) -> AIModel:
        fields = {**wanted, "name": external.name, "external_ref": ref, "reason": reason}
        fields.setdefault("owner", default_owner or external.label)
        if risk is not None:
            fields["risk_level"] = risk
            fields["risk_justification"] = justification or f"Risk level set by a tag in {external.label}"
        return self._registry.register_model(fields, by)

    def _update(self, current: AIModel, wanted: dict[str, Any], risk: RiskLevel | None, justification: str | None,
                by: Actor, reason: str, label: str) -> list[str]:
        changed = sorted(name for name, value in wanted.items() if getattr(current, name) != value)
        model = current
        if changed:
            model = self._registry.update_model(current.id, {n: wanted[n] for n in changed}, by, current.revision, reason)
        if risk is not None and risk is not model.risk_level:
            self._registry.change_risk(model.id, risk, justification or f"Risk level set by a tag in {label}", by, model.revision)
            changed.append("risk_level")
        return changed

    def _version(self, model_id: int, version: ExternalVersion, label: str, by: Actor, outcome: SyncOutcome) -> None:
        try:
            created = self._registry.register_version(
                model_id,
                {"version_tag": version.version, "s3_path": version.source, "description": describe_version(version, label)},
                by,
            )
        except DuplicateVersionError:
            outcome.versions_skipped.append(version.version)
            return
        outcome.versions_created.append(version.version)
        values = [(name, _stored(value)) for name, value in sorted(version.metrics.items()) if _storable(value)]
        dropped = len(version.metrics) - len(values)
        if dropped:
            outcome.notes.append(f"version {version.version}: {dropped} metric(s) not finite or out of range, not recorded")
        for start in range(0, len(values), MAX_METRICS_PER_CALL):
            outcome.metrics_recorded += len(self._registry.record_metrics(created.id, values[start : start + MAX_METRICS_PER_CALL], by))


def _as_the_api_takes_them(fields: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The fields a person could have sent (lengths, characters), each checked as the models API checks it."""
    kept = {}
    for name, value in fields.items():
        if value is None:
            continue
        try:
            kept[name] = getattr(ModelUpdate.model_validate({name: value}), name)
        except ValidationError as error:
            notes.append(f"{name} not applied: {error.errors()[0]['msg']}")
    return kept


def _justification(text: str | None, notes: list[str]) -> str | None:
    if text is None:
        return None
    try:
        return str(TypeAdapter(Reason).validate_python(text))
    except ValidationError as error:
        notes.append(f"risk_justification not applied: {error.errors()[0]['msg']}")
        return None


def _storable(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and abs(value) <= METRIC_MAGNITUDE


def _stored(value: float) -> float:
    return 0.0 if abs(value) < SMALLEST_MAGNITUDE else float(value)  # as the metrics route stores it
