"""SageMaker Model Registry, as much as the hub needs: read a model package version, set its approval status."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from govhub.config import settings
from govhub.domain.lifecycle import ComplianceStatus
from govhub.integrations.external import SAGEMAKER, ExternalModel, ExternalVersion

# The hub's word, as SageMaker deployment pipelines read it: only an approved model deploys.
APPROVAL_STATUS = {
    ComplianceStatus.APPROVED: "Approved",
    ComplianceStatus.UNDER_REVIEW: "PendingManualApproval",
    ComplianceStatus.DRAFT: "PendingManualApproval",
    ComplianceStatus.RETIRED: "Rejected",
}
METRIC_REPORTS = ("ModelQuality", "ModelDataQuality", "Bias", "Explainability")


@lru_cache(maxsize=1)
def sagemaker() -> Any:
    import boto3

    return boto3.client("sagemaker", region_name=settings().region)


@lru_cache(maxsize=1)
def s3() -> Any:
    import boto3

    return boto3.client("s3", region_name=settings().region)


def followed(group: str) -> bool:
    return group in settings().sagemaker_model_package_groups


def package_arn(group: str, version: str) -> str:
    """A package version's ARN, from its group's ARN as SageMaker spells it (it is not rebuilt from the name)."""
    group_arn = sagemaker().describe_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupArn"]
    return f"{group_arn.replace(':model-package-group/', ':model-package/', 1)}/{version}"


def external_model(package_arn_: str) -> ExternalModel:
    package = sagemaker().describe_model_package(ModelPackageName=package_arn_)
    containers = (package.get("InferenceSpecification") or {}).get("Containers") or [{}]
    version = ExternalVersion(
        version=str(package["ModelPackageVersion"]),
        source=containers[0].get("ModelDataUrl") or containers[0].get("Image") or package_arn_,
        description=package.get("ModelPackageDescription") or None,
        metrics={**_card_metrics(package.get("ModelCard")), **_report_metrics(package.get("ModelMetrics") or {})},
        tags=dict(package.get("CustomerMetadataProperties") or {}),
    )
    return ExternalModel(system=SAGEMAKER, name=package["ModelPackageGroupName"], versions=[version])


def set_approval(arn: str, status: ComplianceStatus, approval_sha256: str | None) -> str:
    value = APPROVAL_STATUS[status]
    note = f"AI Governance Hub: {status.value}" + (f" (approval sha256 {approval_sha256})" if approval_sha256 else "")
    sagemaker().update_model_package(ModelPackageArn=arn, ModelApprovalStatus=value, ApprovalDescription=note[:1024])
    return value


def _report_metrics(model_metrics: dict[str, Any]) -> dict[str, float]:
    """Numbers of the metrics reports (SageMaker's `{"<group>": {"<metric>": {"value": n}}}` JSON) the function may read."""
    found: dict[str, float] = {}
    for report in METRIC_REPORTS:
        for document in (model_metrics.get(report) or {}).values():
            uri = document.get("S3Uri") if isinstance(document, dict) else None
            if not uri or not uri.startswith("s3://"):
                continue
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            body = json.loads(s3().get_object(Bucket=bucket, Key=key)["Body"].read())
            found.update(_values(body))
    return found


def _values(node: Any) -> dict[str, float]:
    found: dict[str, float] = {}
    if isinstance(node, dict):
        for name, value in node.items():
            if isinstance(value, dict) and isinstance(value.get("value"), (int, float)) and not isinstance(value.get("value"), bool):
                found[name] = float(value["value"])
            else:
                found.update(_values(value))
    return found


def _card_metrics(card: dict[str, Any] | None) -> dict[str, float]:
    """`evaluation_details[].metric_groups[].metric_data[]` of the package's model card, where it has one."""
    if not card or not card.get("ModelCardContent"):
        return {}
    content = json.loads(card["ModelCardContent"])
    found: dict[str, float] = {}
    for evaluation in content.get("evaluation_details") or []:
        for group in evaluation.get("metric_groups") or []:
            for metric in group.get("metric_data") or []:
                if isinstance(metric.get("value"), (int, float)) and not isinstance(metric.get("value"), bool):
                    found[str(metric["name"])] = float(metric["value"])
    return found
