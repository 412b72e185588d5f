"""Policy use cases: read and replace the active policy set, gate transitions, check, list obligations, monitor.

The service takes its ports by constructor (store, evidence reader, flags, events); the concrete
DynamoDB and EventBridge adapters live in govhub.store.policies and the policy_monitor function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.approvals.snapshot import PolicyRef
from govhub.classification.timeline import TimelineDocument
from govhub.domain.classification import Attestation
from govhub.domain.documents import BUILT_IN_VERSION, DocumentHistory, DocumentStore, shipped
from govhub.domain.entities import (
    Actor,
    AIModel,
    Metric,
    ModelVersion,
    Page,
    PolicyViolation,
    Stamp,
)
from govhub.domain.lifecycle import ComplianceStatus, allowed_transitions
from govhub.errors import NotFoundError, TransitionNotAllowedError
from govhub.evidence.model import Evidence
from govhub.policy.document import PolicyDocument, default_policy, parse_policy
from govhub.policy.errors import PolicyViolationError
from govhub.policy.evaluator import Checklist, evaluate, not_applicable_checklist
from govhub.policy.facts import ComplianceFacts, DeclaredDataset, MonitoringFacts, Occasion
from govhub.policy.obligations import ObligationChecklist, obligations_for
from govhub.policy.versions import PolicyVersion
from govhub.text import chat_safe

MONITOR_ACTOR = Actor(username="policy-monitor", role="system")

# The forward step a compliance check looks at when the caller names none.
NEXT_STEP: dict[ComplianceStatus, ComplianceStatus] = {
    ComplianceStatus.DRAFT: ComplianceStatus.UNDER_REVIEW,
    ComplianceStatus.UNDER_REVIEW: ComplianceStatus.APPROVED,
}


class PolicyStore(DocumentStore[PolicyDocument], Protocol):
    def get(self, version: int) -> PolicyVersion | None: ...


class EvidenceReader(Protocol):
    def latest_evidence(self, model: AIModel) -> tuple[ModelVersion | None, list[Metric]]:
        """The model's latest version and every metric recorded on it, in one pass."""
        ...


class ModelReader(Protocol):
    def get(self, model_id: int) -> AIModel | None: ...
    def approved(self, limit: int, cursor: str | None) -> Page: ...


class ViolationFlags(Protocol):
    def set_violations(self, model: AIModel, violations: list[PolicyViolation], stamp: Stamp) -> bool:
        """Write the flag if the model is still approved at the revision read; False when it has moved on."""
        ...


class ObligationSources(Protocol):
    """Where the obligations' dates and attestations come from (the timeline is data admins replace)."""

    def timeline_document(self) -> TimelineDocument: ...
    def attestations(self, model_id: int) -> list[Attestation]: ...
    def documents(self, model_id: int, at: datetime) -> list[Evidence]:
        """The model's evidence documents that are current at `at` (signed off, valid, not withdrawn or superseded)."""
        ...


class MonitoringEvidence(Protocol):
    """The model's monitoring plan and open findings (govhub.store.monitoring), for the monitoring rules."""

    def monitoring_facts(self, model_id: int) -> MonitoringFacts: ...


class DatasetFacts(Protocol):
    def declared(self, version: ModelVersion) -> tuple[DeclaredDataset, ...]:
        """The datasets `version` declares, each with the dataset's record now."""
        ...


