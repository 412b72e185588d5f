"""The EU AI Act obligations of one model, by risk level and operator role, each dated and with an honest status.

Each obligation applies from a milestone of the timeline (data, replaced by admins) and has one status:
- `evidenced`: the hub holds the evidence, named in `covered_by` (documentation fields, policy rules that pass,
  the approval, the monitor's verdict). Registration (Art. 49), conformity assessment (Art. 43), the EU
  declaration of conformity (Art. 47) and incident reports (Art. 73) are acts towards authorities: the hub's own
  records never evidence them.
  A current evidence document (signed off by a second person, valid now, not withdrawn or superseded) that names
  the obligation in what it covers also makes it `evidenced`, acts towards authorities included: the document is
  named in `covered_by` (source `evidence`) with its title and SHA-256.
- `attested`: a person attested it, with a statement and a reason (audited).
- `not_in_force`: it does not apply yet (`days_until` says when), and nothing evidences or attests it.
- `open`: it applies and nothing evidences or attests it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any

from govhub.classification.timeline import TimelineDocument, default_timeline, in_force
from govhub.domain.classification import Attestation, OperatorRole
from govhub.domain.entities import AIModel
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.evidence.model import Evidence
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
    "risk_classification": "The risk level, the questionnaire's basis and any override with its justification are recorded and audited.",
    "compliance_report": "The compliance report assembles the Annex IV documentation from the registry.",
    "versioned_policy": "The policy set is versioned, readable by everyone and changed only by admins, with the change audited.",
    "lifecycle": "Review and approval follow the draft → under review → approved lifecycle, gated by the policy set.",
    "policy_monitor": "New versions and metrics of an approved model are re-checked against the policy; "
    "violations are flagged on the model and announced as events.",
    "registry": "The model is registered in this hub with its owner, versions and artifacts (an internal register).",
    "eu_database_record": "GET /models/{id}/eu-database-record fills the Annex VIII data from the registry.",
}

HIGH_RISK = "high_risk"  # resolved to the Annex I or Annex III milestone by the model's classification
P, D = OperatorRole.PROVIDER, OperatorRole.DEPLOYER
PROVIDERS = (P, OperatorRole.PRODUCT_MANUFACTURER)  # Art. 25(3): the product manufacturer is the provider


@dataclass(frozen=True)
class Obligation:
    id: str
    article: str
    title: str
    summary: str
    milestone: str
    fields: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    manual: str | None = None
    mandatory: bool = True
    evidenceable: bool = True           # False: an act towards authorities the hub's records cannot prove
    approval_evidence: bool = False     # the model's approval is part of the evidence
    monitoring_evidence: bool = False   # satisfied while no policy violation is flagged
    blocks_approval: bool = False       # prohibited practices: satisfied while the policy blocks approval
    classification_evidence: bool = False  # a classification without an unjustified override

    @property
    def numbers(self) -> frozenset[int]:
        return cited_articles(self.article)


def _o(id: str, article: str, title: str, summary: str, milestone: str = HIGH_RISK, **more: Any) -> Obligation:
    return Obligation(id, article, title, summary, milestone, **more)


LITERACY = _o("art-4", "Art. 4", "AI literacy", "Staff dealing with the system have a sufficient level of AI literacy.",
              "general_provisions", manual="Train the people who operate and use the system; keep a record of it.")
PROHIBITED = _o("art-5", "Art. 5", "Prohibited AI practices",
                "The practice is prohibited: the system may not be placed on the market, put into service or used.",
                "prohibited_practices", blocks_approval=True, manual="Withdraw the system; keep it out of service.")

PROVIDER_HIGH = (
    _o("art-9", "Art. 9", "Risk management system",
       "A risk management system runs through the whole lifecycle: identify, estimate, evaluate and mitigate risks.",
       fields=("risk_justification",), platform=("risk_classification",), classification_evidence=True,
       manual="Run and document the continuous risk management process itself."),
    _o("art-10", "Art. 10", "Data and data governance",
       "Training, validation and test data are relevant, representative and examined for possible biases.",
       fields=("data_sources",), manual="Document data preparation, bias examination and identified data gaps."),
    _o("art-11", "Art. 11, Annex IV", "Technical documentation",
       "Technical documentation per Annex IV exists before the system is placed on the market and is kept up to date.",
       fields=("intended_purpose", "description"), platform=("compliance_report",)),
    _o("art-12", "Art. 12", "Record-keeping",
       "The system records events automatically over its lifetime, so its functioning can be traced.",
       platform=("audit_trail",), evidenceable=False, manual="Runtime logging inside the deployed system itself is outside the hub: attest it."),
    _o("art-13", "Art. 13", "Transparency and information to deployers",
       "Deployers get instructions for use: identity, intended purpose, accuracy, limitations, oversight measures.",
       fields=("intended_purpose", "description"), manual="Write and ship the instructions for use."),
    _o("art-14", "Art. 14", "Human oversight", "The system can be effectively overseen by natural persons while in use.",
       fields=("oversight_plan",)),
    _o("art-15", "Art. 15", "Accuracy, robustness and cybersecurity",
       "The system reaches an appropriate, declared level of accuracy, robustness and cybersecurity.",
       manual="Robustness and cybersecurity testing beyond the recorded metrics."),
    _o("art-16", "Art. 16", "Obligations of providers",
       "Name and contact on the system, documentation and logs kept, corrective actions taken, accessibility requirements met.",
       manual="Mark the system with the provider's name and contact; keep documentation (Art. 18) and logs (Art. 19)."),
    _o("art-17", "Art. 17", "Quality management system",
       "A documented quality management system covers design, testing, data management and post-market monitoring.",
       platform=("versioned_policy", "lifecycle"), manual="Written QMS procedures and responsibilities."),
    _o("art-43", "Art. 43", "Conformity assessment",
       "The conformity assessment is done before the system is placed on the market.",
       platform=("lifecycle",), evidenceable=False, approval_evidence=True,
       manual="Internal control (Annex VI) or a notified body (Annex VII): attest the procedure and its outcome."),
    _o("art-47", "Art. 47, Art. 48", "EU declaration of conformity and CE marking",
       "The provider draws up the EU declaration of conformity and affixes the CE marking.", evidenceable=False,
       manual="Sign the declaration (Annex V), affix the CE marking: attest it with the declaration's reference."),
    _o("art-49", "Art. 49(1)", "Registration in the EU database",
       "The system is registered in the EU database (Art. 71) before it is placed on the market.",
       platform=("registry", "eu_database_record"), evidenceable=False,
       manual="Register the system in the EU database: attest it with the registration number."),
    _o("art-72", "Art. 72", "Post-market monitoring",
       "Performance is monitored after the system is placed on the market, by a documented plan.",
       platform=("policy_monitor", "audit_trail"), monitoring_evidence=True, approval_evidence=True,
       manual="Write the post-market monitoring plan."),
    _o("art-73", "Art. 73", "Reporting of serious incidents",
       "Serious incidents are reported to the market surveillance authorities within the legal deadlines.",
       evidenceable=False, manual="Report serious incidents to the market surveillance authority (at the latest 15 days after becoming aware)."),
)

DEPLOYER_HIGH = (
    _o("art-26", "Art. 26", "Obligations of deployers",
       "Use per the instructions, human oversight by competent people, relevant input data, monitoring, informing workers "
       "and affected persons, and keeping the automatically generated logs for at least six months (Art. 26(6)).",
       fields=("oversight_plan", "intended_purpose"),
       manual="Keep the system's logs for at least 6 months; inform workers' representatives and affected persons."),
)
FRIA = _o("art-27", "Art. 27", "Fundamental rights impact assessment",
          "Before first use, the deployer assesses the impact on fundamental rights and notifies the market surveillance authority.",
          evidenceable=False, manual="Carry out the assessment (Art. 27(1)(a)-(f)) and notify the authority: attest it.")
DEPLOYER_REGISTRATION = _o("art-49-3", "Art. 49(3)", "Registration of use by a public body",
                           "Deployers that are public authorities, agencies or bodies register their use of the system in the EU database.",
                           platform=("eu_database_record",), evidenceable=False,
                           manual="Register the use (Annex VIII Section C): attest it with the registration number.")
DEROGATION = (
    _o("art-6-4", "Art. 6(4)", "Documented assessment of the derogation",
       "A provider who concludes that an Annex III system is not high risk documents the assessment before placing it on the market.",
       "high_risk_annex_iii", fields=("risk_justification",), platform=("risk_classification",), classification_evidence=True),
    _o("art-49-2", "Art. 49(2)", "Registration of the not-high-risk decision",
       "The system is registered in the EU database (Annex VIII Section B) although it is not high risk.",
       "high_risk_annex_iii", platform=("eu_database_record",), evidenceable=False,
       manual="Register the system in the EU database: attest it with the registration number."),
)
TRANSPARENCY = {
    "Art. 50(1)": _o("art-50-1", "Art. 50(1)", "People know they interact with an AI system",
                     "Providers design the system so that people are informed they are interacting with an AI system.",
                     "transparency", fields=("intended_purpose",), manual="Show the disclosure to users."),
    "Art. 50(2)": _o("art-50-2", "Art. 50(2)", "Synthetic content is marked",
                     "Providers mark generated audio, image, video and text in a machine-readable, detectable way.",
                     "transparency", manual="Mark generated content (watermarks, metadata)."),
    "Art. 50(3)": _o("art-50-3", "Art. 50(3)", "People exposed to emotion recognition or biometric categorisation are informed",
                     "Deployers inform the people exposed to the system and process personal data per the GDPR.",
                     "transparency", manual="Inform the people exposed."),
    "Art. 50(4)": _o("art-50-4", "Art. 50(4)", "Deep fakes are disclosed",
                     "Deployers disclose that content has been artificially generated or manipulated.",
                     "transparency", manual="Label deep fakes and AI-generated public-interest text."),
}
TRANSPARENCY_ROLE = {"Art. 50(1)": P, "Art. 50(2)": P, "Art. 50(3)": D, "Art. 50(4)": D}
GENERIC_TRANSPARENCY = _o("art-50", "Art. 50", "Transparency obligations",
                          "People are told they are interacting with an AI system; synthetic content is marked as such.",
                          "transparency", fields=("intended_purpose",), manual="Classify the model to know which Art. 50 cases apply.")
GPAI_MODEL = _o("art-53", "Art. 53", "Obligations of providers of general-purpose AI models",
                "Technical documentation, information for downstream providers, a copyright policy and a public training-content summary.",
                "gpai", manual="Publish the training-content summary; keep the Annex XI/XII documentation.")
GPAI_SYSTEMIC = _o("art-55", "Art. 55", "Obligations for GPAI models with systemic risk",
                   "Model evaluation and adversarial testing, systemic risk mitigation, serious-incident reporting, cybersecurity.",
                   "gpai", evidenceable=False, manual="Notify the Commission (Art. 52) and report serious incidents to the AI Office.")
VOLUNTARY = _o("art-95", "Art. 95", "Voluntary codes of conduct",
               "No mandatory requirements; providers are encouraged to apply codes of conduct voluntarily.", "voluntary",
               mandatory=False, manual="Optional: adopt a code of conduct.")
OTHER_ROLES = {
    OperatorRole.IMPORTER: _o("art-23", "Art. 23", "Obligations of importers",
                              "Before placing it on the market, verify the conformity assessment, documentation, CE marking and authorised representative.",
                              manual="Verify and keep the provider's documentation for 10 years."),
    OperatorRole.DISTRIBUTOR: _o("art-24", "Art. 24", "Obligations of distributors",
                                 "Before making it available, verify the CE marking, the declaration of conformity and the instructions for use.",
                                 manual="Verify the marking and documents; stop supply of a non-conforming system."),
    OperatorRole.AUTHORISED_REPRESENTATIVE: _o("art-22", "Art. 22", "Obligations of authorised representatives",
                                               "Perform the tasks of the provider's mandate: keep documentation, cooperate with authorities, register where required.",
                                               evidenceable=False, manual="Keep the mandate and the documentation at the authorities' disposal."),
}


def catalogue(model: AIModel, role: OperatorRole) -> tuple[tuple[Obligation, ...], str]:
    """The obligations that apply to the model for this role, and the milestone its high-risk obligations date from."""
    classification = model.classification
    flags = _flags(model)
    route = flags.get("high_risk_route") or ("annex_iii" if classification is None else None)
    high_milestone = "high_risk_annex_i" if route == "annex_i" else "high_risk_annex_iii"
    items: list[Obligation] = [LITERACY] if role in (*PROVIDERS, D) else []
    level = model.risk_level
    if level is RiskLevel.UNACCEPTABLE:
        return (*items, PROHIBITED), high_milestone
    if level is RiskLevel.HIGH:
        if role in PROVIDERS:
            items += PROVIDER_HIGH
        elif role is D:
            items += DEPLOYER_HIGH
            if flags.get("public_body") or {"Annex III 5(b)", "Annex III 5(c)"} & set(flags.get("annex_iii_points", [])):
                items.append(FRIA)
            if flags.get("public_body") and flags.get("annex_iii_points"):
                items.append(DEPLOYER_REGISTRATION)
        else:
            items.append(OTHER_ROLES[role])
    if flags.get("art6_3_derogation") and role in PROVIDERS:
        items += DEROGATION
    cases = flags.get("transparency")
    if cases is None and level is RiskLevel.LIMITED:
        items.append(GENERIC_TRANSPARENCY)
    for case in cases or []:
        if TRANSPARENCY_ROLE[case] is role or (role is OperatorRole.PRODUCT_MANUFACTURER and TRANSPARENCY_ROLE[case] is P):
            items.append(TRANSPARENCY[case])
    if flags.get("gpai_is_model") and role in PROVIDERS:
        items.append(GPAI_MODEL)
        if flags.get("gpai_systemic_risk"):
            items.append(GPAI_SYSTEMIC)
    if level is RiskLevel.MINIMAL and not any(o.mandatory and o is not LITERACY for o in items):
        items.append(VOLUNTARY)
    resolved = tuple(o if o.milestone != HIGH_RISK else _with_milestone(o, high_milestone) for o in items)
    return resolved, high_milestone


def _with_milestone(obligation: Obligation, milestone: str) -> Obligation:
    return replace(obligation, milestone=milestone)


def _flags(model: AIModel) -> dict[str, Any]:
    """What the catalogue needs from the classification: re-derived from the recorded answers (deterministic)."""
    if model.classification is None:
        return {}
    from govhub.classification.classifier import classify

    answers = model.classification.answers
    result = classify(answers)
    return {
        **result.flags,
        "high_risk_route": result.high_risk_route,
        "public_body": answers.get("deployer_public_body", False),
        "gpai_is_model": answers.get("gpai_is_model", False),
    }


class ObligationStatus(str, Enum):
    EVIDENCED = "evidenced"
    ATTESTED = "attested"
    OPEN = "open"
    NOT_IN_FORCE = "not_in_force"


@dataclass(frozen=True)
class Coverage:
    source: str        # field | policy_rule | platform | lifecycle | monitoring | classification
    ref: str
    satisfied: bool
    detail: str


@dataclass(frozen=True)
class ObligationItem:
    id: str
    article: str
    title: str
    summary: str
    mandatory: bool
    status: ObligationStatus
    milestone: str
    applies_from: date
    in_force: bool
    days_until: int
    evidenceable: bool
    covered_by: tuple[Coverage, ...]
    attestation: Attestation | None
    manual: str | None


@dataclass(frozen=True)
class ObligationChecklist:
    risk_level: RiskLevel
    operator_role: OperatorRole
    role_assumed: bool
    policy_version: int
    as_of: date
    items: tuple[ObligationItem, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, int]:
        return {status.value: sum(1 for item in self.items if item.status is status) for status in ObligationStatus}

    def item(self, obligation_id: str) -> ObligationItem | None:
        return next((i for i in self.items if i.id == obligation_id), None)


def cited_articles(text: str) -> frozenset[int]:
    """The article numbers a citation names: "Art. 10(2)(f), Art. 15" → {10, 15}; annexes are not articles."""
    cleaned = re.sub(r"\([^)]*\)", "", text)
    numbers: set[int] = set()
    for match in re.finditer(r"\bArt(?:icles?|s)?\.?\s*([\d\s,&]+(?:and[\d\s,&]+)*)", cleaned):
        numbers.update(int(n) for n in re.findall(r"\d+", match.group(1)))
    return frozenset(numbers)


def obligations_for(
    model: AIModel,
    approval_check: Checklist,
    today: date,
    timeline: TimelineDocument | None = None,
    attestations: Iterable[Attestation] = (),
    documents: Iterable[Evidence] = (),
) -> ObligationChecklist:
    """The obligations of the model's risk level and operator role (provider when none is recorded), each with
    its date and status. `approval_check` is the policy evaluated for approval without an approver; `documents` are
    the model's current (signed-off, valid) evidence documents."""
    timeline = timeline or default_timeline()
    role = model.operator_role or OperatorRole.PROVIDER
    attested = {a.obligation_id: a for a in attestations}
    covering: dict[str, list[Evidence]] = {}
    for document in documents:
        for ref in document.covers:
            covering.setdefault(ref, []).append(document)
    obligations, _ = catalogue(model, role)
    items = tuple(_item(o, model, approval_check, timeline, today, attested.get(o.id), covering.get(o.id, [])) for o in obligations)
    return ObligationChecklist(model.risk_level, role, model.operator_role is None, approval_check.policy_version, today, items)


