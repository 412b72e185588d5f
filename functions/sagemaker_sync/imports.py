"""SageMaker import function: a new or changed model package version of a followed group, imported into the hub.

Triggered by EventBridge's "SageMaker Model Package State Change" for the groups named in the template. A
package whose approval status the hub itself just set is already imported: re-importing changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from model_packages import external_model, followed

from govhub.config import require, settings

require("sagemaker import", "table_name", "sagemaker_model_package_groups")  # at cold start: a missing setting fails here, naming it

logger = Logger(service="sagemaker-import")
ACTOR = "sagemaker-sync"  # who the changes are recorded as, with the team of the model it changes


@lru_cache(maxsize=1)
def _sync() -> Any:
    from govhub.integrations.sync import ModelSync
    from govhub.services.registry import default_registry

    return ModelSync(default_registry())


def handle(event: dict[str, Any]) -> dict[str, Any]:
    detail = event.get("detail") or {}
    group, arn = detail.get("ModelPackageGroupName"), detail.get("ModelPackageArn")
    if not group or not arn or not followed(group):
        return {"imported": False, "reason": f"model package group {group!r} is not followed"}
    outcome = _sync().apply_as_integration(external_model(arn), ACTOR, settings().integration_team)
    logger.info("imported", extra={"model": outcome.model, "action": outcome.action, "versions": outcome.versions_created})
    return {"imported": True, **asdict(outcome)}


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    # an exception fails the invocation: EventBridge retries it (the rule's retry policy)
    return handle(event)