class EventPublisher(Protocol):
    def policy_violated(self, detail: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class TransitionVerdict:
    """A transition the policy lets pass, with what it was judged on (an approval seals exactly this)."""

    checklist: Checklist
    policy: PolicyVersion
    latest_version: ModelVersion | None
    metrics: tuple[Metric, ...]
    required_signoffs: int
    evidence: tuple[Evidence, ...] = ()  # the model's current evidence documents, sealed with an approval
    monitoring_plan: dict[str, Any] | None = None  # what the approval seals of the post-market monitoring plan

    @property
    def policy_ref(self) -> PolicyRef:
        return PolicyRef(self.policy.version, self.policy.document.name, self.policy.document.sha256())


@dataclass(frozen=True)
class MonitorOutcome:
    model_id: int
    checklist: Checklist | None
    changed: bool
    new_rule_ids: tuple[str, ...] = ()


def utc_now() -> datetime:
    return datetime.now(UTC)


def built_in_policy() -> PolicyVersion:
    return shipped(default_policy(), "The hub's shipped default policy set")


class PolicyService:
    def __init__(
        self,
        store: PolicyStore,
        evidence: EvidenceReader,
        models: ModelReader | None = None,
        flags: ViolationFlags | None = None,
        events: EventPublisher | None = None,
        clock: Callable[[], datetime] = utc_now,
        obligation_sources: ObligationSources | None = None,
        monitoring: MonitoringEvidence | None = None,
        datasets: DatasetFacts | None = None,
    ) -> None:
        self._obligation_sources = obligation_sources
        self._monitoring = monitoring
        self._datasets = datasets
        self._store = store
        self._evidence = evidence
        self._models = models
        self._flags = flags
        self._events = events
        self._clock = clock
        self.policies = DocumentHistory(store, parse_policy, built_in_policy,
                                        "The active policy set is now version {current}; reload it and apply your change again.", clock)

    # -- the policy set ---------------------------------------------------------------------
    def active(self) -> PolicyVersion:
        return self.policies.active()

    def version(self, number: int) -> PolicyVersion:
        found = built_in_policy() if number == BUILT_IN_VERSION else self._store.get(number)
        if found is None:
            raise NotFoundError(f"Policy version {number} does not exist.", {"version": number})
        return found

    # -- gating and checking ----------------------------------------------------------------
    def check_transition(self, model: AIModel, target: ComplianceStatus, actor: Actor) -> TransitionVerdict:
        """The registry's hook: raise PolicyViolationError listing every failed rule, or let the transition pass."""
        policy = self.active()
        version, metrics = self._evidence.latest_evidence(model)
        monitoring = self._monitoring.monitoring_facts(model.id) if self._monitoring is not None else None
        checklist = self._judge(policy, model, version, metrics, target, actor, Occasion.TRANSITION, monitoring)
        if checklist.passed:
            required = policy.document.required_signoffs(model.risk_level)
            sources = self._obligation_sources
            documents = tuple(sources.documents(model.id, checklist.evaluated_at)) if sources and target is ComplianceStatus.APPROVED else ()
            plan = monitoring.plan if monitoring is not None else None
            return TransitionVerdict(checklist, policy, version, tuple(metrics), required, documents, plan)
        failed = checklist.failed
        names = ", ".join(item.rule_id for item in failed)
        raise PolicyViolationError(
            f"Model {model.id} cannot move to {target.value}: {len(failed)} rule{'s' if len(failed) > 1 else ''} "
            f"of policy v{checklist.policy_version} fail ({names}).",
            {
                "failed_rules": [item.failed_rule() for item in failed],
                "policy_version": checklist.policy_version,
                "target": target.value,
            },
        )

    def compliance_check(self, model: AIModel, target: ComplianceStatus | None, actor: Actor | None) -> Checklist:
        """The checklist of the model's next step (or `target`), for `actor` as the one who would take it.

        An approved model is checked as the monitor checks it (is it still compliant?); a retired one makes no step.
        Without an actor (the compliance report) who approves is not judged: the four-eyes rule is not applicable.
        """
        policy = self.active()
        if target is None:
            if model.compliance_status is ComplianceStatus.RETIRED:
                return not_applicable_checklist(policy.document, policy.version, self._clock(), "The model is retired: no transition follows.")
            if model.compliance_status is ComplianceStatus.APPROVED:
                return self.evaluate(model, ComplianceStatus.APPROVED, None, Occasion.MONITORING, policy)
            target = NEXT_STEP[model.compliance_status]
        if model.compliance_status is ComplianceStatus.DRAFT and target is ComplianceStatus.APPROVED:
            # A preview from draft of what approval will ask (reached through review); who approves is not known yet.
            return self.evaluate(model, target, None, Occasion.TRANSITION, policy)
        if target not in allowed_transitions(model.compliance_status):
            allowed = [s.value for s in allowed_transitions(model.compliance_status)]
            raise TransitionNotAllowedError(
                f"A {model.compliance_status.value} model cannot move to {target.value}.",
                {"current": model.compliance_status.value, "requested": target.value, "allowed": allowed},
            )
        return self.evaluate(model, target, actor, Occasion.TRANSITION, policy)

    def obligations(self, model: AIModel) -> ObligationChecklist:
        """The EU AI Act obligations of the model's risk level and operator role, dated by the active timeline,
        with the policy judged for approval as evidence and the attestations people recorded."""
        check = self.evaluate(model, ComplianceStatus.APPROVED, None, Occasion.TRANSITION)
        sources = self._obligation_sources
        timeline = sources.timeline_document() if sources else None
        attestations = sources.attestations(model.id) if sources else []
        documents = sources.documents(model.id, check.evaluated_at) if sources else []
        return obligations_for(model, check, check.evaluated_at.date(), timeline, attestations, documents)

    def evaluate(
        self,
        model: AIModel,
        target: ComplianceStatus,
        actor: Actor | None,
        occasion: Occasion,
        policy: PolicyVersion | None = None,
    ) -> Checklist:
        policy = policy or self.active()
        version, metrics = self._evidence.latest_evidence(model)
        monitoring = self._monitoring.monitoring_facts(model.id) if self._monitoring is not None else None
        return self._judge(policy, model, version, metrics, target, actor, occasion, monitoring)

    def approved_changes(self) -> str:
        """What the active policy does when a governed field of an approved model changes (`reopen_review` or `refuse`)."""
        return self.active().document.approved_changes

    def _judge(
        self,
        policy: PolicyVersion,
        model: AIModel,
        version: ModelVersion | None,
        metrics: list[Metric],
        target: ComplianceStatus,
        actor: Actor | None,
        occasion: Occasion,
        monitoring: MonitoringFacts | None = None,
    ) -> Checklist:
        declared = self._datasets.declared(version) if self._datasets is not None and version is not None and version.inputs else ()
        facts = ComplianceFacts(model, version, tuple(metrics), target, self._clock(), actor, occasion, monitoring=monitoring, datasets=declared)
        return evaluate(policy.document, facts, policy.version)

    # -- monitoring -------------------------------------------------------------------------
    def monitor(self, model_id: int, trigger: dict[str, Any] | None = None) -> MonitorOutcome:
        """Re-check one approved model; flag it (and announce new failures) when its violations changed."""
        if self._models is None or self._flags is None:
            raise RuntimeError("monitoring needs a model reader and a flag writer")
        model = self._models.get(model_id)
        if model is None or model.compliance_status is not ComplianceStatus.APPROVED:
            return MonitorOutcome(model_id, None, changed=False)
        checklist = self.evaluate(model, ComplianceStatus.APPROVED, None, Occasion.MONITORING)
        now = checklist.evaluated_at
        previous = {(v.rule_id, v.reason) for v in model.policy_violations}
        current = {(item.rule_id, item.reason) for item in checklist.failed}
        if previous == current:
            return MonitorOutcome(model_id, checklist, changed=False)
        known = {v.rule_id: v for v in model.policy_violations}
        violations = [
            PolicyViolation(
                item.rule_id,
                item.kind,
                item.reason,
                item.article,
                checklist.policy_version,
                known[item.rule_id].detected_at if item.rule_id in known else now,
            )
            for item in checklist.failed
        ]
        new_ids = tuple(v.rule_id for v in violations if v.rule_id not in known)
        if new_ids and self._events is not None:
            # announced before the flag is written: a failed write retries and may announce twice, never zero times
            self._events.policy_violated(_event_detail(model, checklist, violations, new_ids, trigger, now))
        reason = (
            f"Policy v{checklist.policy_version}: {', '.join(v.rule_id for v in violations)} fail"
            if violations
            else f"Policy v{checklist.policy_version}: compliant again"
        )
        stamp = Stamp(model.stamp.created_at, model.stamp.created_by, now, MONITOR_ACTOR.username, MONITOR_ACTOR.role, reason)
        written = self._flags.set_violations(model, violations, stamp)
        return MonitorOutcome(model_id, checklist, changed=written, new_rule_ids=new_ids if written else ())

    def monitor_all_approved(self, trigger: dict[str, Any] | None = None, page_size: int = 50) -> list[MonitorOutcome]:
        """After a policy change: re-check every approved model (a stream consumer's job, never a request's)."""
        if self._models is None:
            raise RuntimeError("monitoring needs a model reader")
        outcomes: list[MonitorOutcome] = []
        cursor: str | None = None
        while True:
            page = self._models.approved(page_size, cursor)
            outcomes += [self.monitor(model.id, trigger) for model in page.items]
            cursor = page.next_cursor
            if cursor is None:
                return outcomes


def _event_detail(
    model: AIModel,
    checklist: Checklist,
    violations: list[PolicyViolation],
    new_ids: tuple[str, ...],
    trigger: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """The `Policy Violated` event, in the notifier's detail conventions (schema_version, event_id, model, actor, summary)."""
    trigger = trigger or {}
    what = f"{chat_safe(model.name)} (#{model.id}): approved, but fails {', '.join(new_ids)} of policy v{checklist.policy_version}"
    return {
        "schema_version": "1.0",
        "event_id": trigger.get("event_id"),
        "time": now.isoformat(),
        "model": {
            "id": model.id,
            "name": model.name,
            "owner": model.owner,
            "domain": model.domain,
            "risk_level": model.risk_level.value,
            "compliance_status": model.compliance_status.value,
        },
        "actor": {"username": MONITOR_ACTOR.username, "role": MONITOR_ACTOR.role},
        "reason": "; ".join(v.reason for v in violations if v.rule_id in new_ids),
        "summary": what,
        "approved_version_id": model.approved_version_id,
        "policy_version": checklist.policy_version,
        "policy_name": checklist.policy_name,
        "failed_rules": [{"rule_id": v.rule_id, "reason": v.reason, "article": v.article} for v in violations],
        "new_rule_ids": list(new_ids),
        "trigger": {key: trigger.get(key) for key in ("entity", "id")},
    }
