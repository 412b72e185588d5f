"""The registry's use cases: register, describe, classify, move through the lifecycle, version, measure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.approvals.snapshot import PolicyRef, changed_governed_fields, load_snapshot, seal
from govhub.domain.classification import reconcile
from govhub.domain.counters import counter_delta
from govhub.domain.entities import (
    DESCRIPTIVE_FIELDS,
    Actor,
    AIModel,
    ApprovalState,
    DashboardStats,
    Invalidation,
    Metric,
    ModelDependents,
    ModelVersion,
    Page,
    Signoff,
    Stamp,
)
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel, allowed_transitions, is_allowed
from govhub.errors import (
    ApprovalLockedError,
    DuplicateNameError,
    DuplicateVersionError,
    ForbiddenError,
    ModelInUseError,
    ModelRetiredError,
    NotFoundError,
    StaleWriteError,
    TransitionNotAllowedError,
    ValidationFailedError,
)
from govhub.evidence.model import Evidence
from govhub.store import search
from govhub.store.repository import ConditionFailedError

MAX_METRICS_PER_CALL = 100
MAX_DEPENDENTS_NAMED = 20  # the models built on a model that a refused delete names
REOPENED_PREFIX = "approval invalidated:"


class Clock(Protocol):
    def __call__(self) -> datetime: ...


# The registry's ports: what it asks of its stores (govhub.store.repository implements them over DynamoDB;
# tests/unit/registry over dicts). A write that loses a race (a moved revision, a taken name or tag, a model
# gone or retired) raises ConditionFailedError and changes nothing.
class ModelStore(Protocol):
    def get(self, model_id: int) -> AIModel | None: ...
    def id_for_name(self, name: str) -> int | None: ...
    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page: ...
    def create(self, model: AIModel, counters: dict[str, int]) -> AIModel: ...
    def save(
        self, model: AIModel, counters: dict[str, int], previous_name: str | None = None, sealed: tuple[str, str] | None = None,
        also: Callable[[Any], None] | None = None,
    ) -> AIModel: ...
    def dependents(self, model_id: int, wanted: int) -> ModelDependents: ...
    def delete(self, model: AIModel, deleted: Stamp, counters: dict[str, int], dependents_seen: int | None) -> None: ...
    def add_editor(self, model_id: int, username: str) -> None: ...
    def sealed_snapshots(self, model_id: int, limit: int, cursor: str | None) -> Page: ...


class VersionStore(Protocol):
    def get(self, version_id: int) -> ModelVersion | None: ...
    def tag_taken(self, model_id: int, tag: str) -> bool: ...
    def list_for_model(self, model_id: int, limit: int, cursor: str | None) -> Page: ...
    def create(self, version: ModelVersion) -> ModelVersion: ...


class MetricStore(Protocol):
    def get(self, metric_id: int) -> Metric | None: ...
    def list_for_version(self, version_id: int, limit: int, cursor: str | None) -> Page: ...
    def create_many(self, metrics: list[Metric]) -> list[Metric]: ...


class StatsStore(Protocol):
    def read(self) -> dict[str, int]: ...


class SequenceStore(Protocol):
    def allocate(self, kind: str, count: int = 1) -> list[int]: ...


class TeamDirectory(Protocol):
    def exists(self, slug: str) -> bool: ...


class ApprovalEvidence(Protocol):
    """What the policy judged an approval on (govhub.policy.service.TransitionVerdict)."""

    @property
    def latest_version(self) -> ModelVersion | None: ...
    @property
    def metrics(self) -> tuple[Metric, ...]: ...
    @property
    def required_signoffs(self) -> int: ...
    @property
    def policy_ref(self) -> PolicyRef: ...
    @property
    def evidence(self) -> tuple[Evidence, ...]: ...
    @property
    def monitoring_plan(self) -> dict[str, Any] | None: ...


PolicyGate = Callable[[AIModel, ComplianceStatus, Actor], "ApprovalEvidence | None"]
# What the active policy does with a change to a governed field of an approved model: `reopen_review` or `refuse`.
ApprovedChangesRule = Callable[[], str]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Registry:
    def __init__(
        self,
        models: ModelStore,
        versions: VersionStore,
        metrics: MetricStore,
        stats: StatsStore,
        sequences: SequenceStore,
        teams: TeamDirectory,
        clock: Clock = utc_now,
    ) -> None:
        self._models = models
        self._versions = versions
        self._metrics = metrics
        self._stats = stats
        self._sequences = sequences
        self._teams = teams
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
        fields = {**fields, "team": self._team_for_new_model(fields.get("team"), by)}
        existing = self._models.id_for_name(fields["name"])
        if existing is not None:
            raise self._duplicate(fields["name"], existing)
        (model_id,) = self._sequences.allocate("model")
        now = self._clock()
        model = AIModel(
            id=model_id,
            stamp=self._stamp(by, fields.pop("reason", None) or "Registered", now),
            **fields,
        )
        try:
            created = self._models.create(model, counter_delta(None, model))
        except ConditionFailedError:
            raise self._duplicate(model.name, self._models.id_for_name(model.name)) from None
        return created

    def update_model(
        self,
        model_id: int,
        changes: dict[str, Any],
        by: Actor,
        expected_revision: int | None,
        reason: str | None,
        approved_changes: ApprovedChangesRule | None = None,
    ) -> AIModel:
        current = self.get_model(model_id)
        self._authorize(current, by)
        self._check_revision(current, expected_revision)
        if current.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(f"Model {model_id} is retired; its record can no longer change.")
        if "team" in changes and changes["team"] != current.team:
            self._check_reassignment(current, changes["team"], by)
        changes = {name: value for name, value in changes.items() if name in (*DESCRIPTIVE_FIELDS, "team")}
        updated = replace(current, **changes, stamp=self._touch(current.stamp, by, reason or "Profile updated"))
        if "name" in changes and changes["name"] != current.name:
            taken = self._models.id_for_name(changes["name"])
            if taken is not None and taken != model_id:
                raise self._duplicate(changes["name"], taken)
        updated = self._governed_change(current, updated, by, approved_changes)
        return self._save(current, updated, previous_name=current.name)

    def change_risk(
        self,
        model_id: int,
        risk_level: RiskLevel,
        justification: str,
        by: Actor,
        expected_revision: int | None,
        approved_changes: ApprovedChangesRule | None = None,
    ) -> AIModel:
        current = self.get_model(model_id)
        self._authorize(current, by)
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
        updated = self._governed_change(current, updated, by, approved_changes)
        return self._save(current, updated)

    def record_classification(
        self,
        model_id: int,
        classify: Callable[[AIModel], AIModel],
        by: Actor,
        expected_revision: int | None,
        approved_changes: ApprovedChangesRule | None = None,
    ) -> AIModel:
        """Write a classification (govhub.classification computes `classify(current)`) under the rules of any change
        of the record: team ownership, revision, retirement and, for a changed risk level, the approval rules."""
        current = self.get_model(model_id)
        self._authorize(current, by)
        self._check_revision(current, expected_revision)
        if current.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(f"Model {model_id} is retired; it can no longer be classified.", {"model_id": model_id})
        updated = self._governed_change(current, classify(current), by, approved_changes)
        return self._save(current, updated)

    def change_governed_part(
        self,
        model_id: int,
        part: str,
        by: Actor,
        reason: str,
        approved_changes: ApprovedChangesRule | None = None,
        also: Callable[[Any], None] | None = None,
    ) -> AIModel:
        """A change of something an approval seals that lives beside the model (its monitoring plan): the model's
        record takes the approval rules of a governed change (an approved model's review reopens, sign-offs under
        review are cleared, the changer may not approve) and `also` writes the part in the same transaction.
        Raises ConditionFailedError, changing nothing, when the part's own condition fails."""
        current = self.get_model(model_id)
        self._authorize(current, by)
        if current.compliance_status is ComplianceStatus.RETIRED:
            raise ModelRetiredError(f"Model {model_id} is retired; its {part.replace('_', ' ')} can no longer change.", {"model_id": model_id})
        updated = replace(current, stamp=self._touch(current.stamp, by, reason))
        updated = self._governed_change(current, updated, by, approved_changes, fields=[part])
        return self._save(current, updated, also=also)

    def ensure_may_change(self, model: AIModel, by: Actor) -> None:
        """The ownership check of a change to what belongs to the model (e.g. an attestation of its obligations)."""
        self._authorize(model, by)

    def team_for_new_record(self, team: str | None, by: Actor) -> str | None:
        """The team a new record of the caller's belongs to (a dataset, like a model): theirs, or the one they name."""
        return self._team_for_new_model(team, by)

    def reopen_review(self, model_id: int, reason: str, cause: str, by: Actor) -> AIModel | None:
        """Something an approved model was built on turned out bad (e.g. a flagged dataset): its approval stops being in
        force and review reopens, with `reason`. No ownership check: the caller was authorized on the input, not the
        model. None when the model is not approved (then nothing changes)."""
        for _ in range(3):
            current = self._models.get(model_id)
            if current is None or current.compliance_status is not ComplianceStatus.APPROVED:
                return None
            now = self._clock()
            invalidated = Invalidation(now, by.username, (cause,), current.approval.snapshot_sha256 or "")
            updated = replace(
                current,
                compliance_status=ComplianceStatus.UNDER_REVIEW,
                approval=ApprovalState(required_signoffs=current.approval.required_signoffs, invalidated=invalidated),
                policy_violations=[],
                stamp=self._touch(current.stamp, by, f"{REOPENED_PREFIX} {reason}", now),
            )
            try:
                return self._models.save(updated, counter_delta(current, updated))
            except ConditionFailedError:
                continue  # changed meanwhile: read it again and judge the fresh state
        raise self._stale(self.get_model(model_id))

    def _governed_change(
        self, current: AIModel, updated: AIModel, by: Actor, approved_changes: ApprovedChangesRule | None, fields: list[str] | None = None
    ) -> AIModel:
        """Apply the approval rules to a change of the model's record.

        The changer joins those who may not approve it. On an approved model a change of a governed field reopens
        review in the same write (or is refused, if the policy says so); under review it clears the sign-offs given.
        """
        fields = fields if fields is not None else changed_governed_fields(current, updated)
        if not fields:
            return updated
        editors = updated.editors_since_submission | {by.username}
        if current.compliance_status is ComplianceStatus.APPROVED:
            if approved_changes is not None and approved_changes() == "refuse":
                raise ApprovalLockedError(
                    f"Model {current.id} is approved and the active policy refuses changes to what was approved "
                    f"({', '.join(fields)}). Request a re-review (status under_review) first, then change it.",
                    {"model_id": current.id, "fields": fields, "snapshot_sha256": current.approval.snapshot_sha256},
                )
            now = updated.stamp.updated_at
            why = f"{REOPENED_PREFIX} {', '.join(fields)} changed" + (f" ({updated.stamp.change_reason})" if updated.stamp.change_reason else "")
            invalidated = Invalidation(now, by.username, tuple(fields), current.approval.snapshot_sha256 or "")
            return replace(
                updated,
                compliance_status=ComplianceStatus.UNDER_REVIEW,
                approval=ApprovalState(required_signoffs=current.approval.required_signoffs, invalidated=invalidated),
                policy_violations=[],
                editors_since_submission=editors,
                stamp=replace(updated.stamp, change_reason=why),
            )
        approval = current.approval
        if approval.signoffs:
            approval = replace(approval, signoffs=[])
            reason = updated.stamp.change_reason or "Profile updated"
            updated = replace(updated, stamp=replace(updated.stamp, change_reason=f"{reason} (sign-offs cleared: {', '.join(fields)} changed)"))
        return replace(updated, approval=approval, editors_since_submission=editors)

    def change_status(
        self,
        model_id: int,
        target: ComplianceStatus,
        reason: str,
        by: Actor,
        expected_revision: int | None,
        check_policy: PolicyGate | None = None,
    ) -> AIModel:
        """Move the model through its lifecycle. An approval the policy lets pass is a sign-off: the one that reaches
        the required number of distinct approvers seals the snapshot and approves; earlier ones are recorded."""
        current = self.get_model(model_id)
        self._authorize(current, by)
        self._check_revision(current, expected_revision)
        if not is_allowed(current.compliance_status, target):
            allowed = [s.value for s in allowed_transitions(current.compliance_status)]
            raise TransitionNotAllowedError(
                f"A {current.compliance_status.value} model cannot move to {target.value}."
                + (f" Allowed next states: {', '.join(allowed)}." if allowed else " It is final."),
                {"current": current.compliance_status.value, "requested": target.value, "allowed": allowed},
            )
        verdict = check_policy(current, target, by) if check_policy is not None else None
        now = self._clock()
        if target is ComplianceStatus.APPROVED:
            return self._sign_off(current, reason, by, now, verdict)
        # a flag speaks of an approved model; any new status starts from the policy's fresh verdict
        updated = replace(current, compliance_status=target, stamp=self._touch(current.stamp, by, reason, now), policy_violations=[])
        approval = current.approval
        if current.compliance_status is ComplianceStatus.APPROVED:  # the sealed snapshot stops being in force
            approval = replace(approval, snapshot_sha256=None, sealed_at=None)
        updated.approval = replace(approval, signoffs=[])
        if target is ComplianceStatus.UNDER_REVIEW:
            updated.submitted_by = by.username
            updated.editors_since_submission = frozenset()
        return self._save(current, updated)

    def _sign_off(self, current: AIModel, reason: str, by: Actor, now: datetime, verdict: ApprovalEvidence | None) -> AIModel:
        candidate = current.latest_version.id if current.latest_version else None
        given = [s for s in current.approval.signoffs if s.version_id == candidate]
        if any(s.by.casefold() == by.username.casefold() for s in given):
            raise ValidationFailedError(
                f"{by.username} already signed off this version of model {current.id}; the next sign-off must come from someone else.",
                [{"field": "status", "message": "already signed off"}],
            )
        required = verdict.required_signoffs if verdict is not None else 1
        signoffs = [*given, Signoff(by.username, by.role, now, reason, candidate)]
        if len(signoffs) < required:
            note = f"Sign-off {len(signoffs)} of {required}: {reason}"
            approval = replace(current.approval, signoffs=signoffs, required_signoffs=required)
            return self._save(current, replace(current, approval=approval, stamp=self._touch(current.stamp, by, note, now)))
        version = verdict.latest_version if verdict is not None else self._latest_version(current)
        metrics = verdict.metrics if verdict is not None else tuple(self._all_metrics(version))
        policy = verdict.policy_ref if verdict is not None else None
        snapshot = seal(current, version, metrics, policy, signoffs, now,
                        evidence=verdict.evidence if verdict is not None else (),
                        monitoring_plan=verdict.monitoring_plan if verdict is not None else None)
        note = reason if required == 1 else f"Sign-off {len(signoffs)} of {required}: {reason}"
        approved = replace(
            current,
            compliance_status=ComplianceStatus.APPROVED,
            stamp=self._touch(current.stamp, by, note, now),
            policy_violations=[],
            approved_by=by.username,
            approved_at=now,
            approved_version_id=candidate,
            approval=ApprovalState(
                required_signoffs=required,
                signoffs=signoffs,
                snapshot_sha256=snapshot.sha256,
                sealed_at=now,
                policy_version=policy.version if policy else None,
            ),
        )
        return self._save(current, approved, sealed=(snapshot.sha256, snapshot.text))

    def sealed_approvals(self, model_id: int, limit: int, cursor: str | None) -> Page:
        """The model's sealed snapshots, newest first, as `(sha256, canonical JSON)`."""
        self.get_model(model_id)
        return self._models.sealed_snapshots(model_id, limit, cursor)

    def approval_in_force(self, model: AIModel) -> dict[str, Any] | None:
        """The sealed snapshot document of the approval in force on `model` (None unless it is approved)."""
        sha256 = model.approval.snapshot_sha256
        if model.compliance_status is not ComplianceStatus.APPROVED or sha256 is None:
            return None
        latest = self._models.sealed_snapshots(model.id, 1, None).items  # an approval seals a newer snapshot than any before it
        return load_snapshot(latest[0][1]) if latest and latest[0][0] == sha256 else None

    def delete_model(self, model_id: int, reason: str, by: Actor) -> None:
        """Delete a model no other model is built on (else 409 `model_in_use` naming them: what was built on it must
        keep a true answer to "what was this built from?"). Retiring stays possible whatever was built on it."""
        current = self.get_model(model_id)
        self._authorize(current, by)
        dependents = self._models.dependents(model_id, MAX_DEPENDENTS_NAMED)
        if dependents.items:
            raise self._in_use(current, dependents)
        deleted = self._touch(current.stamp, by, reason)
        try:
            self._models.delete(current, deleted, counter_delta(current, None), dependents.seen)
        except ConditionFailedError:  # changed, deleted or built on since it was read: say which, as a save does
            fresh = self._models.get(model_id)
            if fresh is None:
                raise NotFoundError(f"Model {model_id} does not exist.", {"model_id": model_id}) from None
            dependents = self._models.dependents(model_id, MAX_DEPENDENTS_NAMED)
            if dependents.items:
                raise self._in_use(fresh, dependents) from None
            raise self._stale(fresh) from None

    # -- versions and metrics --------------------------------------------------------------
    def register_version(self, model_id: int, fields: dict[str, Any], by: Actor) -> ModelVersion:
        model = self.get_model(model_id)
        self._authorize(model, by)
        self._ensure_live(model)
        if self._versions.tag_taken(model_id, fields["version_tag"]):
            raise self._duplicate_version(model, fields["version_tag"])
        (version_id,) = self._sequences.allocate("version")
        now = self._clock()
        version = ModelVersion(
            id=version_id,
            model_id=model_id,
            stamp=self._stamp(by, f"Version {fields['version_tag']} registered", now),
            **fields,
        )
        try:
            return self._versions.create(version)
        except ConditionFailedError:
            model = self.get_model(model_id)
            self._ensure_live(model)
            if self._versions.tag_taken(model_id, version.version_tag):
                raise self._duplicate_version(model, version.version_tag) from None
            raise ValidationFailedError(  # a declared input (its base model) was deleted between its check and this write
                "A declared input of the version no longer exists (it was deleted meanwhile): declare inputs that exist.",
                [{"field": "inputs", "message": "no longer exists"}],
            ) from None

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
        model = self.get_model(version.model_id)
        self._authorize(model, by)
        self._ensure_live(model)
        if by.username not in model.editors_since_submission:
            try:
                self._models.add_editor(model.id, by.username)
            except ConditionFailedError:
                self._ensure_live(self.get_model(model.id))
                raise
        ids = self._sequences.allocate("metric", len(values))
        now = self._clock()
        stamp = self._stamp(by, "Evaluation recorded", now)
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

    # -- teams and ownership -------------------------------------------------------------------
    def _authorize(self, model: AIModel, by: Actor) -> None:
        """The one ownership check: admins change any model; others only their teams' models (403 naming the team)."""
        if by.is_admin:
            return
        mine = ", ".join(sorted(by.teams)) or "none"
        if model.team is None:
            raise ForbiddenError(
                f"Model {model.id} belongs to no team: only admins may change it (your teams: {mine}).",
                {"model_id": model.id, "team": None, "your_teams": sorted(by.teams)},
            )
        if model.team not in by.teams:
            raise ForbiddenError(
                f"Model {model.id} belongs to team '{model.team}'; you may change only your teams' models (your teams: {mine}).",
                {"model_id": model.id, "team": model.team, "your_teams": sorted(by.teams)},
            )

    def _team_for_new_model(self, team: str | None, by: Actor) -> str | None:
        if not by.is_admin:
            if team is None:
                if len(by.teams) == 1:
                    team = next(iter(by.teams))
                elif not by.teams:
                    raise ForbiddenError(
                        "You belong to no team, so you cannot register models. An administrator adds you to a team "
                        "(Cognito group team-<slug>).",
                        {"your_teams": []},
                    )
                else:
                    raise ValidationFailedError(
                        f"You belong to several teams ({', '.join(sorted(by.teams))}): say which one owns the model in `team`.",
                        [{"field": "team", "message": "required: you belong to several teams"}],
                    )
            elif team not in by.teams:
                raise ForbiddenError(
                    f"You may register models only for your teams ({', '.join(sorted(by.teams)) or 'none'}); '{team}' is not one of them.",
                    {"team": team, "your_teams": sorted(by.teams)},
                )
        if team is not None and not self._teams.exists(team):
            raise ValidationFailedError(
                f"Team '{team}' does not exist. An administrator creates it with POST /api/v1/teams.",
                [{"field": "team", "message": "unknown team"}],
            )
        return team

    def _check_reassignment(self, model: AIModel, team: str | None, by: Actor) -> None:
        if not by.is_admin:
            raise ForbiddenError(
                f"Only administrators reassign a model to another team (model {model.id} belongs to '{model.team}').",
                {"model_id": model.id, "team": model.team},
            )
        if team is not None and not self._teams.exists(team):
            raise ValidationFailedError(
                f"Team '{team}' does not exist. An administrator creates it with POST /api/v1/teams.",
                [{"field": "team", "message": "unknown team"}],
            )

    # -- helpers ---------------------------------------------------------------------------
    def _latest_version(self, model: AIModel) -> ModelVersion | None:
        return self._versions.get(model.latest_version.id) if model.latest_version else None

    def _all_metrics(self, version: ModelVersion | None) -> list[Metric]:
        if version is None:
            return []
        metrics: list[Metric] = []
        cursor: str | None = None
        while True:
            page = self._metrics.list_for_version(version.id, 100, cursor)
            metrics += page.items
            cursor = page.next_cursor
            if cursor is None:
                return metrics

    def _stamp(self, by: Actor, reason: str, now: datetime) -> Stamp:
        context = dict(by.claimed_context) if by.claimed_context else None
        return Stamp(now, by.username, now, by.username, by.role, reason, context)

    def _save(
        self, current: AIModel, updated: AIModel, previous_name: str | None = None, sealed: tuple[str, str] | None = None,
        also: Callable[[Any], None] | None = None,
    ) -> AIModel:
        try:
            if also is not None:
                return self._models.save(updated, counter_delta(current, updated), previous_name=previous_name, sealed=sealed, also=also)
            return self._models.save(updated, counter_delta(current, updated), previous_name=previous_name, sealed=sealed)
        except ConditionFailedError:
            fresh = self._models.get(current.id)
            if fresh is None:
                raise NotFoundError(f"Model {current.id} does not exist.", {"model_id": current.id}) from None
            if fresh.revision != current.revision:
                raise self._stale(fresh) from None
            if also is not None:  # the part's own condition failed: its owner says what moved
                raise
            raise self._duplicate(updated.name, self._models.id_for_name(updated.name)) from None

    def _touch(self, stamp: Stamp, by: Actor, reason: str | None, now: datetime | None = None) -> Stamp:
        context = dict(by.claimed_context) if by.claimed_context else None
        return replace(
            stamp, updated_at=now or self._clock(), updated_by=by.username, updated_by_role=by.role, change_reason=reason,
            claimed_context=context,
        )

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
    def _in_use(model: AIModel, dependents: ModelDependents) -> ModelInUseError:
        named = ", ".join(
            f"{d.model_name}@{d.version_tag} (model {d.model_id}) on {model.name}@{d.base_version_tag or d.base_version_id}"
            for d in dependents.items
        ) + (", and more" if dependents.more else "")
        return ModelInUseError(
            f"Model {model.id} ('{model.name}') cannot be deleted: other models are built on its versions ({named}); deleting it "
            f"would leave their lineage pointing at nothing. Delete those models first, or retire this one instead "
            f"(PATCH /api/v1/models/{model.id}/compliance-status with status retired): a retired model keeps its record.",
            {"model_id": model.id, "dependents": [asdict(d) for d in dependents.items], "more": dependents.more},
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
    checks: dict[str, Callable[[str], bool]] = {
        "risk_level": lambda v: model.risk_level.value == v,
        "compliance_status": lambda v: model.compliance_status.value == v,
        "owner": lambda v: model.owner.casefold() == v.casefold(),
        "domain": lambda v: (model.domain or "").casefold() == v.casefold(),
        "team": lambda v: model.team == v,
        "q": lambda v: search.normalise(v) in search.normalise(model.name),
    }
    return all(checks[key](value) for key, value in filters.items() if key in checks and value)


def default_registry() -> Registry:
    from govhub.store.repository import MetricRepository, ModelRepository, SequenceRepository, StatsRepository, VersionRepository
    from govhub.store.teams import TeamRepository

    stats = StatsRepository()
    return Registry(ModelRepository(stats), VersionRepository(), MetricRepository(), stats, SequenceRepository(), TeamRepository())
