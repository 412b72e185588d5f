"""Reading the registry back the slow, obvious way: every model page by page, and each model's audit trail."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from tests.e2e.helpers import Client

RISK_LEVELS = ("minimal", "limited", "high", "unacceptable")
STATUSES = ("draft", "under_review", "approved", "retired")


def all_models(client: Client) -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get("/models", params=params)
        assert page.status_code == 200, page.text
        models += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return models


def recount(models: list[dict[str, Any]]) -> dict[str, Any]:
    """The dashboard's figures, counted from the items themselves."""
    pairs = Counter((m["risk_level"], m["compliance_status"]) for m in models)
    return {
        "total": len(models),
        "by_risk_level": {r: sum(pairs[(r, s)] for s in STATUSES) for r in RISK_LEVELS},
        "by_status": {s: sum(pairs[(r, s)] for r in RISK_LEVELS) for s in STATUSES},
        "matrix": {r: {s: pairs[(r, s)] for s in STATUSES} for r in RISK_LEVELS},
    }


def dashboard_counters(client: Client) -> dict[str, Any]:
    stats = client.get("/dashboard/stats")
    assert stats.status_code == 200, stats.text
    return {k: stats.json()[k] for k in ("total", "by_risk_level", "by_status", "matrix")}


def audit_records(client: Client, model_id: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/models/{model_id}/audit-logs", params=params)
        assert page.status_code == 200, page.text
        records += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return records


def settled_audit_records(client: Client, expected: dict[int, int], timeout: float = 60) -> dict[int, list[dict[str, Any]]]:
    """Each model's records once the stream has delivered at least `expected[model]` of them (the trail is
    written after the change commits), read once more a moment later so late duplicates would show."""
    deadline = time.monotonic() + timeout
    pending = dict(expected)
    while pending and time.monotonic() < deadline:
        pending = {m: n for m, n in pending.items() if len(audit_records(client, m)) < n}
        if pending:
            time.sleep(0.5)
    time.sleep(1.0)
    return {m: audit_records(client, m) for m in expected}
