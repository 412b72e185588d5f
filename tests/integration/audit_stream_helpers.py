"""Feeding the moto table's stream (tests.harness.TableStream) to the stream functions as Lambda would."""

from __future__ import annotations

from typing import Any

from local_stack.functions import FunctionHost


def deliver(host: FunctionHost, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Invoke the function with one batch; answers its response (batchItemFailures)."""
    return host.invoke({"Records": records}) or {}


def failed_positions(batch: list[dict[str, Any]], answer: dict[str, Any]) -> list[int]:
    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
    return [i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed]


def deliver_until_done(host: FunctionHost, records: list[dict[str, Any]], attempts: int = 10) -> int:
    """What Lambda does with ReportBatchItemFailures: retry from the first failed record. Answers the attempts used."""
    batch = list(records)
    for attempt in range(1, attempts + 1):
        positions = failed_positions(batch, deliver(host, batch))
        if not positions:
            return attempt
        batch = batch[min(positions):]
    raise AssertionError(f"records still failing after {attempts} attempts")
