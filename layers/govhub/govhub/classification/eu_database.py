"""The EU database record (Art. 49, Art. 71, Annex VIII) of one model, filled from the registry.

Section A: providers of high-risk systems (Art. 49(1)); Section B: providers who concluded under Art. 6(3) that
an Annex III system is not high risk (Art. 49(2)); Section C: deployers that are public bodies (Art. 49(3)).
Whatever the registry does not hold (the provider's legal address, certificates, Member States) is listed as
missing: the record is a draft to complete and submit, never the registration itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govhub.classification.classifier import Classification
from govhub.domain.classification import OperatorRole
from govhub.domain.entities import AIModel, ModelVersion
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel

SECTION_TITLES = {
    "A": ("Information to be submitted by providers of high-risk AI systems", "Art. 49(1), Annex VIII Section A"),
    "B": ("Information to be submitted by providers of AI systems in accordance with Art. 6(3)", "Art. 49(2), Annex VIII Section B"),
    "C": ("Information to be submitted by deployers of high-risk AI systems", "Art. 49(3), Annex VIII Section C"),
}
STATUS_HINT = {
    ComplianceStatus.DRAFT: None,
    ComplianceStatus.UNDER_REVIEW: None,
    ComplianceStatus.APPROVED: None,
    ComplianceStatus.RETIRED: "no longer placed on the market or in service",
}


@dataclass(frozen=True)
class Field:
    item: str
    field: str
    value: Any = None
    source: str | None = None
    note: str | None = None

    @property
    def missing(self) -> bool:
        return self.value in (None, "", [])

    def as_json(self) -> dict[str, Any]:
        return {"item": self.item, "field": self.field, "value": self.value, "source": self.source, "missing": self.missing, "note": self.note}


def sections_for(model: AIModel, result: Classification | None) -> tuple[list[str], str]:
    """Which sections the model needs, and why (or why none)."""
    role = model.operator_role
    if result is None:
        return [], "Not classified: answer the questionnaire (POST /models/{id}/classification) to know whether registration applies."
    flags = result.flags
    if role is None:
        return [], "No operator role is recorded: set operator_role (provider, deployer, ...) with the classification."
    providers = (OperatorRole.PROVIDER, OperatorRole.PRODUCT_MANUFACTURER, OperatorRole.AUTHORISED_REPRESENTATIVE)
    if role in providers and flags.get("art6_3_derogation"):
        return ["B"], "Art. 49(2): an Annex III system the provider concluded is not high risk under Art. 6(3)."
    if role in providers and flags.get("registration_required") and model.risk_level is RiskLevel.HIGH:
        return ["A"], "Art. 49(1): a high-risk system of Annex III, registered by its provider (or authorised representative)."
    if role is OperatorRole.DEPLOYER and result.high_risk_route == "annex_iii" and model.classification and \
            model.classification.answers.get("deployer_public_body") and flags.get("registration_required"):
        return ["C"], "Art. 49(3): a public body deploying a high-risk system of Annex III registers its use."
    if flags.get("national_registration"):
        return [], "Art. 49(5): Annex III point 2 systems are registered at national level, not in the EU database."
    return [], f"No EU database registration applies to a {model.risk_level.value}-risk system for the role {role.value}."


def _identity(prefix: str, model: AIModel, version: ModelVersion | None) -> list[Field]:
    reference = None
    if version is not None:
        reference = f"hub model {model.id}, version {version.version_tag}" + (f", sha256 {version.sha256}" if version.sha256 else "")
    return [
        Field(f"{prefix}.1", "Name, address and contact details of the provider", None, None,
              f"The registry records the owner ({model.owner}), not the legal entity and its address."),
        Field(f"{prefix}.2", "Where submitted by another person on the provider's behalf: their name, address and contact details", None, None, "Where applicable."),
        Field(f"{prefix}.3", "Name, address and contact details of the authorised representative", None, None, "Where applicable (Art. 22)."),
        Field(f"{prefix}.4", "AI system trade name and any additional unambiguous reference allowing identification and traceability",
              {"trade_name": model.name, "reference": reference}, "name, latest version"),
        Field(f"{prefix}.5", "Description of the intended purpose", model.intended_purpose, "intended_purpose"),
    ]


def record(model: AIModel, result: Classification | None, version: ModelVersion | None) -> dict[str, Any]:
    sections, why = sections_for(model, result)
    out: list[dict[str, Any]] = []
    for section in sections:
        fields: list[Field]
        if section == "A":
            fields = [
                *_identity("A", model, version),
                Field("A.6", "Description of the information used by the system (data, inputs) and its operating logic",
                      " ".join(p for p in (model.description, model.data_sources) if p) or None, "description, data_sources"),
                Field("A.7", "Status of the AI system (on the market / in service; no longer; recalled)", STATUS_HINT[model.compliance_status],
                      "compliance_status", f"The hub's lifecycle status is {model.compliance_status.value}; market status is not recorded."),
                Field("A.8", "Type, number and expiry date of the notified body's certificate, and its name or number", None, None, "Where applicable (Annex VII)."),
                Field("A.9", "A scanned copy of that certificate", None, None, "Where applicable."),
                Field("A.10", "Member States in which it is placed on the market, put into service or made available", None),
                Field("A.11", "A copy of the EU declaration of conformity (Art. 47)", None, None, "Attest Art. 47 once signed."),
                Field("A.12", "Electronic instructions for use", None, None, "Not for Annex III points 1, 6 and 7 (law enforcement, migration)."),
                Field("A.13", "A URL for additional information (optional)", None),
            ]
        elif section == "B":
            assert result is not None
            conditions = [b.provision for b in result.basis if b.effect == "derogation"]
            fields = [
                *_identity("B", model, version),
                Field("B.6", "The condition(s) under Art. 6(3) on which the system is considered not high risk", conditions, "classification answers"),
                Field("B.7", "A short summary of the grounds for applying the condition(s)",
                      " ".join(b.reason for b in result.basis if b.effect == "derogation") or None, "classification basis"),
                Field("B.8", "Status of the AI system", STATUS_HINT[model.compliance_status], "compliance_status",
                      f"The hub's lifecycle status is {model.compliance_status.value}; market status is not recorded."),
                Field("B.9", "Member States in which it is placed on the market, put into service or made available", None),
            ]
        else:
            fields = [
                Field("C.1", "Name, address and contact details of the deployer", None, None,
                      f"The registry records the owner ({model.owner}), not the legal entity and its address."),
                Field("C.2", "Name, address and contact details of the person submitting on the deployer's behalf", None, None, "Where applicable."),
                Field("C.3", "The URL of the provider's entry of the AI system in the EU database", None),
                Field("C.4", "A summary of the findings of the fundamental rights impact assessment (Art. 27)", None, None, "Attest Art. 27 once done."),
                Field("C.5", "A summary of the data protection impact assessment (Art. 35 GDPR), where applicable", None),
            ]
        title, provision = SECTION_TITLES[section]
        out.append({"section": section, "title": title, "provision": provision, "fields": [f.as_json() for f in fields]})
    missing = [f"{f['item']} {f['field']}" for s in out for f in s["fields"] if f["missing"]]
    return {
        "model_id": model.id,
        "model_name": model.name,
        "operator_role": model.operator_role.value if model.operator_role else None,
        "risk_level": model.risk_level.value,
        "required": bool(sections),
        "why": why,
        "sections": out,
        "missing": missing,
        "note": "A draft filled from the registry: complete the missing fields and submit it in the EU database; "
                "then attest the registration (Art. 49) with its number.",
    }
