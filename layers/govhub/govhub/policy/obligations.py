"""The EU AI Act obligations per risk level, and a checklist of what in the hub covers each for one model.

Coverage comes from three sources: the model's own documentation fields, the active policy's rules
(matched by the articles they cite) and the hub's always-on features (audit trail, policy monitor,
compliance report). What the hub cannot do for you (EU database registration, incident reports to
authorities, ...) is said in `manual`, so a green checklist never pretends to be the whole job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from govhub.domain.entities import AIModel
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.evaluator import Checklist, CheckStatus

_FIELD_LABELS = {
    "description": "description",
    "domain": "domain",
    "risk_justification": "risk justification",
    "intended_purpose": "intended purpose",
    "data_sources": "data sources",
    "oversight_plan": "human oversight plan",
}

PLATFORM = {
    "audit_trail": "Every change to the model, its versions, metrics and the policy set is recorded in the "
    "hash-chained audit trail (S3 Object Lock).",
    "risk_classification": "The risk level and its justification are recorded; every re-classification is audited.",
    "compliance_report": "The compliance report assembles the Annex IV documentation from the registry.",
    "versioned_policy": "The policy set is versioned, readable by everyone and changed only by admins, with the change audited.",
    "lifecycle": "Review and approval follow the draft → under review → approved lifecycle, gated by the policy set.",
    "policy_monitor": "New versions and metrics of an approved model are re-checked against the policy; "
    "violations are flagged on the model and announced as events.",
    "registry": "The model is registered in this hub with its owner, versions and artifacts.",
}


@dataclass(frozen=True)
class Obligation:
    article: str
    title: str
    summary: str
    fields: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    manual: str | None = None
    mandatory: bool = True
    approval_evidence: bool = False     # satisfied by the model's approval (conformity assessment)
    monitoring_evidence: bool = False   # satisfied while no policy violation is flagged
    blocks_approval: bool = False       # prohibited practices: satisfied while the policy blocks approval

    @property
    def numbers(self) -> frozenset[int]:
        return cited_articles(self.article)


_HIGH = (
    Obligation("Art. 9", "Risk management system",
               "A risk management system runs through the whole lifecycle: identify, estimate, evaluate and mitigate risks.",
               fields=("risk_justification",), platform=("risk_classification",),
               manual="Run and document the continuous risk management process itself."),
    Obligation("Art. 10", "Data and data governance",
               "Training, validation and test data are relevant, representative and examined for possible biases.",
               fields=("data_sources",),
               manual="Document data preparation, bias examination and identified data gaps."),
    Obligation("Art. 11, Annex IV", "Technical documentation",
               "Technical documentation per Annex IV exists before the system is placed on the market and is kept up to date.",
               fields=("intended_purpose", "description"), platform=("compliance_report",)),
    Obligation("Art. 12", "Record-keeping",
               "Events are recorded automatically over the system's lifetime, so its functioning can be traced.",
               platform=("audit_trail",),
               manual="Runtime logging inside the deployed system itself is outside the hub."),
    Obligation("Art. 13", "Transparency and information to deployers",
               "Deployers get instructions for use: identity, intended purpose, accuracy, limitations, oversight measures.",
               fields=("intended_purpose", "description"),
               manual="Write and ship the instructions for use."),
    Obligation("Art. 14", "Human oversight",
               "The system can be effectively overseen by natural persons while in use.",
               fields=("oversight_plan",)),
    Obligation("Art. 15", "Accuracy, robustness and cybersecurity",
               "The system reaches an appropriate, declared level of accuracy, robustness and cybersecurity.",
               manual="Robustness and cybersecurity testing beyond the recorded metrics."),
    Obligation("Art. 17", "Quality management system",
               "A documented quality management system covers design, testing, data management and post-market monitoring.",
               platform=("versioned_policy", "lifecycle"),
               manual="Written QMS procedures and responsibilities."),
    Obligation("Art. 43", "Conformity assessment",
               "The conformity assessment is done before the system is placed on the market.",
               platform=("lifecycle",), approval_evidence=True,
               manual="Internal control (Annex VI) or a notified body (Annex VII); EU declaration of conformity and CE marking."),
    Obligation("Art. 49", "Registration",
               "The system is registered in the EU database before it is placed on the market.",
               platform=("registry",),
               manual="Register the system in the EU database (Art. 71); the hub's registry is internal."),
    Obligation("Art. 72", "Post-market monitoring",
               "Performance is monitored after the system is placed on the market, by a documented plan.",
               platform=("policy_monitor", "audit_trail"), monitoring_evidence=True,
               manual="Write the post-market monitoring plan."),
    Obligation("Art. 73", "Reporting of serious incidents",
               "Serious incidents are reported to the market surveillance authorities within the legal deadlines.",
               manual="Report serious incidents to the market surveillance authority (at the latest 15 days after becoming aware)."),
)

CATALOGUE: dict[RiskLevel, tuple[Obligation, ...]] = {
    RiskLevel.UNACCEPTABLE: (
        Obligation("Art. 5", "Prohibited AI practices",
                   "The practice is prohibited: the system may not be placed on the market, put into service or used.",
                   blocks_approval=True,
                   manual="Withdraw the system; keep it out of service."),
    ),
    RiskLevel.HIGH: _HIGH,
    RiskLevel.LIMITED: (
        Obligation("Art. 50", "Transparency obligations",
                   "People are told they are interacting with an AI system; synthetic content is marked as such.",
                   fields=("intended_purpose",),
                   manual="Show the disclosure to users and mark generated content."),
    ),
    RiskLevel.MINIMAL: (
        Obligation("Art. 95", "Voluntary codes of conduct",
                   "No mandatory requirements; providers are encouraged to apply codes of conduct voluntarily.",
                   mandatory=False,
                   manual="Optional: adopt a code of conduct."),
    ),
}


class CoverageStatus(str, Enum):
    MET = "met"            # every piece of evidence the hub holds is there
    PARTIAL = "partial"    # some is there, some is missing
    OPEN = "open"          # evidence is expected and none is there
    MANUAL = "manual"      # the hub holds no evidence for it: an organisational task


@dataclass(frozen=True)
class Coverage:
    source: str        # field | policy_rule | platform | lifecycle | monitoring
    ref: str
    satisfied: bool
    detail: str


@dataclass(frozen=True)
class ObligationItem:
    article: str
    title: str
    summary: str
    mandatory: bool
    status: CoverageStatus
    covered_by: tuple[Coverage, ...]
    manual: str | None


@dataclass(frozen=True)
class ObligationChecklist:
    risk_level: RiskLevel
    policy_version: int
    items: tuple[ObligationItem, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, int]:
        return {status.value: sum(1 for item in self.items if item.status is status) for status in CoverageStatus}


def cited_articles(text: str) -> frozenset[int]:
    """The article numbers a citation names: "Art. 10(2)(f), Art. 15" → {10, 15}; annexes are not articles."""
    cleaned = re.sub(r"\([^)]*\)", "", text)
    numbers: set[int] = set()
    for match in re.finditer(r"\bArt(?:icles?|s)?\.?\s*([\d\s,&]+(?:and[\d\s,&]+)*)", cleaned):
        numbers.update(int(n) for n in re.findall(r"\d+", match.group(1)))
    return frozenset(numbers)


def obligations_for(model: AIModel, approval_check: Checklist) -> ObligationChecklist:
    """The obligations of the model's risk level, each with what covers it.

    `approval_check` is the policy evaluated for approval without an approver (who approves is not evidence).
    """
    items = tuple(_item(obligation, model, approval_check) for obligation in CATALOGUE[model.risk_level])
    return ObligationChecklist(model.risk_level, approval_check.policy_version, items)


def _item(obligation: Obligation, model: AIModel, check: Checklist) -> ObligationItem:
    coverage: list[Coverage] = []
    for name in obligation.fields:
        value = (getattr(model, name) or "").strip()
        label = _FIELD_LABELS.get(name, name)
        coverage.append(Coverage("field", name, bool(value), f"{label.capitalize()}: documented." if value else f"{label.capitalize()}: empty."))
    for check_item in check.items:
        if not (cited_articles(check_item.article) & obligation.numbers):
            continue
        if obligation.blocks_approval and check_item.kind == "prohibited":
            blocked = model.compliance_status is not ComplianceStatus.APPROVED
            coverage.append(Coverage("policy_rule", check_item.rule_id, blocked, f"Approval is blocked: {check_item.reason}"))
        elif check_item.status is not CheckStatus.NOT_APPLICABLE:
            coverage.append(Coverage("policy_rule", check_item.rule_id, check_item.status is CheckStatus.PASS, check_item.reason))
    for feature in obligation.platform:
        coverage.append(Coverage("platform", feature, True, PLATFORM[feature]))
    if obligation.approval_evidence:
        approved = model.compliance_status is ComplianceStatus.APPROVED
        detail = (f"Approved by {model.approved_by} on {model.approved_at.date().isoformat()}." if approved and model.approved_at
                  else f"Not approved yet (status {model.compliance_status.value}).")
        coverage.append(Coverage("lifecycle", "approval", approved, detail))
    if obligation.monitoring_evidence:
        flagged = [violation.rule_id for violation in getattr(model, "policy_violations", None) or []]
        detail = f"Flagged: {', '.join(flagged)} fail since approval." if flagged else "No policy violation is flagged."
        coverage.append(Coverage("monitoring", "policy_violations", not flagged, detail))
    return ObligationItem(
        obligation.article,
        obligation.title,
        obligation.summary,
        obligation.mandatory,
        _status(coverage),
        tuple(coverage),
        obligation.manual,
    )


def _status(coverage: list[Coverage]) -> CoverageStatus:
    # platform features are always there; the status speaks of the model's own evidence when it has any
    own = [c for c in coverage if c.source != "platform"] or coverage
    if not own:
        return CoverageStatus.MANUAL
    satisfied = sum(1 for c in own if c.satisfied)
    if satisfied == len(own):
        return CoverageStatus.MET
    return CoverageStatus.PARTIAL if satisfied else CoverageStatus.OPEN


def as_json(checklist: ObligationChecklist) -> dict[str, Any]:
    """Plain data for reports and the dashboard."""
    return {
        "risk_level": checklist.risk_level.value,
        "policy_version": checklist.policy_version,
        "summary": checklist.summary(),
        "items": [
            {
                "article": item.article,
                "title": item.title,
                "summary": item.summary,
                "mandatory": item.mandatory,
                "status": item.status.value,
                "covered_by": [c.__dict__ for c in item.covered_by],
                "manual": item.manual,
            }
            for item in checklist.items
        ],
    }
