"""Which tags of another registry speak for the hub's fields, and what a version's description keeps of its run."""

from __future__ import annotations

from govhub.domain.lifecycle import RiskLevel
from govhub.integrations.external import ExternalModel, ExternalVersion, describe_version, profile_from_tags


def test_the_newest_version_tag_wins_over_older_ones_and_the_model_tag() -> None:
    model = ExternalModel("mlflow", "m", tags={"govhub.domain": "retail", "team": "x"}, versions=[
        ExternalVersion("10", "s3://a/10", tags={"govhub.domain": "payments"}),
        ExternalVersion("9", "s3://a/9", tags={"govhub.domain": "finance"}),
    ])
    assert model.effective_tags() == {"govhub.domain": "payments", "team": "x"}


def test_the_tags_the_hub_writes_back_are_never_read_as_input() -> None:
    model = ExternalModel("mlflow", "m", versions=[ExternalVersion("1", "s3://a", tags={"govhub.status": "approved", "govhub.approval_sha256": "ab"})])
    assert model.effective_tags() == {}


def test_tags_map_to_fields_and_an_unknown_risk_level_is_reported_not_applied() -> None:
    profile = profile_from_tags({"govhub.owner": " Fraud ML ", "govhub.intended_purpose": "Flag fraud", "govhub.risk_level": "extreme",
                                 "govhub.oversight_plan": "", "unrelated": "x"})
    assert profile.fields == {"owner": "Fraud ML", "intended_purpose": "Flag fraud"}
    assert profile.risk_level is None and "not a risk level" in profile.notes[0]
    assert profile_from_tags({"govhub.risk_level": "HIGH"}).risk_level is RiskLevel.HIGH


def test_a_version_description_keeps_its_text_run_and_datasets() -> None:
    version = ExternalVersion("1", "s3://a", description="Retrained", run_id="r-1", datasets=["tx-2025 (training, digest ab)"])
    assert describe_version(version, "MLflow") == "Retrained\nMLflow run: r-1\nDatasets: tx-2025 (training, digest ab)"
    assert describe_version(ExternalVersion("1", "s3://a"), "MLflow") is None
