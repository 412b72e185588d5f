"""MLflow's REST API, as much as the hub needs: read a registered model's version and its run, set a version tag.

Plain HTTP (urllib) rather than the `mlflow` package: the function stays small and starts fast.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from govhub.config import settings
from govhub.integrations.external import MLFLOW, ExternalModel, ExternalVersion

SECRET_TTL_SECONDS = 300  # a rotated secret is picked up within five minutes


class MlflowUnavailableError(Exception):
    """MLflow answered with an error or not at all: the delivery or event is retried."""


@dataclass(frozen=True)
class MlflowSecret:
    tracking_uri: str
    webhook_secret: str
    username: str | None = None
    password: str | None = None
    token: str | None = None


def load_secret(text: str) -> MlflowSecret:
    data = json.loads(text)
    return MlflowSecret(
        tracking_uri=str(data.get("tracking_uri") or "").rstrip("/"),
        webhook_secret=str(data.get("webhook_secret") or ""),
        username=data.get("username") or None,
        password=data.get("password") or None,
        token=data.get("token") or None,
    )


@lru_cache(maxsize=1)
def _secrets_client() -> Any:
    import boto3

    return boto3.client("secretsmanager", region_name=settings().region)


_cached: tuple[float, MlflowSecret] | None = None


def mlflow_secret() -> MlflowSecret:
    global _cached
    if _cached is None or time.monotonic() - _cached[0] > SECRET_TTL_SECONDS:
        value = _secrets_client().get_secret_value(SecretId=settings().mlflow_secret_arn)["SecretString"]
        _cached = (time.monotonic(), load_secret(value))
    return _cached[1]


class MlflowRest:
    def __init__(self, secret: MlflowSecret, timeout: float = 10) -> None:
        self._base = f"{secret.tracking_uri}/api/2.0/mlflow"
        self._timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if secret.token:
            self._headers["Authorization"] = f"Bearer {secret.token}"
        elif secret.username and secret.password:
            basic = base64.b64encode(f"{secret.username}:{secret.password}".encode()).decode()
            self._headers["Authorization"] = f"Basic {basic}"

    def _call(self, method: str, path: str, query: dict[str, str] | None = None, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self._base}/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=self._headers)  # noqa: S310 - the configured tracking URI
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise MlflowUnavailableError(f"MLflow answered {error.code} to {method} {path}: {error.read()[:300]!r}") from None
        except (OSError, ValueError) as error:  # ValueError: no usable tracking URI in the secret
            raise MlflowUnavailableError(f"MLflow did not answer {method} {path}: {error}") from None

    def registered_model(self, name: str) -> dict[str, Any]:
        return self._call("GET", "registered-models/get", {"name": name})["registered_model"]

    def model_version(self, name: str, version: str) -> dict[str, Any]:
        return self._call("GET", "model-versions/get", {"name": name, "version": version})["model_version"]

    def run(self, run_id: str) -> dict[str, Any]:
        return self._call("GET", "runs/get", {"run_id": run_id})["run"]

    def set_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self._call("POST", "model-versions/set-tag", body={"name": name, "version": version, "key": key, "value": value})

    def delete_version_tag(self, name: str, version: str, key: str) -> None:
        """Remove a version tag; a tag that is not there is already removed."""
        try:
            self._call("DELETE", "model-versions/delete-tag", body={"name": name, "version": version, "key": key})
        except MlflowUnavailableError as error:
            if "RESOURCE_DOES_NOT_EXIST" not in str(error):
                raise

    def external_model(self, name: str, version: str) -> ExternalModel:
        """One version of a registered model, with its run's metrics and dataset inputs, in the hub's terms."""
        model = self.registered_model(name)
        found = self.model_version(name, version)
        run = self.run(found["run_id"]) if found.get("run_id") else {}
        return ExternalModel(
            system=MLFLOW,
            name=model["name"],
            description=model.get("description") or None,
            tags=_tags(model.get("tags")),
            versions=[external_version(found, run)],
        )


def external_version(version: dict[str, Any], run: dict[str, Any]) -> ExternalVersion:
    metrics = {m["key"]: float(m["value"]) for m in (run.get("data") or {}).get("metrics", []) if "value" in m}
    datasets = [_dataset_line(d) for d in (run.get("inputs") or {}).get("dataset_inputs", [])]
    return ExternalVersion(
        version=str(version["version"]),
        source=version.get("source") or f"models:/{version['name']}/{version['version']}",
        description=version.get("description") or None,
        run_id=version.get("run_id") or None,
        metrics=metrics,
        datasets=datasets,
        tags=_tags(version.get("tags")),
    )


def _tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["key"]: t.get("value", "") for t in tags or []}


def _dataset_line(dataset_input: dict[str, Any]) -> str:
    dataset = dataset_input.get("dataset") or {}
    context = _tags(dataset_input.get("tags")).get("mlflow.data.context")
    details = ", ".join(part for part in (context, f"digest {dataset['digest']}" if dataset.get("digest") else None) if part)
    return f"{dataset.get('name', '?')} ({details})" if details else str(dataset.get("name", "?"))
