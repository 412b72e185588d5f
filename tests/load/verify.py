"""After a load run: is every write the API acknowledged readable, and recorded once in the audit trail?"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.concurrency.recount import settled_audit_records
from tests.e2e.helpers import Client

# The audit record each acknowledged write must have produced: (entity, action).
RECORDED_AS = {
    "create model": ("model", "create"),
    "update model": ("model", "update"),
    "change status": ("model", "status_change"),
    "register version": ("version", "create"),
    "record metric": ("metric", "create"),
}


def lost_writes(admin: Client, writes: list[dict[str, Any]]) -> list[str]:
    """Every acknowledged write that cannot be read back as acknowledged."""
    lost = []
    last_revision: dict[int, int] = {}
    for write in writes:
        if "revision" in write:
            last_revision[write["model_id"]] = max(last_revision.get(write["model_id"], 0), write["revision"])
    models = {}
    for model_id in {w["model_id"] for w in writes}:
        answer = admin.get(f"/models/{model_id}")
        models[model_id] = answer.json() if answer.status_code == 200 else None
    for write in writes:
        model = models[write["model_id"]]
        if model is None:
            lost.append(f"{write['kind']}: model {write['model_id']} is gone")
        elif write["kind"] == "create model" and model["name"] != write["name"]:
            lost.append(f"create model: {write['model_id']} is named {model['name']!r}, not {write['name']!r}")
        elif write["kind"] == "register version":
            version = admin.get(f"/versions/{write['version_id']}")
            if version.status_code != 200 or version.json()["version_tag"] != write["version_tag"]:
                lost.append(f"register version: {write['version_id']} answers {version.status_code}")
        elif write["kind"] == "record metric":
            metric = admin.get(f"/metrics/{write['metric_id']}")
            if metric.status_code != 200 or metric.json()["value"] != write["value"]:
                lost.append(f"record metric: {write['metric_id']} answers {metric.status_code}")
    for model_id, revision in last_revision.items():
        model = models[model_id]
        if model is not None and model["revision"] < revision:
            lost.append(f"model {model_id} is at revision {model['revision']}, an update to {revision} was acknowledged")
    return lost


def unaudited_writes(admin: Client, writes: list[dict[str, Any]], timeout: float = 120) -> dict[int, dict[str, Any]]:
    """Models whose audit trail does not hold exactly one record per acknowledged write, or does not verify."""
    expected: dict[int, Counter[tuple[str, str]]] = {}
    for write in writes:
        expected.setdefault(write["model_id"], Counter())[RECORDED_AS[write["kind"]]] += 1
    trails = settled_audit_records(admin, {m: sum(c.values()) for m, c in expected.items()}, timeout=timeout)
    wrong: dict[int, dict[str, Any]] = {}
    for model_id, records in trails.items():
        found = Counter((r["entity"], r["action"]) for r in records)
        verification = admin.get(f"/models/{model_id}/audit-logs/verify").json()
        if found != expected[model_id] or not verification.get("intact") or verification.get("records") != len(records):
            wrong[model_id] = {"expected": dict(expected[model_id]), "found": dict(found), "verify": verification}
    return wrong
