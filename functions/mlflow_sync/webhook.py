"""MLflow webhook function: a registry change in MLflow, verified, then imported into the hub.

POST /api/v1/integrations/mlflow/webhook has no gateway authorizer: MLflow signs every delivery with the
shared secret (HMAC-SHA256 over delivery id, timestamp and body). Unsigned, wrongly signed, stale (over five
minutes) and replayed deliveries are refused before anything in them is read.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from mlflow_rest import MlflowRest, MlflowUnavailableError, mlflow_secret
from signature import TOLERANCE_SECONDS, DeliveryRefusedError, verify

from govhub.api.bodies import parse_json_body
from govhub.config import require, settings
from govhub.errors import BadRequestError
from govhub.integrations.external import MLFLOW, WRITTEN_BACK_TAGS

require("mlflow webhook", "table_name", "mlflow_secret_arn")  # at cold start: a missing setting fails here, naming it

logger = Logger(service="mlflow-webhook")
ACTOR = "mlflow-sync"  # who the changes are recorded as, with the team of the model it changes
# (entity, action) MLflow sends that the hub imports from
IMPORTED = {("model_version", "created"), ("model_version_tag", "set"), ("model_version_alias", "created")}


@lru_cache(maxsize=1)
def _deliveries() -> Any:
    from govhub.store.integrations import DeliveryRepository

    return DeliveryRepository()


@lru_cache(maxsize=1)
def _sync() -> Any:
    from govhub.integrations.sync import ModelSync
    from govhub.services.registry import default_registry

    return ModelSync(default_registry())


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    return _answer(status, {"error": {"code": code, "message": message, "details": None}})


def handle(event: dict[str, Any], now: float) -> dict[str, Any]:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", errors="replace")
    secret = mlflow_secret()
    if not secret.webhook_secret:
        return _error(503, "not_configured", "The hub has no MLflow webhook secret yet (see docs/integrations.md).")
    try:
        delivery_id, _ = verify(secret.webhook_secret, event.get("headers") or {}, body, now)
    except DeliveryRefusedError as refused:
        logger.warning("delivery refused", extra={"reason": str(refused)})
        return _error(401, "delivery_refused", str(refused))
    if not _deliveries().accept(MLFLOW, delivery_id, int(now) + 2 * TOLERANCE_SECONDS):
        return _error(409, "delivery_replayed", f"Delivery {delivery_id} was already accepted.")
    try:
        return _import(parse_json_body(body), secret)  # the hub's one body parser: a nesting limit, never a RecursionError
    except (ValueError, KeyError, TypeError, BadRequestError):
        return _error(400, "bad_request", "The delivery is not an MLflow webhook payload.")
    except MlflowUnavailableError as error:
        _deliveries().forget(MLFLOW, delivery_id)  # MLflow's retry carries the same delivery id
        logger.warning("MLflow unavailable", extra={"error": str(error)})
        return _error(502, "mlflow_unavailable", str(error))
    except Exception:
        _deliveries().forget(MLFLOW, delivery_id)
        raise


def _import(payload: dict[str, Any], secret: Any) -> dict[str, Any]:
    kind = (payload["entity"], payload["action"])
    data = payload["data"]
    if kind not in IMPORTED:
        return _answer(200, {"ignored": f"{kind[0]}.{kind[1]} is not imported"})
    if kind == ("model_version_tag", "set") and data.get("key") in WRITTEN_BACK_TAGS:
        return _answer(200, {"ignored": f"{data['key']} is written by the hub"})
    external = MlflowRest(secret).external_model(str(data["name"]), str(data["version"]))
    outcome = _sync().apply_as_integration(external, ACTOR, settings().integration_team)
    logger.info("imported", extra={"model": outcome.model, "action": outcome.action, "versions": outcome.versions_created})
    return _answer(200, asdict(outcome))


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event, time.time())
