"""Small builders for policy tests: a model, its latest version and metrics, and the facts a rule sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from govhub.datasets.entities import BiasExamination, Dataset, DatasetInput, DatasetRole, VersionInputs
from govhub.domain.classification import ClassificationSummary
from govhub.domain.entities import Actor, AIModel, Metric, ModelVersion, Stamp
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.policy.document import PolicyDocument, default_policy, parse_policy
from govhub.policy.facts import ComplianceFacts, DeclaredDataset, MonitoringFacts, Occasion

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
OWNER = "omar.owner"
ADMIN = Actor("ada.admin", "admin")


def stamp(by: str = OWNER, at: datetime = NOW) -> Stamp:
    return Stamp(at, by, at, by, "model_owner", "test")


def classified(suggested: RiskLevel, answers: dict[str, bool], override: bool = False, justification: str | None = None) -> ClassificationSummary:
    return ClassificationSummary(suggested, "2026.12.1", OWNER, NOW, answers, override, justification)


def documented_model(**changes: Any) -> AIModel:
    """A high-risk model, documented, registered and submitted by the owner, waiting for approval."""
    fields: dict[str, Any] = {
        "id": 7,
        "name": "fraud-detector",
        "owner": "ML Team",
        "stamp": stamp(),
        "risk_level": RiskLevel.HIGH,
        "compliance_status": ComplianceStatus.UNDER_REVIEW,
        "intended_purpose": "Flag card transactions for review",
        "data_sources": "24 months of labelled transactions",
        "oversight_plan": "Analysts review every flag",
        "submitted_by": OWNER,
        "revision": 3,
        "classification": classified(RiskLevel.HIGH, {"annex3_5_b_credit_scoring": True}),
    }
    fields.update(changes)
    return AIModel(**fields)


def trained_and_tested() -> VersionInputs:
    """What the default policy's data-governance rule asks a high-risk version to declare (Art. 10)."""
    return VersionInputs((DatasetInput(1, 21, "cards-train", "2026.1", DatasetRole.TRAINING, "ab" * 32),
                          DatasetInput(2, 22, "cards-test", "2026.1", DatasetRole.TESTING, "cd" * 32)))


def version(tag: str = "v1.0.0", sha256: str | None = None, s3_path: str = "s3://models/fraud/v1.0.0",
            inputs: VersionInputs | None = None) -> ModelVersion:
    """The latest version; it declares documented training and testing datasets unless `inputs` says otherwise."""
    return ModelVersion(id=11, model_id=7, version_tag=tag, s3_path=s3_path, stamp=stamp(), sha256=sha256,
                        inputs=trained_and_tested() if inputs is None else inputs)


def documented_dataset(dataset_id: int, name: str, **changes: Any) -> Dataset:
    fields: dict[str, Any] = {"id": dataset_id, "name": name, "stamp": stamp(), "source": "Core banking ledger export",
                              "bias_examination": BiasExamination("Label rates by age band", "No band differs by more than 2 points")}
    fields.update(changes)
    return Dataset(**fields)


class DocumentedDatasets:
    """The policy's DatasetFacts port: every declared dataset is documented (provenance and bias examination)."""

    def __init__(self, overrides: dict[int, Dataset | None] | None = None) -> None:
        self.overrides = overrides or {}

    def declared(self, version: ModelVersion) -> tuple[DeclaredDataset, ...]:
        if version.inputs is None:
            return ()
        return tuple(DeclaredDataset(i, self.overrides.get(i.dataset_id, documented_dataset(i.dataset_id, i.dataset_name)))
                     for i in version.inputs.datasets)


def metrics(values: dict[str, float], age_days: float = 1, first_id: int = 100) -> tuple[Metric, ...]:
    at = NOW - timedelta(days=age_days)
    return tuple(
        Metric(id=first_id + i, version_id=11, model_id=7, metric_name=name, value=value, stamp=stamp(at=at))
        for i, (name, value) in enumerate(values.items())
    )


GOOD_METRICS = {"accuracy": 0.95, "demographic_parity_difference": 0.04}
# A post-market monitoring plan as an approval seals it (govhub.monitoring.domain.MonitoringPlan.as_json()).
PLAN: dict[str, Any] = {
    "metrics": [{"metric": "accuracy", "min": 0.9, "max": None, "description": None},
                {"metric": "drift_score", "min": None, "max": 0.2, "description": None}],
    "review_cadence_days": 90, "reviewers": [], "method_notes": "Weekly labelled sample", "revision": 1,
}
PLANNED = MonitoringFacts(PLAN)


class FakeMonitoring:
    """The policy service's monitoring port: every model has PLAN and the given open findings."""

    def __init__(self, facts: MonitoringFacts = PLANNED) -> None:
        self.facts = facts

    def monitoring_facts(self, model_id: int) -> MonitoringFacts:
        return self.facts


def facts(
    model: AIModel | None = None,
    latest: ModelVersion | None | str = "default",
    recorded: tuple[Metric, ...] | None = None,
    target: ComplianceStatus = ComplianceStatus.APPROVED,
    actor: Actor | None = ADMIN,
    occasion: Occasion = Occasion.TRANSITION,
    monitoring: MonitoringFacts | None = PLANNED,
    datasets: DocumentedDatasets | None = None,
) -> ComplianceFacts:
    latest_version = version() if latest == "default" else latest
    assert latest_version is None or isinstance(latest_version, ModelVersion)
    return ComplianceFacts(
        model=model or documented_model(),
        latest_version=latest_version,
        metrics=metrics(GOOD_METRICS) if recorded is None else recorded,
        target=target,
        now=NOW,
        actor=actor,
        occasion=occasion,
        monitoring=monitoring,
        datasets=(datasets or DocumentedDatasets()).declared(latest_version) if latest_version is not None else (),
    )


def policy_with(*rules: dict[str, Any]) -> PolicyDocument:
    """The default policy's floors (prohibited + four eyes) plus the given rules."""
    floors = [r for r in default_policy().to_json()["rules"] if r["kind"] in ("prohibited", "four_eyes")]
    return parse_policy({"schema": "govhub.policy/1", "name": "test", "rules": [*floors, *rules]})
