"""`python -m local_stack --mlflow`: a real MLflow tracking server wired to the local hub, with a demo model.

The server (SQLite in .local/mlflow) gets a webhook to the hub's MLflow endpoint signed with the secret the hub
reads from its Secrets Manager secret; the demo model registered in MLflow then arrives in the hub through it.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import boto3

from local_stack.demo import DEMO_PIPELINE_TEAM
from local_stack.mlflow_server import MlflowServer

WEBHOOK_EVENTS = ["model_version.created", "model_version_tag.set", "model_version_alias.created"]
DEMO_MODEL = "mlflow-credit-scorer"


def start_mlflow(workdir: Path, host: str, port: int, hub_url: str, secret_id: str, endpoint_url: str, region: str) -> MlflowServer:
    """Start the server and wire it to the hub: the secret the webhook function reads, the webhook MLflow calls."""
    server = MlflowServer(workdir, host, port)
    server.start()
    webhook_secret = secrets.token_hex(24)
    boto3.client("secretsmanager", endpoint_url=endpoint_url, region_name=region).put_secret_value(
        SecretId=secret_id, SecretString=json.dumps({"tracking_uri": server.url, "webhook_secret": webhook_secret}))
    client = _client(server.url)
    webhook_url = f"{hub_url}/integrations/mlflow/webhook"
    for existing in client.list_webhooks():  # a server restarted on the same database: one webhook, the new secret
        if existing.name == "governance-hub":
            client.delete_webhook(existing.webhook_id)
    client.create_webhook(name="governance-hub", url=webhook_url, events=WEBHOOK_EVENTS, secret=webhook_secret)
    return server


def seed_demo_model(tracking_uri: str) -> str | None:
    """Register the demo model in MLflow (a run with metrics and a dataset, one version), unless it is there."""
    from mlflow.entities import Dataset, DatasetInput, InputTag
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    try:
        client.get_registered_model(DEMO_MODEL)
        return None
    except MlflowException:
        pass
    experiment = client.create_experiment(f"{DEMO_MODEL}-training")
    run = client.create_run(experiment, run_name="xgboost-2026-12")
    for name, value in {"accuracy": 0.912, "auc": 0.951, "demographic_parity_difference": 0.031}.items():
        client.log_metric(run.info.run_id, name, value)
    dataset = Dataset(name="loan-applications-2025", digest="5e1b9c0d", source_type="s3", source='{"uri": "s3://demo-data/loans-2025.parquet"}')
    client.log_inputs(run.info.run_id, datasets=[DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "training")])])
    client.set_terminated(run.info.run_id)
    client.create_registered_model(DEMO_MODEL, description="Scores consumer loan applications (demo, from MLflow)", tags={
        "govhub.owner": "Credit Risk ML", "govhub.team": DEMO_PIPELINE_TEAM, "govhub.domain": "finance", "govhub.risk_level": "high",
        "govhub.risk_justification": "Annex III 5(b): creditworthiness of natural persons",
        "govhub.intended_purpose": "Rank consumer loan applications for manual review",
    })
    client.create_model_version(DEMO_MODEL, source="s3://demo-models/credit-scorer/1/model.tar.gz", run_id=run.info.run_id)
    return DEMO_MODEL


def _client(tracking_uri: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
