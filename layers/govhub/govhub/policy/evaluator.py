"""The policy evaluator: a pure function from (policy document, facts) to a checklist. No I/O here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from govhub.domain.entities import Actor, AIModel
from govhub.domain.lifecycle import ComplianceStatus
from govhub.policy.document import (
    ClassificationRule,
    DataGovernanceRule,
    FourEyesRule,
    MetricFreshnessRule,
    MetricPresentRule,
    MetricThresholdRule,
    MonitoringPlanRule,
    NoOpenFindingsRule,
    PolicyDocument,
    ProhibitedRule,
    RegisteredVersionRule,
    RequiredFieldsRule,
    Rule,
    SignOffRule,
)
from govhub.policy.facts import ComplianceFacts, Occasion


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class CheckItem:
    rule_id: str
    kind: str
    status: CheckStatus
    reason: str
    article: str
    description: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def failed_rule(self) -> dict[str, str]:
        """The short form a refusal lists (`rule` repeats `rule_id` for clients that read that name)."""
        return {"rule_id": self.rule_id, "rule": self.rule_id, "reason": self.reason, "article": self.article}

    def as_json(self) -> dict[str, Any]:
        """Plain data, in the field names of GET /models/{id}/compliance-check (the route and the report)."""
        return {"rule_id": self.rule_id, "kind": self.kind, "status": self.status.value, "reason": self.reason,
                "article": self.article, "description": self.description, "evidence": self.evidence}


@dataclass(frozen=True)
class Checklist:
    policy_version: int
    policy_name: str
    target: ComplianceStatus | None
    occasion: Occasion | None
    evaluated_at: datetime
    items: tuple[CheckItem, ...]

    @property
    def failed(self) -> tuple[CheckItem, ...]:
        return tuple(item for item in self.items if item.status is CheckStatus.FAIL)

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def outcome(self) -> Literal["pass", "fail", "none"]:
        """`none` when there is no next step to judge, else `pass` or `fail`."""
        return "none" if self.target is None else ("pass" if self.passed else "fail")

    def summary(self) -> dict[str, int]:
        return {status.value: sum(1 for item in self.items if item.status is status) for status in CheckStatus}


def evaluate(policy: PolicyDocument, facts: ComplianceFacts, policy_version: int) -> Checklist:
    """Every rule of the policy, in document order, judged against the same facts."""
    items = tuple(_judge(rule, facts) for rule in policy.rules)
    return Checklist(policy_version, policy.name, facts.target, facts.occasion, facts.now, items)


def not_applicable_checklist(policy: PolicyDocument, policy_version: int, now: datetime, reason: str) -> Checklist:
    """The checklist of a model that makes no further transition (retired)."""
    items = tuple(_item(rule, CheckStatus.NOT_APPLICABLE, reason) for rule in policy.rules)
    return Checklist(policy_version, policy.name, None, None, now, items)


# -- one judge per rule kind ----------------------------------------------------------------
def _judge(rule: Rule, facts: ComplianceFacts) -> CheckItem:
    if facts.target not in rule.transitions:
        gates = ", ".join(t.value for t in rule.transitions)
        return _item(rule, CheckStatus.NOT_APPLICABLE, f"Checked on the way to {gates}; this check is for {facts.target.value}.")
    if facts.model.risk_level not in rule.risk_levels:
        levels = ", ".join(r.value for r in rule.risk_levels)
        return _item(rule, CheckStatus.NOT_APPLICABLE, f"Applies to {levels} risk; this model is {facts.model.risk_level.value} risk.")
    return _JUDGES[type(rule)](rule, facts)


def _required_fields(rule: RequiredFieldsRule, facts: ComplianceFacts) -> CheckItem:
    present = [name for name in rule.fields if (getattr(facts.model, name) or "").strip()]
    missing = [name for name in rule.fields if name not in present]
    evidence = {"present": present, "missing": missing}
    level = facts.model.risk_level.value
    if missing:
        return _item(rule, CheckStatus.FAIL, f"A {level}-risk model must document {_and(list(rule.fields))}; missing: {', '.join(missing)}.", evidence)
    return _item(rule, CheckStatus.PASS, f"{_and(present).capitalize()} {'is' if len(present) == 1 else 'are'} documented.", evidence)


def _registered_version(rule: RegisteredVersionRule, facts: ComplianceFacts) -> CheckItem:
    version = facts.latest_version
    if version is None:
        return _item(rule, CheckStatus.FAIL, "No version is registered: register one with its artifact location first.", {"version": None})
    evidence = {"version_id": version.id, "version_tag": version.version_tag, "s3_path": version.s3_path, "sha256": version.sha256}
    if not (version.s3_path or "").strip():
        return _item(rule, CheckStatus.FAIL, f"Version {version.version_tag} has no artifact location.", evidence)
    if rule.require_sha256 and not version.sha256:
        return _item(rule, CheckStatus.FAIL, f"Version {version.version_tag} has no artifact hash (sha256); this policy requires one.", evidence)
    hashed = " with its SHA-256" if version.sha256 else ""
    return _item(rule, CheckStatus.PASS, f"Version {version.version_tag} is registered at {version.s3_path}{hashed}.", evidence)


def _awaiting_evaluation(rule: Rule, facts: ComplianceFacts) -> CheckItem | None:
    """While monitoring, a version with no metrics yet is waiting for its evaluation (CI registers, then measures):
    judging it now would flag and announce a gap that the next call closes."""
    if facts.occasion is Occasion.MONITORING and facts.latest_version is not None and not facts.metrics:
        tag = facts.latest_version.version_tag
        return _item(rule, CheckStatus.NOT_APPLICABLE, f"Version {tag} has no metrics yet: it is judged when its evaluation is recorded.")
    return None


def _metric_threshold(rule: MetricThresholdRule, facts: ComplianceFacts) -> CheckItem:
    if (waiting := _awaiting_evaluation(rule, facts)) is not None:
        return waiting
    bounds = {"min": rule.min, "max": rule.max}
    version = facts.latest_version
    metric = facts.latest_metrics.get(rule.metric)
    if metric is None:
        where = f"version {version.version_tag}" if version else "the model (no version is registered)"
        status = CheckStatus.FAIL if rule.when_missing == "fail" else CheckStatus.NOT_APPLICABLE
        reason = f"No {rule.metric} metric is recorded on {where}."
        if status is CheckStatus.NOT_APPLICABLE:
            reason += " This rule applies only when it is measured."
        return _item(rule, status, reason, {"metric": rule.metric, "value": None, **bounds})
    evidence = {
        "metric": rule.metric,
        "value": metric.value,
        **bounds,
        "metric_id": metric.id,
        "version_id": metric.version_id,
        "recorded_at": metric.stamp.created_at.isoformat(),
    }
    if rule.min is not None and metric.value < rule.min:
        return _item(rule, CheckStatus.FAIL, f"{rule.metric} is {_num(metric.value)}, below the minimum {_num(rule.min)}.", evidence)
    if rule.max is not None and metric.value > rule.max:
        return _item(rule, CheckStatus.FAIL, f"{rule.metric} is {_num(metric.value)}, above the maximum {_num(rule.max)}.", evidence)
    return _item(rule, CheckStatus.PASS, f"{rule.metric} is {_num(metric.value)} ({_range(rule)}).", evidence)


def _metric_present(rule: MetricPresentRule, facts: ComplianceFacts) -> CheckItem:
    if (waiting := _awaiting_evaluation(rule, facts)) is not None:
        return waiting
    found = {name: facts.latest_metrics[name].value for name in rule.any_of if name in facts.latest_metrics}
    evidence = {"any_of": list(rule.any_of), "found": found}
    if not found:
        where = f"version {facts.latest_version.version_tag}" if facts.latest_version else "the model (no version is registered)"
        return _item(rule, CheckStatus.FAIL, f"None of {', '.join(rule.any_of)} is recorded on {where}.", evidence)
    listed = ", ".join(f"{name} = {_num(value)}" for name, value in found.items())
    return _item(rule, CheckStatus.PASS, f"Recorded: {listed}.", evidence)


def _metric_freshness(rule: MetricFreshnessRule, facts: ComplianceFacts) -> CheckItem:
    if facts.occasion is Occasion.MONITORING:
        return _item(rule, CheckStatus.NOT_APPLICABLE, "Freshness is checked at approval, not while monitoring an approved model.")
    names = list(rule.metrics) if rule.metrics is not None else sorted(facts.latest_metrics)
    evidence: dict[str, Any] = {"max_age_days": rule.max_age_days, "checked": names}
    if not names:
        return _item(rule, CheckStatus.FAIL, "No metrics are recorded on the latest version: there is no evaluation to be fresh.", evidence)
    missing = [name for name in names if name not in facts.latest_metrics]
    ages = {name: (facts.now - facts.latest_metrics[name].stamp.created_at).total_seconds() / 86_400 for name in names if name not in missing}
    stale = {name: round(age, 1) for name, age in ages.items() if age > rule.max_age_days}
    evidence.update(missing=missing, stale_days=stale, oldest_days=round(max(ages.values()), 1) if ages else None)
    if missing:
        return _item(rule, CheckStatus.FAIL, f"Not recorded on the latest version: {', '.join(missing)}.", evidence)
    if stale:
        listed = ", ".join(f"{name} ({age:g} days)" for name, age in stale.items())
        return _item(rule, CheckStatus.FAIL, f"Older than {rule.max_age_days} days: {listed}. Re-evaluate the model.", evidence)
    return _item(rule, CheckStatus.PASS, f"All {len(names)} metrics are at most {rule.max_age_days} days old (oldest: {evidence['oldest_days']:g} days).", evidence)


def _prohibited(rule: ProhibitedRule, facts: ComplianceFacts) -> CheckItem:
    level = facts.model.risk_level.value
    return _item(
        rule,
        CheckStatus.FAIL,
        f"A model classified as {level} risk can never be moved to {facts.target.value} ({rule.article}).",
        {"risk_level": level},
    )


def _four_eyes(rule: FourEyesRule, facts: ComplianceFacts) -> CheckItem:
    model, actor = facts.model, facts.actor
    candidate = facts.latest_version.id if facts.latest_version else None
    signed = [s.by for s in model.approval.signoffs if s.version_id == candidate]
    evidence: dict[str, Any] = {
        "approver_roles": list(rule.approver_roles),
        "registered_by": model.stamp.created_by,
        "submitted_by": model.submitted_by,
        "changed_since_submission_by": sorted(model.editors_since_submission),
        "signed_off_by": signed,
    }
    if facts.occasion is Occasion.MONITORING:
        return _item(rule, CheckStatus.NOT_APPLICABLE, "Who approves is checked at approval; nobody approves while monitoring.", evidence)
    if actor is None:
        return _item(rule, CheckStatus.NOT_APPLICABLE, "Who approves is checked at approval; this check names no approver.", evidence)
    evidence["approver"] = {"username": actor.username, "role": actor.role}
    problems = independence_problems(model, actor, signed)
    if actor.role not in rule.approver_roles:
        problems.insert(0, f"approval needs the role {_or(list(rule.approver_roles))}, and {actor.username} acts as {actor.role}")
    if problems:
        return _item(rule, CheckStatus.FAIL, f"Four eyes: {'; '.join(problems)}. Someone else must approve.", evidence)
    editors = ", ".join(sorted(model.editors_since_submission)) or "nobody"
    return _item(
        rule,
        CheckStatus.PASS,
        f"{actor.username} ({actor.role}) neither registered the model ({model.stamp.created_by}), "
        f"nor submitted it for review ({model.submitted_by or 'nobody'}), nor changed it since (changed by: {editors}).",
        evidence,
    )


def independence_problems(model: AIModel, actor: Actor, signed: list[str]) -> list[str]:
    """Why `actor` is not independent of what they would approve (empty when they are). No policy can turn this off:
    every policy set keeps a four_eyes rule, and this check is its core."""
    who = actor.username.casefold()
    problems = []
    if who == model.stamp.created_by.casefold():
        problems.append(f"{actor.username} registered this model")
    if model.submitted_by and who == model.submitted_by.casefold():
        problems.append(f"{actor.username} submitted it for review")
    if any(who == editor.casefold() for editor in model.editors_since_submission):
        problems.append(f"{actor.username} changed its fields, versions or metrics since it was submitted")
    if any(who == by.casefold() for by in signed):
        problems.append(f"{actor.username} already signed off this version; the next sign-off must come from someone else")
    return problems


def _sign_off(rule: SignOffRule, facts: ComplianceFacts) -> CheckItem:
    candidate = facts.latest_version.id if facts.latest_version else None
    given = [s for s in facts.model.approval.signoffs if s.version_id == candidate]
    evidence = {"required": rule.count, "given": len(given), "signoffs": [{"by": s.by, "role": s.role, "at": s.at.isoformat()} for s in given]}
    if rule.count == 1:
        return _item(rule, CheckStatus.PASS, "One approver's sign-off approves the model.", evidence)
    names = ", ".join(s.by for s in given)
    so_far = f"{len(given)} of {rule.count} sign-offs given" + (f" ({names})" if names else "")
    left = rule.count - len(given)
    if left <= 1:
        return _item(rule, CheckStatus.PASS, f"{so_far}: the next approver's sign-off approves the model.", evidence)
    return _item(rule, CheckStatus.PASS, f"{so_far}: an approval now records a sign-off; {left} more distinct approvers approve the model.", evidence)


def _classification(rule: ClassificationRule, facts: ComplianceFacts) -> CheckItem:
    model = facts.model
    summary = model.classification
    how = (f"answer the questionnaire (GET /api/v1/classification/questionnaire) and POST the answers to "
           f"/api/v1/models/{model.id}/classification, or run `govhub classify --model {model.name} answers.json`, "
           f"or use the Classification panel on the model page")
    if summary is None:
        return _item(rule, CheckStatus.FAIL, f"Not classified: {how}.", {"classified": False})
    evidence = {
        "classified": True,
        "suggested_risk_level": summary.suggested_risk_level.value,
        "risk_level": model.risk_level.value,
        "questionnaire_version": summary.questionnaire_version,
        "classified_by": summary.classified_by,
        "classified_at": summary.classified_at.isoformat(),
        "override": summary.override,
        "justification": summary.justification,
    }
    suggested = summary.suggested_risk_level.value
    if summary.suggested_risk_level.value == "unacceptable":
        return _item(rule, CheckStatus.FAIL, "The questionnaire found a prohibited practice (Art. 5): the model can never be approved.", evidence)
    if summary.override and not rule.allow_override:
        return _item(rule, CheckStatus.FAIL, f"The questionnaire suggests {suggested} risk and the model is {model.risk_level.value}: "
                     f"this policy allows no override. Set the risk level to {suggested} (PATCH /api/v1/models/{model.id}/risk-profile) "
                     f"or classify again.", evidence)
    if summary.unjustified_override:
        return _item(rule, CheckStatus.FAIL, f"The questionnaire suggests {suggested} risk and the model is {model.risk_level.value} "
                     f"without a justification: justify the override (PATCH /api/v1/models/{model.id}/risk-profile with a justification) "
                     f"or classify again.", evidence)
    by = f"by {summary.classified_by} on {summary.classified_at.date().isoformat()} (questionnaire {summary.questionnaire_version})"
    if summary.override:
        return _item(rule, CheckStatus.PASS, f"Classified {by}: suggests {suggested}; {model.risk_level.value} is a justified override.", evidence)
    return _item(rule, CheckStatus.PASS, f"Classified {by}: {suggested} risk, as recorded.", evidence)


def _monitoring_plan(rule: MonitoringPlanRule, facts: ComplianceFacts) -> CheckItem:
    model_id = facts.model.id
    how = (f"write one with PUT /api/v1/models/{model_id}/monitoring-plan (planned metrics with bounds, review cadence, "
           f"reviewers, method), or use the Monitoring plan panel on the model page")
    plan = facts.monitoring.plan if facts.monitoring is not None else None
    if plan is None:
        return _item(rule, CheckStatus.FAIL, f"No post-market monitoring plan: {how}.", {"plan": None})
    planned = [m["metric"] for m in plan.get("metrics", [])]
    evidence = {"metrics": planned, "review_cadence_days": plan.get("review_cadence_days"), "revision": plan.get("revision")}
    if len(planned) < rule.min_metrics:
        return _item(rule, CheckStatus.FAIL, f"The monitoring plan plans {len(planned)} metric(s); this policy asks for at least "
                     f"{rule.min_metrics}: {how}.", evidence)
    return _item(rule, CheckStatus.PASS, f"Monitoring plan (revision {plan.get('revision')}): {', '.join(planned)}; "
                 f"reviewed every {plan.get('review_cadence_days')} days.", evidence)


def _no_open_findings(rule: NoOpenFindingsRule, facts: ComplianceFacts) -> CheckItem:
    found = list(facts.monitoring.open_findings) if facts.monitoring is not None else []
    evidence = {"open_findings": found}
    if found:
        listed = "; ".join(str(f.get("reason")) for f in found)
        return _item(rule, CheckStatus.FAIL, f"Open monitoring findings: {listed}. They close when production observations "
                     f"are within the plan's bounds again (POST /api/v1/models/{facts.model.id}/observations).", evidence)
    return _item(rule, CheckStatus.PASS, "No monitoring finding is open.", evidence)


def _data_governance(rule: DataGovernanceRule, facts: ComplianceFacts) -> CheckItem:
    version = facts.latest_version
    declare = ("declare them when registering the version: POST /api/v1/versions with inputs.datasets "
               "[{dataset, version_tag, role}], `govhub version --dataset training=NAME@TAG`, or the register-version dialog")
    if version is None:
        return _item(rule, CheckStatus.FAIL, f"No version is registered, so no {_and(list(rule.roles))} dataset is declared: {declare}.",
                     {"version": None, "missing_roles": list(rule.roles)})
    declared = [d for d in facts.datasets if d.input.role.value in rule.roles]
    missing = [role for role in rule.roles if role not in {d.input.role.value for d in declared}]
    problems = []
    for item in declared:
        name = f"{item.input.dataset_name}@{item.input.version_tag} ({item.input.role.value})"
        dataset, where = item.dataset, f"PATCH /api/v1/datasets/{item.input.dataset_id}"
        if dataset is None:
            problems.append(f"{name} no longer exists")
            continue
        if dataset.flag is not None:
            problems.append(f"{name} is flagged ({dataset.flag.reason}): fix it and unflag it, or train on another dataset")
        if rule.require_provenance and not (dataset.source or "").strip():
            problems.append(f"{name} states no provenance: set `source` ({where})")
        if rule.require_bias_examination and dataset.bias_examination is None:
            problems.append(f"{name} records no bias examination: set `bias_examination` {{examined, outcome}} ({where})")
    evidence = {
        "version_id": version.id,
        "version_tag": version.version_tag,
        "missing_roles": missing,
        "datasets": [{**d.input.as_json(), "source": d.dataset.source if d.dataset else None,
                      "bias_examination": ({"examined": d.dataset.bias_examination.examined, "outcome": d.dataset.bias_examination.outcome}
                                           if d.dataset and d.dataset.bias_examination else None),
                      "flagged": bool(d.dataset and d.dataset.flagged)} for d in declared],
        "problems": problems,
    }
    reasons = []
    if missing:
        reasons.append(f"version {version.version_tag} declares no {_and(missing)} dataset: {declare}")
    reasons += problems
    if reasons:
        return _item(rule, CheckStatus.FAIL, "Data governance (Art. 10): " + "; ".join(reasons) + ".", evidence)
    listed = ", ".join(f"{d.input.dataset_name}@{d.input.version_tag} ({d.input.role.value})" for d in declared)
    return _item(rule, CheckStatus.PASS, f"Version {version.version_tag} declares {listed}, each with its provenance and a bias examination.", evidence)


_JUDGES: dict[type, Callable[[Any, ComplianceFacts], CheckItem]] = {
    RequiredFieldsRule: _required_fields,
    RegisteredVersionRule: _registered_version,
    MetricThresholdRule: _metric_threshold,
    MetricPresentRule: _metric_present,
    MetricFreshnessRule: _metric_freshness,
    ProhibitedRule: _prohibited,
    FourEyesRule: _four_eyes,
    SignOffRule: _sign_off,
    ClassificationRule: _classification,
    MonitoringPlanRule: _monitoring_plan,
    NoOpenFindingsRule: _no_open_findings,
    DataGovernanceRule: _data_governance,
}


# -- wording ---------------------------------------------------------------------------------
def _item(rule: Rule, status: CheckStatus, reason: str, evidence: dict[str, Any] | None = None) -> CheckItem:
    return CheckItem(rule.id, rule.kind, status, reason, rule.article, rule.description, evidence or {})


def _num(value: float) -> str:
    return f"{value:g}"


def _range(rule: MetricThresholdRule) -> str:
    if rule.min is not None and rule.max is not None:
        return f"within {_num(rule.min)}..{_num(rule.max)}"
    return f"at least {_num(rule.min)}" if rule.min is not None else f"at most {_num(rule.max or 0)}"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _or(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