def _item(
    obligation: Obligation, model: AIModel, check: Checklist, timeline: TimelineDocument, today: date, attestation: Attestation | None,
    documents: list[Evidence],
) -> ObligationItem:
    coverage = _coverage(obligation, model, check)
    dated = in_force(timeline, obligation.milestone, today)
    own = [c for c in coverage if c.source != "platform"]
    coverage += [_document_coverage(d) for d in documents]
    if documents:
        status = ObligationStatus.EVIDENCED
    elif attestation is not None:
        status = ObligationStatus.ATTESTED
    elif obligation.evidenceable and own and all(c.satisfied for c in own):
        status = ObligationStatus.EVIDENCED
    elif not dated.in_force:
        status = ObligationStatus.NOT_IN_FORCE
    else:
        status = ObligationStatus.OPEN
    return ObligationItem(
        obligation.id, obligation.article, obligation.title, obligation.summary, obligation.mandatory, status,
        obligation.milestone, dated.applies_from, dated.in_force, dated.days_until, obligation.evidenceable,
        tuple(coverage), attestation, obligation.manual,
    )


def _document_coverage(document: Evidence) -> Coverage:
    signed = f", signed off by {document.signoff.by}" if document.signoff else ""
    until = f", valid until {document.valid_until.date().isoformat()}" if document.valid_until else ""
    return Coverage("evidence", document.evidence_id, True, f"{document.title} (SHA-256 {document.sha256}{signed}{until}).")


