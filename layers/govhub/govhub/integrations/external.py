"""A model as another registry describes it, and which of its tags speak for the hub's fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from govhub.domain.lifecycle import RiskLevel

MLFLOW = "mlflow"
SAGEMAKER = "sagemaker"
SYSTEM_LABELS = {MLFLOW: "MLflow", SAGEMAKER: "SageMaker Model Registry"}

TAG_PREFIX = "govhub."
# Tags (MLflow tags, SageMaker customer metadata) that set the hub's descriptive fields.
FIELD_TAGS = {
    f"{TAG_PREFIX}owner": "owner",
    f"{TAG_PREFIX}domain": "domain",
    f"{TAG_PREFIX}intended_purpose": "intended_purpose",
    f"{TAG_PREFIX}data_sources": "data_sources",
    f"{TAG_PREFIX}oversight_plan": "oversight_plan",
}
RISK_TAG = f"{TAG_PREFIX}risk_level"
RISK_JUSTIFICATION_TAG = f"{TAG_PREFIX}risk_justification"
TEAM_TAG = f"{TAG_PREFIX}team"  # the team that owns a model the hub has not seen yet (reassigning stays an admin's act)
# Tags the hub itself writes back (status, approval hash): never read as input.
WRITTEN_BACK_TAGS = frozenset({f"{TAG_PREFIX}status", f"{TAG_PREFIX}approval_sha256"})


@dataclass
class ExternalVersion:
    version: str  # the version's id there: an MLflow version number, a SageMaker model package version
    source: str  # where the artifact is
    description: str | None = None
    run_id: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)  # one line per dataset input, e.g. "credit (training, digest ab12)"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class ExternalModel:
    system: str
    name: str
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    versions: list[ExternalVersion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SYSTEM_LABELS.get(self.system, self.system)

    def effective_tags(self) -> dict[str, str]:
        """The model's tags, overlaid by its versions' in version order: the newest version's tag wins."""
        merged = dict(self.tags)
        for version in sorted(self.versions, key=lambda v: version_order(v.version)):
            merged.update(version.tags)
        return {key: value for key, value in merged.items() if key not in WRITTEN_BACK_TAGS}


def version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (0, version)


@dataclass
class Profile:
    """What the tags say of the hub's fields, and what they said that could not be used."""

    fields: dict[str, str]
    risk_level: RiskLevel | None
    risk_justification: str | None
    notes: list[str]


def profile_from_tags(tags: dict[str, str]) -> Profile:
    fields = {name: tags[tag].strip() for tag, name in FIELD_TAGS.items() if tags.get(tag, "").strip()}
    notes: list[str] = []
    risk: RiskLevel | None = None
    raw_risk = tags.get(RISK_TAG, "").strip().lower()
    if raw_risk:
        try:
            risk = RiskLevel(raw_risk)
        except ValueError:
            allowed = ", ".join(r.value for r in RiskLevel)
            notes.append(f"tag {RISK_TAG}={tags[RISK_TAG]!r} is not a risk level ({allowed}); risk level left as it was")
    justification = tags.get(RISK_JUSTIFICATION_TAG, "").strip() or None
    return Profile(fields, risk, justification, notes)


def describe_version(version: ExternalVersion, label: str) -> str | None:
    """The hub version's description: the text there, its run, and its dataset inputs (kept as version metadata)."""
    lines = [version.description.strip()] if version.description and version.description.strip() else []
    if version.run_id:
        lines.append(f"{label} run: {version.run_id}")
    if version.datasets:
        lines.append("Datasets: " + "; ".join(version.datasets))
    return "\n".join(lines) or None
