"""Every filter of the audit-log lists is an index partition: a filtered page reads only the records it shows,
however many records of other kinds there are (moto, table from template.yaml; DynamoDB reads counted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.client
import pytest

from govhub.audit import GENESIS_HASH, new_record, seal
from govhub.store.audit import AuditHead, AuditIndexRepository
from tests.integration.conftest import Api


def _records(model_id: int, count: int, entity: str, action: str, user: str, start: int = 1) -> list[dict[str, Any]]:
    records, previous = [], GENESIS_HASH
    for sequence in range(start, start + count):
        record = seal(new_record(model_id=model_id, sequence=sequence, entity=entity, entity_id=sequence, action=action,  # type: ignore[arg-type]
                                 actor={"username": user, "role": "model_owner"}, reason=None,
                                 time=f"2026-11-25T14:{sequence // 60:02d}:{sequence % 60:02d}+00:00",
                                 changes={"value": {"before": None, "after": sequence}}, event_id=f"e-{model_id}-{sequence}"), previous)
        records.append(record)
        previous = record["hash"]
    return records


@pytest.fixture
def read_counts() -> Iterator[list[int]]:
    """Items DynamoDB read (ScannedCount) per Query made while the test runs."""
    counts: list[int] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        answer = original(self, operation, params)
        if operation in ("Query", "Scan"):
            counts.append(int(answer.get("ScannedCount", 0)))
        return answer

    botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]
    yield counts
    botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/api/v1/audit-logs", "entity=model", {("model", "status_change", "ada.admin")}),
        ("/api/v1/audit-logs", "action=status_change", {("model", "status_change", "ada.admin")}),
        ("/api/v1/audit-logs", "actor=ada.admin", {("model", "status_change", "ada.admin")}),
        ("/api/v1/models/7/audit-logs", "entity=model", {("model", "status_change", "ada.admin")}),
        ("/api/v1/models/7/audit-logs", "action=status_change&from=2026-11-25T14:00:00Z", {("model", "status_change", "ada.admin")}),
        ("/api/v1/models/7/audit-logs", "actor=ada.admin&to=2026-11-25T16:00:00Z", {("model", "status_change", "ada.admin")}),
        ("/api/v1/models/7/audit-logs", "from=2026-11-25T14:00:00Z&to=2026-11-25T14:00:04Z", {("metric", "create", "ci-bot")}),
    ],
)
def test_a_filtered_page_reads_only_matching_records(api: Api, read_counts: list[int], path: str, query: str,
                                                     expected: set[tuple[str, str, str]]) -> None:
    # Given 80 metric records by a pipeline on two models, and 3 status changes by an admin after them
    index = AuditIndexRepository()
    index.save_records(_records(7, 40, "metric", "create", "ci-bot") + _records(8, 40, "metric", "create", "ci-bot"))
    changes = _records(7, 3, "model", "status_change", "ada.admin", start=151)
    index.save_records(changes)
    index.advance(AuditHead(7), AuditHead(7, 43, changes[-1]["hash"]))  # model 7 has a trail
    # When a user asks for a page of 3
    read_counts.clear()
    page = api.get(path, role="auditor", query=f"{query}&limit=3").body
    # Then the page holds only matching records, and DynamoDB read no more records than the page shows
    assert {(r["entity"], r["action"], r["actor"]["username"]) for r in page["items"]} == expected
    assert len(page["items"]) == 3
    assert sum(read_counts) <= 3 + 1  # the page's records (+ the model's existence check, a GetItem, reads none)