def _coverage(obligation: Obligation, model: AIModel, check: Checklist) -> list[Coverage]:
    coverage: list[Coverage] = []
    for name in obligation.fields:
        value = (getattr(model, name) or "").strip()
        label = _FIELD_LABELS.get(name, name)
        coverage.append(Coverage("field", name, bool(value), f"{label.capitalize()}: documented." if value else f"{label.capitalize()}: empty."))
    if obligation.classification_evidence:
        summary = model.classification
        if summary is None:
            coverage.append(Coverage("classification", "questionnaire", False, "Not classified with the questionnaire."))
        else:
            ok = not summary.unjustified_override
            detail = (f"Classified {summary.suggested_risk_level.value} by {summary.classified_by} on {summary.classified_at.date().isoformat()}"
                      + (" (override justified)." if summary.override and ok else "." if ok else "; the override is not justified."))
            coverage.append(Coverage("classification", "questionnaire", ok, detail))
    for check_item in check.items:
        if not (cited_articles(check_item.article) & obligation.numbers):
            continue
        if obligation.blocks_approval and check_item.kind == "prohibited":
            blocked = model.compliance_status is not ComplianceStatus.APPROVED
            coverage.append(Coverage("policy_rule", check_item.rule_id, blocked, f"Approval is blocked: {check_item.reason}"))
        elif check_item.status is not CheckStatus.NOT_APPLICABLE and check_item.kind not in ("four_eyes", "sign_off"):
            coverage.append(Coverage("policy_rule", check_item.rule_id, check_item.status is CheckStatus.PASS, check_item.reason))
    for feature in obligation.platform:
        coverage.append(Coverage("platform", feature, True, PLATFORM[feature]))
    if obligation.approval_evidence:
        approved = model.compliance_status is ComplianceStatus.APPROVED
        detail = (f"Approved by {model.approved_by} on {model.approved_at.date().isoformat()}." if approved and model.approved_at
                  else f"Not approved yet (status {model.compliance_status.value}).")
        coverage.append(Coverage("lifecycle", "approval", approved, detail))
    if obligation.monitoring_evidence:
        flagged = [violation.rule_id for violation in model.policy_violations]
        detail = f"Flagged: {', '.join(flagged)} fail since approval." if flagged else "No policy violation is flagged."
        coverage.append(Coverage("monitoring", "policy_violations", not flagged, detail))
    return coverage


