"""SageMaker Model Registry, both ways, through moto's model package APIs.

A "SageMaker Model Package State Change" event imports the package version (group → model, version → version,
artifact, metrics from its metrics report and model card, govhub.* customer metadata → fields); the hub's status
changes set the package's ModelApprovalStatus.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from local_stack.functions import FunctionHost
from tests.integration.conftest import Api

GROUP = "credit-scoring"  # followed: tests/conftest.py sets SAGEMAKER_MODEL_PACKAGE_GROUPS
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost:1"


@pytest.fixture
def sagemaker(aws: dict[str, str]) -> Any:
    client = boto3.client("sagemaker", region_name="us-east-1")
    client.create_model_package_group(ModelPackageGroupName=GROUP, ModelPackageGroupDescription="Credit scoring models")
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="ml-reports")
    s3.put_object(Bucket="ml-reports", Key="credit/1/quality.json", Body=json.dumps(
        {"binary_classification_metrics": {"accuracy": {"value": 0.91, "standard_deviation": 0.01}, "auc": {"value": 0.95}}}))
    return client


def _package(client: Any, group: str = GROUP, metadata: dict[str, str] | None = None) -> str:
    answer = client.create_model_package(
        ModelPackageGroupName=group,
        ModelPackageDescription="XGBoost on 2025 applications",
        InferenceSpecification={"Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://models/{group}/model.tar.gz"}],
                                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
        ModelMetrics={"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://ml-reports/credit/1/quality.json"}}},
        CustomerMetadataProperties=metadata or {"govhub.risk_level": "high", "govhub.intended_purpose": "Creditworthiness of natural persons"},
        ModelApprovalStatus="PendingManualApproval",
    )
    return str(answer["ModelPackageArn"])


def _state_change(client: Any, arn: str) -> dict[str, Any]:
    """The EventBridge event SageMaker sends (detail: the package's description)."""
    package = client.describe_model_package(ModelPackageName=arn)
    detail = {k: package[k] for k in ("ModelPackageGroupName", "ModelPackageVersion", "ModelPackageArn", "ModelApprovalStatus")}
    return {"version": "0", "source": "aws.sagemaker", "detail-type": "SageMaker Model Package State Change", "detail": detail}


def _hub_model(api: Api, name: str) -> dict[str, Any] | None:
    items = api.get("/api/v1/models", query=f"name={name}").body["items"]
    return items[0] if items else None


def test_a_new_package_version_is_imported_once(api: Api, sagemaker: Any, functions: dict[str, FunctionHost]) -> None:
    arn = _package(sagemaker)
    first = functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))
    again = functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))

    assert (first["action"], first["versions_created"]) == ("created", ["1"])
    assert (again["action"], again["versions_skipped"]) == ("unchanged", ["1"])
    model = _hub_model(api, GROUP)
    assert model["external_ref"] == {"system": "sagemaker", "name": GROUP}
    assert (model["risk_level"], model["intended_purpose"]) == ("high", "Creditworthiness of natural persons")
    version = api.get(f"/api/v1/models/{model['id']}/versions").body["items"]
    assert [(v["version_tag"], v["s3_path"]) for v in version] == [("1", f"s3://models/{GROUP}/model.tar.gz")]
    metrics = {m["metric_name"]: m["value"] for m in api.get(f"/api/v1/versions/{version[0]['id']}/metrics").body["items"]}
    assert metrics == {"accuracy": 0.91, "auc": 0.95}


def test_packages_of_groups_not_followed_are_left_alone(api: Api, sagemaker: Any, functions: dict[str, FunctionHost]) -> None:
    sagemaker.create_model_package_group(ModelPackageGroupName="someone-elses")
    arn = _package(sagemaker, group="someone-elses")
    answer = functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))
    assert answer["imported"] is False and _hub_model(api, "someone-elses") is None


def _status_changed(model: dict[str, Any], status: str, previous: str) -> dict[str, Any]:
    approved = {"id": model["latest_version"]["id"], "version_tag": model["latest_version"]["version_tag"]} if status == "approved" else None
    return {"version": "0", "source": "govhub.registry", "detail-type": "Compliance Status Changed",
            "detail": {"model": {"id": model["id"]}, "status": status, "previous_status": previous,
                       "approved_version": approved, "approval_snapshot_sha256": "cd" * 32 if status == "approved" else None}}


def test_the_hub_decision_becomes_the_package_approval_status(api: Api, sagemaker: Any, functions: dict[str, FunctionHost]) -> None:
    arn = _package(sagemaker)
    functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))
    model = _hub_model(api, GROUP)
    backsync = functions["SageMakerBacksyncFunction"]

    def status_after(event: dict[str, Any]) -> str:
        backsync.invoke(event)  # in the function's account and region, as its context's ARN says
        return str(sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"])

    assert status_after(_status_changed(model, "approved", "under_review")) == "Approved"
    assert "cd" * 32 in sagemaker.describe_model_package(ModelPackageName=arn)["ApprovalDescription"]
    assert status_after(_status_changed(model, "under_review", "approved")) == "PendingManualApproval"
    assert status_after(_status_changed(model, "retired", "under_review")) == "Rejected"


def test_a_model_no_team_would_own_is_skipped_and_says_why(api: Api, sagemaker: Any) -> None:
    from govhub.integrations.external import ExternalModel, ExternalVersion
    from govhub.integrations.sync import ModelSync
    from govhub.services.registry import default_registry

    external = ExternalModel("sagemaker", "orphan-group", versions=[ExternalVersion("1", "s3://models/orphan/1")])
    outcome = ModelSync(default_registry()).apply_as_integration(external, "sagemaker-sync", default_team=None)

    assert outcome.action == "skipped" and "govhub.team" in outcome.notes[0]
    assert _hub_model(api, "orphan-group") is None


def test_a_govhub_team_property_names_the_owning_team(api: Api, sagemaker: Any, functions: dict[str, FunctionHost]) -> None:
    arn = _package(sagemaker, metadata={"govhub.team": "credit-ml"})
    answer = functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))
    assert answer["action"] == "skipped" and "credit-ml" in answer["notes"][0]  # not a hub team (yet)
    api.post("/api/v1/teams", {"slug": "credit-ml", "display_name": "Credit ML"}, role="admin")
    answer = functions["SageMakerImportFunction"].invoke(_state_change(sagemaker, arn))
    assert answer["action"] == "created" and _hub_model(api, GROUP)["team"] == "credit-ml"
