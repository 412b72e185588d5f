"""`govhub import mlflow`: registered models of an MLflow tracking server, their versions, runs and tags, into the hub.

MLflow is read with its own client (`pip install 'govhub-cli[mlflow]'`), so MLflow's usual settings apply
(MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME / _PASSWORD, ...). Each model goes to the hub's
POST /imports, which applies it as normal audited changes: re-running imports only what changed.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from govhub_cli import output
from govhub_cli.errors import OK, UsageError

SEARCH_PAGE = 100


def _client(tracking_uri: str) -> Any:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise UsageError("`govhub import mlflow` reads MLflow with its client: pip install 'govhub-cli[mlflow]'") from None
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def _quoted(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _all(search: Any, **kwargs: Any) -> list[Any]:
    found, token = [], None
    while True:
        page = search(max_results=SEARCH_PAGE, page_token=token, **kwargs)
        found.extend(page)
        token = page.token
        if not token:
            return found


def describe(mlflow: Any, model: Any) -> dict[str, Any]:
    """One registered model as the hub's import request: its tags, and each version with its run's metrics and datasets."""
    versions = []
    for version in sorted(_all(mlflow.search_model_versions, filter_string=f"name={_quoted(model.name)}"), key=lambda v: int(v.version)):
        run = mlflow.get_run(version.run_id) if version.run_id else None
        datasets = []
        if run is not None and run.inputs is not None:
            for item in run.inputs.dataset_inputs or []:
                context = next((t.value for t in item.tags or [] if t.key == "mlflow.data.context"), None)
                details = ", ".join(p for p in (context, f"digest {item.dataset.digest}" if item.dataset.digest else None) if p)
                datasets.append(f"{item.dataset.name} ({details})" if details else item.dataset.name)
        versions.append({
            "version": str(version.version),
            "source": version.source or f"models:/{model.name}/{version.version}",
            "description": version.description or None,
            "run_id": version.run_id or None,
            "metrics": dict(run.data.metrics) if run is not None else {},
            "datasets": datasets,
            "tags": dict(version.tags or {}),
        })
    return {"system": "mlflow", "name": model.name, "description": model.description or None,
            "tags": dict(model.tags or {}), "versions": versions}


def import_mlflow(args: argparse.Namespace, session: Any) -> int:
    mlflow = _client(args.tracking_uri)
    models = [mlflow.get_registered_model(args.model)] if args.model else _all(mlflow.search_registered_models)
    progress = output.ProgressBar(len(models), "importing", enabled=None if not (session.json or session.quiet) else False)
    outcomes = []
    for model in models:
        body = describe(mlflow, model)
        if args.owner:
            body["default_owner"] = args.owner
        if args.team:
            body["team"] = args.team
        outcomes.append(session.client.post("/imports", body))
        progress.advance(1)
    progress.close()
    session.emit({"models": outcomes, "summary": summarise(outcomes)}, render(outcomes))
    return OK


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(o["action"] for o in outcomes)
    return {
        **{action: counts.get(action, 0) for action in ("created", "updated", "unchanged", "skipped")},
        "versions_created": sum(len(o["versions_created"]) for o in outcomes),
        "versions_skipped": sum(len(o["versions_skipped"]) for o in outcomes),
        "metrics_recorded": sum(o["metrics_recorded"] for o in outcomes),
    }


def render(outcomes: list[dict[str, Any]]) -> str:
    rows = [(o["model"], o["action"], o.get("model_id"), ", ".join(o["changed_fields"]),
             ", ".join(o["versions_created"]), ", ".join(o["versions_skipped"]), o["metrics_recorded"]) for o in outcomes]
    table = output.render_table(("model", "action", "hub id", "changed", "new versions", "already there", "metrics"), rows)
    totals = summarise(outcomes)
    lines = [table, "",
             f"{totals['created']} created, {totals['updated']} updated, {totals['unchanged']} unchanged, {totals['skipped']} skipped; "
             f"{totals['versions_created']} versions imported, {totals['versions_skipped']} already there, "
             f"{totals['metrics_recorded']} metrics recorded"]
    lines += [f"  {o['model']}: {note}" for o in outcomes for note in o["notes"]]
    return "\n".join(lines)
