"""A model's EU AI Act operator role and the summary of its risk classification (what the model item carries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from govhub.domain.lifecycle import RiskLevel


class OperatorRole(str, Enum):
    """The organisation's role for the AI system (Art. 3(3)-(8))."""

    PROVIDER = "provider"
    DEPLOYER = "deployer"
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"
    AUTHORISED_REPRESENTATIVE = "authorised_representative"
    PRODUCT_MANUFACTURER = "product_manufacturer"


@dataclass(frozen=True)
class ClassificationSummary:
    """The questionnaire's verdict as recorded on the model; `override` when the model's level differs from it."""

    suggested_risk_level: RiskLevel
    questionnaire_version: str
    classified_by: str
    classified_at: datetime
    answers: dict[str, bool]
    override: bool = False
    justification: str | None = None

    @property
    def unjustified_override(self) -> bool:
        return self.override and not (self.justification or "").strip()


@dataclass(frozen=True)
class Attestation:
    """A person's statement that an obligation is met outside the hub (e.g. "registered in the EU database under X")."""

    model_id: int
    obligation_id: str
    statement: str
    reason: str
    attested_by: str
    attested_by_role: str
    attested_at: datetime
    revision: int | None = None
    withdrawal: Withdrawal | None = None  # withdrawn: it no longer counts for the obligation (kept, audited)

    @property
    def current(self) -> bool:
        return self.withdrawal is None


@dataclass(frozen=True)
class Withdrawal:
    """Who withdrew an attestation, when and why (e.g. "the registration number was wrong")."""

    by: str
    by_role: str
    at: datetime
    reason: str


def reconcile(summary: ClassificationSummary | None, risk_level: RiskLevel, justification: str | None) -> ClassificationSummary | None:
    """The summary after the model's risk level is set to `risk_level` with `justification`: an override when it
    differs from the suggestion (justified by that text), none when it agrees."""
    if summary is None:
        return None
    override = risk_level is not summary.suggested_risk_level
    return ClassificationSummary(
        summary.suggested_risk_level, summary.questionnaire_version, summary.classified_by, summary.classified_at,
        summary.answers, override, (justification or None) if override else None,
    )
