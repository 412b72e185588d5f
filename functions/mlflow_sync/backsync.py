"""MLflow back-sync function: the hub's approval (or its withdrawal) shown on the MLflow model version.

On `Compliance Status Changed` for a model imported from MLflow, sets the version tags `govhub.status` and
`govhub.approval_sha256` (removed when an approval is withdrawn), so whoever deploys from MLflow sees the hub's word.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from mlflow_rest import MlflowRest, mlflow_secret

from govhub.config import require
from govhub.integrations.backsync import back_sync_for
from govhub.integrations.external import MLFLOW, TAG_PREFIX

require("mlflow back-sync", "table_name", "mlflow_secret_arn")  # at cold start: a missing setting fails here, naming it

logger = Logger(service="mlflow-backsync")
STATUS_TAG = f"{TAG_PREFIX}status"
APPROVAL_TAG = f"{TAG_PREFIX}approval_sha256"


@lru_cache(maxsize=1)
def _repositories() -> tuple[Any, Any]:
    from govhub.store.repository import ModelRepository, VersionRepository

    return ModelRepository(), VersionRepository()


def handle(event: dict[str, Any]) -> dict[str, Any]:
    change = back_sync_for(event, MLFLOW, *_repositories())
    if change is None:
        return {"changed": False}
    mlflow = MlflowRest(mlflow_secret())
    mlflow.set_version_tag(change.name, change.version, STATUS_TAG, change.status.value)
    if change.approval_sha256:
        mlflow.set_version_tag(change.name, change.version, APPROVAL_TAG, change.approval_sha256)
    else:
        mlflow.delete_version_tag(change.name, change.version, APPROVAL_TAG)
    logger.info("status set in MLflow", extra={"model": change.name, "version": change.version, "status": change.status.value})
    return {"changed": True, "model": change.name, "version": change.version, "status": change.status.value}


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    # an exception fails the invocation: EventBridge retries it (the rule's retry policy)
    return handle(event)
