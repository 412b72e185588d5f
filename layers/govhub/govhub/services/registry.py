"""The registry's use cases: register, describe, classify, move through the lifecycle, version, measure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.domain.classification import reconcile
from govhub.domain.counters import counter_delta
from govhub.domain.entities import DESCRIPTIVE_FIELDS, Actor, AIModel, DashboardStats, Metric, ModelVersion, Page, Stamp
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel, allowed_transitions, is_allowed
from govhub.errors import (
    DuplicateNameError,
    DuplicateVersionError,
    ModelRetiredError,
    NotFoundError,
    StaleWriteError,
    TransitionNotAllowedError,
)
from govhub.store.repository import (
    ConditionFailedError,
    MetricRepository,
    ModelRepository,
    SequenceRepository,
    StatsRepository,
    VersionRepository,
)

MAX_METRICS_PER_CALL = 100


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class Registry:
    def __init__(
        self,
        models: ModelRepository,
        versions: VersionRepository,
        metrics: MetricRepository,
        stats: StatsRepository,
        sequences: SequenceRepository,
        clock: Clock = utc_now,
    ) -> None:
        self._models = models
        self._versions = versions
        self._metrics = metrics
        self._stats = stats
        self._sequences = sequences
        self._clock = clock

    # -- models ----------------------------------------------------------------------------
    def get_model(self, model_id: int) -> AIModel:
        model = self._models.get(model_id)
        if model is None:
            raise NotFoundError(f"Model {model_id} does not exist.", {"model_id": model_id})
        return model

    def find_model_by_name(self, name: str) -> AIModel | None:
        model_id = self._models.id_for_name(name)
        return self.get_model(model_id) if model_id is not None else None

    def list_models(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        if filters.get("name"):
            found = self.find_model_by_name(filters["name"])
            others = {k: v for k, v in filters.items() if k != "name"}
            matches = found is not None and _matches(found, others)
            return Page(items=[found] if matches else [], next_cursor=None)
        return self._models.list(filters, limit, cursor)

    def register_model(self, fields: dict[str, Any], by: Actor) -> AIModel:
        existing = self._models.id_for_name(fields["name"])
        if existing is not None:
            raise self._duplicate(fields["name"], existing)
        (model_id,) = self._sequences.allocate("model")
        now = self._clock()
        model = AIModel(
            id=model_id,
            stamp=Stamp(now, by.username, now, by.username, by.role, fields.pop("reason", None) or "Registered"),
            **fields,
        )
        try:
            created = self._models.create(model, counter_delta(None, model))
        except ConditionFailedError:
            raise self._duplicate(model.name, self._models.id_for_name(model.name)) from None
        return created

    def update_model(self, model_id: int, changes: dict[str, Any], by: Actor, expected_revision: int | None, reason: str | None) -> AIModel:
        current = self.get_model(model_id)
        self._check_revision(current, expected_revision)
        if current.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(f"Model {model_id} is retired; its record can no longer change.")
        changes = {name: value for name, value in changes.items() if name in DESCRIPTIVE_FIELDS}
        updated = replace(current, **changes, stamp=self._touch(current.stamp, by, reason or "Profile updated"))
        if "name" in changes and changes["name"] != current.name:
            taken = self._models.id_for_name(changes["name"])
            if taken is not None and taken != model_id:
                raise self._duplicate(changes["name"], taken)
        return self._save(current, updated, previous_name=current.name)

    def change_risk(self, model_id: int, risk_level: RiskLevel, justification: str, by: Actor, expected_revision: int | None) -> AIModel:
        current = self.get_model(model_id)
        self._check_revision(current, expected_revision)
        if current.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(f"Model {model_id} is retired; its risk profile can no longer change.")
        updated = replace(
            current,
            risk_level=risk_level,
            risk_justification=justification,
            classification=reconcile(current.classification, risk_level, justification),
            stamp=self._touch(current.stamp, by, justification),
        )
        return self._save(current, updated)

    def change_status(
        self,
        model_id: int,
        target: ComplianceStatus,
        reason: str,
        by: Actor,
        expected_revision: int | None,
        check_policy: Callable[[AIModel, ComplianceStatus, Actor], None] | None = None,
    ) -> AIModel:
        current = self.get_model(model_id)
        self._check_revision(current, expected_revision)
        if not is_allowed(current.compliance_status, target):
            allowed = [s.value for s in allowed_transitions(current.compliance_status)]
            raise TransitionNotAllowedError(
                f"A {current.compliance_status.value} model cannot move to {target.value}."
                + (f" Allowed next states: {', '.join(allowed)}." if allowed else " It is final."),
                {"current": current.compliance_status.value, "requested": target.value, "allowed": allowed},
            )
        if check_policy is not None:
            check_policy(current, target, by)
        now = self._clock()
        # a flag speaks of an approved model; any new status starts from the policy's fresh verdict
        updated = replace(current, compliance_status=target, stamp=self._touch(current.stamp, by, reason, now), policy_violations=[])
        if target is ComplianceStatus.UNDER_REVIEW:
            updated.submitted_by = by.username
        if target is ComplianceStatus.APPROVED:
            updated.approved_by = by.username
            updated.approved_at = now
            updated.approved_version_id = current.latest_version.id if current.latest_version else None
        return self._save(current, updated)

    def delete_model(self, model_id: int, reason: str, by: Actor) -> None:
        current = self.get_model(model_id)
        deleted = self._touch(current.stamp, by, reason)
        try:
            self._models.delete(current, deleted, counter_delta(current, None))
        except ConditionFailedError:  # changed or deleted since it was read: say which, as a save does
            fresh = self._models.get(model_id)
            if fresh is None:
                raise NotFoundError(f"Model {model_id} does not exist.", {"model_id": model_id}) from None
            raise self._stale(fresh) from None

    # -- versions and metrics --------------------------------------------------------------
    def register_version(self, model_id: int, fields: dict[str, Any], by: Actor) -> ModelVersion:
        model = self.get_model(model_id)
        self._ensure_live(model)
        if self._versions.tag_taken(model_id, fields["version_tag"]):
            raise self._duplicate_version(model, fields["version_tag"])
        (version_id,) = self._sequences.allocate("version")
        now = self._clock()
        version = ModelVersion(
            id=version_id,
            model_id=model_id,
            stamp=Stamp(now, by.username, now, by.username, by.role, f"Version {fields['version_tag']} registered"),
            **fields,
        )
        try:
            return self._versions.create(version)
        except ConditionFailedError:
            model = self.get_model(model_id)
            self._ensure_live(model)
            raise self._duplicate_version(model, version.version_tag) from None

    def get_version(self, version_id: int) -> ModelVersion:
        version = self._versions.get(version_id)
        if version is None:
            raise NotFoundError(f"Version {version_id} does not exist.", {"version_id": version_id})
        return version

    def list_versions(self, model_id: int, limit: int, cursor: str | None) -> Page:
        self.get_model(model_id)
        return self._versions.list_for_model(model_id, limit, cursor)

    def record_metrics(self, version_id: int, values: list[tuple[str, float]], by: Actor) -> list[Metric]:
        version = self.get_version(version_id)
        self._ensure_live(self.get_model(version.model_id))
        ids = self._sequences.allocate("metric", len(values))
        now = self._clock()
        stamp = Stamp(now, by.username, now, by.username, by.role, "Evaluation recorded")
        metrics = [
            Metric(id=metric_id, version_id=version_id, model_id=version.model_id, metric_name=name, value=value, stamp=stamp)
            for metric_id, (name, value) in zip(ids, values, strict=True)
        ]
        return self._metrics.create_many(metrics)

    def get_metric(self, metric_id: int) -> Metric:
        metric = self._metrics.get(metric_id)
        if metric is None:
            raise NotFoundError(f"Metric {metric_id} does not exist.", {"metric_id": metric_id})
        return metric

    def list_metrics(self, version_id: int, limit: int, cursor: str | None) -> Page:
        self.get_version(version_id)
        return self._metrics.list_for_version(version_id, limit, cursor)

    # -- dashboard -------------------------------------------------------------------------
    def dashboard(self) -> DashboardStats:
        """One item read, however many models: the counters kept in the same transactions as the changes."""
        counts = self._stats.read()
        risks = [r.value for r in RiskLevel]
        statuses = [s.value for s in ComplianceStatus]
        return DashboardStats(
            total=counts["total"],
            by_risk_level={r: counts[f"risk_{r}"] for r in risks},
            by_status={s: counts[f"status_{s}"] for s in statuses},
            matrix={r: {s: counts[f"cell_{r}_{s}"] for s in statuses} for r in risks},
        )

    # -- helpers ---------------------------------------------------------------------------
    def _save(self, current: AIModel, updated: AIModel, previous_name: str | None = None) -> AIModel:
        try:
            return self._models.save(updated, counter_delta(current, updated), previous_name=previous_name)
        except ConditionFailedError:
            fresh = self._models.get(current.id)
            if fresh is None:
                raise NotFoundError(f"Model {current.id} does not exist.", {"model_id": current.id}) from None
            if fresh.revision != current.revision:
                raise self._stale(fresh) from None
            raise self._duplicate(updated.name, self._models.id_for_name(updated.name)) from None

    def _touch(self, stamp: Stamp, by: Actor, reason: str | None, now: datetime | None = None) -> Stamp:
        return replace(stamp, updated_at=now or self._clock(), updated_by=by.username, updated_by_role=by.role, change_reason=reason)

    @staticmethod
    def _check_revision(model: AIModel, expected: int | None) -> None:
        if expected is not None and expected != model.revision:
            raise Registry._stale(model, expected)

    @staticmethod
    def _stale(model: AIModel, expected: int | None = None) -> StaleWriteError:
        return StaleWriteError(
            f"Model {model.id} has changed since you read it (now at revision {model.revision}). Reload and try again.",
            {"current_revision": model.revision, "expected_revision": expected},
        )

    @staticmethod
    def _duplicate(name: str, existing_id: int | None) -> DuplicateNameError:
        return DuplicateNameError(f"A model named '{name}' already exists.", {"name": name, "model_id": existing_id})

    @staticmethod
    def _duplicate_version(model: AIModel, tag: str) -> DuplicateVersionError:
        return DuplicateVersionError(
            f"Model {model.id} already has a version tagged '{tag}'.", {"model_id": model.id, "version_tag": tag}
        )

    @staticmethod
    def _ensure_live(model: AIModel) -> None:
        if model.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(
                f"Model {model.id} is retired: it accepts no new versions or metrics.", {"model_id": model.id}
            )


def _matches(model: AIModel, filters: dict[str, str]) -> bool:
    checks = {
        "risk_level": lambda v: model.risk_level.value == v,
        "compliance_status": lambda v: model.compliance_status.value == v,
        "owner": lambda v: model.owner.casefold() == v.casefold(),
        "domain": lambda v: (model.domain or "").casefold() == v.casefold(),
        "q": lambda v: model.name.casefold().startswith(v.casefold()),
    }
    return all(checks[key](value) for key, value in filters.items() if key in checks and value)


def default_registry() -> Registry:
    stats = StatsRepository()
    return Registry(ModelRepository(stats), VersionRepository(), MetricRepository(), stats, SequenceRepository())
