"""Sweep benchmark (issue 18: post-market monitoring). Prints figures measured in one run.

The daily review sweep over N models that all have a monitoring plan (so a review schedule in the due-date index,
GSI9), of which 100 are due or overdue, at two sizes (1,000 and 10,000 models). It counts the DynamoDB items the
sweep reads (Query `Count` + GetItem hits) and its calls. Target: the items read depend on what is due, not on N:
the same at both sizes, and at most 1 per due model (its schedule from the index is read; the mark is one UpdateItem,
a write; the notifier announces the mark from the stream and reads the model there). The time is the emulator's (moto
evaluates an index Query over the whole table in memory; DynamoDB reads only the matching index range), so it is
printed, not judged.

    python tests/bench/bench_sweep.py            # prints the figures, exits 0
    python tests/bench/bench_sweep.py --strict   # exits 1 when a target is missed
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "govhub")]
os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",  # noqa: S105 - moto's dummy credentials
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    TABLE_NAME="benchsweep-Table",
    POWERTOOLS_LOG_LEVEL="ERROR",
)

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SWEEP_SIZES", "1000,10000").split(","))
DUE = 100
PER_DUE_MODEL = 1


class Reads:
    """Counts the DynamoDB calls of this process and the items they returned."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.items = 0

    def install(self) -> None:
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        meter = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            answer = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                meter.calls[operation] = meter.calls.get(operation, 0) + 1
                if operation == "Query":
                    meter.items += int(answer.get("Count", 0))
                elif operation == "GetItem":
                    meter.items += 1 if answer.get("Item") else 0
            return answer

        botocore.client.BaseClient._make_api_call = counted

    def reset(self) -> None:
        self.calls, self.items = {}, 0


def _seed(models: int, now: datetime) -> None:
    """N review schedules (100 due: 40 within the week's notice, 60 overdue), put straight into the emulator's table
    (how they got there is not what is measured; its HTTP layer takes ~0.1 s an item)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from govhub.config import settings
    from govhub.domain.entities import Stamp
    from govhub.monitoring.domain import ReviewSchedule
    from govhub.store.monitoring import _schedule_item

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(settings().table_name)
    stamp = Stamp(now, "bench", now, "bench", "admin", "bench")
    for model_id in range(1, models + 1):
        if model_id <= DUE:
            due = now + timedelta(days=3) if model_id <= 40 else now - timedelta(days=model_id % 20 + 1)
        else:
            due = now + timedelta(days=8 + model_id % 300)
        table.put_item(_schedule_item(ReviewSchedule(model_id, due, 90, stamp=stamp)).serialize())


def _run(strict: bool) -> int:
    from moto import mock_aws

    from local_stack.provision import provision
    from local_stack.template import Template

    figures: list[tuple[int, int, dict[str, int], float, dict[str, int]]] = []
    reads = Reads()
    reads.install()
    for size in SIZES:
        with mock_aws():
            provision(Template(), "benchsweep", "us-east-1")
            from govhub.config import settings

            settings.cache_clear()
            from govhub.api.context import registry
            from govhub.monitoring.service import MonitoringService
            from govhub.store.monitoring import MonitoringRepository

            now = datetime.now(UTC)
            seeding = time.perf_counter()
            _seed(size, now)
            print(f"seeded {size:,} models in {time.perf_counter() - seeding:.1f} s", flush=True)
            registry.cache_clear()
            service = MonitoringService(registry(), MonitoringRepository())
            reads.reset()
            started = time.perf_counter()
            counts = service.sweep_reviews(now)
            elapsed = time.perf_counter() - started
            figures.append((size, reads.items, dict(reads.calls), elapsed, counts))
    print(f"{'models':>8} {'due':>5} {'items read':>11} {'calls':>40} {'time (s)':>9}  counts")
    for size, items, calls, elapsed, counts in figures:
        print(f"{size:>8} {DUE:>5} {items:>11} {str(calls):>40} {elapsed:>9.2f}  {counts}")
    small, large = figures[0][1], figures[-1][1]
    ok = small == large and large <= DUE * PER_DUE_MODEL
    print(f"items read at {SIZES[-1]:,} / at {SIZES[0]:,} models: {large / max(small, 1):.2f} (target 1.00); "
          f"per due model: {large / DUE:.2f} (target ≤ {PER_DUE_MODEL})")
    return 1 if strict and not ok else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return _run(parser.parse_args(argv).strict)


if __name__ == "__main__":
    raise SystemExit(main())