def attestation_json(attestation: Attestation | None) -> dict[str, Any] | None:
    if attestation is None:
        return None
    return {"statement": attestation.statement, "reason": attestation.reason, "attested_by": attestation.attested_by,
            "attested_by_role": attestation.attested_by_role, "attested_at": attestation.attested_at.isoformat(),
            "revision": attestation.revision}


def as_json(checklist: ObligationChecklist) -> dict[str, Any]:
    """Plain data for the route, reports and the dashboard."""
    return {
        "risk_level": checklist.risk_level.value,
        "operator_role": checklist.operator_role.value,
        "role_assumed": checklist.role_assumed,
        "policy_version": checklist.policy_version,
        "as_of": checklist.as_of.isoformat(),
        "summary": checklist.summary(),
        "items": [
            {
                "id": item.id,
                "article": item.article,
                "title": item.title,
                "summary": item.summary,
                "mandatory": item.mandatory,
                "status": item.status.value,
                "milestone": item.milestone,
                "applies_from": item.applies_from.isoformat(),
                "in_force": item.in_force,
                "days_until": item.days_until,
                "evidenceable": item.evidenceable,
                "covered_by": [c.__dict__ for c in item.covered_by],
                "attestation": attestation_json(item.attestation),
                "manual": item.manual,
            }
            for item in checklist.items
        ],
    }
