"""SageMaker back-sync function: the hub's decision as the model package's ModelApprovalStatus.

On `Compliance Status Changed` for a model imported from SageMaker: approved → `Approved`; reopened or sent
back → `PendingManualApproval`; retired → `Rejected`. Deployment pipelines that gate on the approval status
follow the hub.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from model_packages import followed, package_arn, set_approval

from govhub.config import require
from govhub.integrations.backsync import back_sync_for
from govhub.integrations.external import SAGEMAKER

require("sagemaker back-sync", "table_name", "sagemaker_model_package_groups")  # at cold start: a missing setting fails here, naming it

logger = Logger(service="sagemaker-backsync")


@lru_cache(maxsize=1)
def _repositories() -> tuple[Any, Any]:
    from govhub.store.repository import ModelRepository, VersionRepository

    return ModelRepository(), VersionRepository()


def handle(event: dict[str, Any]) -> dict[str, Any]:
    change = back_sync_for(event, SAGEMAKER, *_repositories())
    if change is None or not followed(change.name):
        return {"changed": False}
    arn = package_arn(change.name, change.version)
    value = set_approval(arn, change.status, change.approval_sha256)
    logger.info("approval status set", extra={"package": arn, "status": value})
    return {"changed": True, "model_package_arn": arn, "approval_status": value}


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event)
