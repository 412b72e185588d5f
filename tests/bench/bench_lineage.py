"""Lineage and impact benchmark (issue 17): items read per request, at two sizes, and with the table ten times larger.

In-process moto with the table of template.yaml. Two reads are measured:

- GET /models/{id}/lineage of a model with N upstream nodes (N = 10 and 50): its version declares datasets and a
  base model version, which declares datasets and a base model version, ... (4 base-model hops, within the depth
  limit of 5);
- GET /datasets/{id}/impact of a dataset used by M model versions (M = 100 and 1,000), each of its own model.

Items are counted by a wrapper around every DynamoDB call of the process (Items / Item / Responses in each
answer), not by the code under test. The claim: a request reads what its answer holds (plus a constant), never what
the table holds; unrelated data (the "x10 table" column) changes nothing.

    python tests/bench/bench_lineage.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "govhub")]
os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",  # noqa: S105 - moto's dummy credentials
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    TABLE_NAME="benchlineage-Table",
    POWERTOOLS_LOG_LEVEL="ERROR",
)


class ItemCounter:
    """Counts the items every DynamoDB answer of this process carries, and the calls."""

    def __init__(self) -> None:
        self.items = 0
        self.calls = 0

    def install(self) -> None:
        from pynamodb.connection.base import Connection

        original = Connection._make_api_call
        counter = self

        def counted(connection: Any, operation_name: str, operation_kwargs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            data = original(connection, operation_name, operation_kwargs, *args, **kwargs)
            if operation_name in ("GetItem", "Query", "BatchGetItem"):
                counter.calls += 1
                counter.items += len(data.get("Items", [])) + (1 if data.get("Item") else 0)
                counter.items += sum(len(found) for found in (data.get("Responses") or {}).values())
            return data

        Connection._make_api_call = counted  # type: ignore[method-assign]

    def measure(self, read: Any) -> tuple[int, int, float, Any]:
        self.items = self.calls = 0
        started = time.perf_counter()
        answer = read()
        return self.items, self.calls, time.perf_counter() - started, answer


def main() -> int:
    import boto3
    from moto import mock_aws

    from local_stack.provision import _table
    from local_stack.template import Template

    with mock_aws():
        # the table of template.yaml without its stream: nothing here consumes it, and moto keeps every record
        props = {k: v for k, v in Template().resources["Table"]["Properties"].items() if k != "StreamSpecification"}
        _table({"dynamodb": boto3.client("dynamodb", region_name="us-east-1")}, "Table", props, {}, "benchlineage")
        return _run()


def _run() -> int:
    from govhub.datasets.entities import BaseModel, Dataset, DatasetInput, DatasetRole, VersionInputs
    from govhub.datasets.lineage import LineageService
    from govhub.domain.entities import AIModel, ModelVersion, Stamp
    from govhub.store.datasets import _to_item as dataset_item
    from govhub.store.items import ModelItem
    from govhub.store.lineage import LineageRepository, edge_items
    from govhub.store.repository import ModelRepository, VersionRepository

    now = datetime.now(UTC)
    stamp = Stamp(now, "bench", now, "bench", "admin", "bench")
    ids = {"model": 0, "version": 0, "dataset": 0}
    # Setup writes the items the registration transactions write (the same mappers), in batches: moto copies the
    # whole table for each transaction, which makes thousands of them take minutes.
    batch = ModelItem.batch_write()

    def new_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def dataset() -> DatasetInput:
        dataset_id = new_id("dataset")
        batch.save(dataset_item(Dataset(dataset_id, f"data-{dataset_id}", stamp, source="bench")))
        return DatasetInput(dataset_id, dataset_id, f"data-{dataset_id}", "1", DatasetRole.TRAINING)

    def model(inputs: VersionInputs | None) -> ModelVersion:
        model_id = new_id("model")
        batch.save(ModelRepository._to_item(AIModel(model_id, f"model-{model_id}", "bench", stamp)))
        version = ModelVersion(new_id("version"), model_id, "v1", "s3://bench/m", stamp, inputs=inputs)
        batch.save(VersionRepository.item_for(version))
        for edge in edge_items(version):
            batch.save(edge)
        return version

    def lineage_subject(upstream: int) -> int:
        """A model whose version has `upstream` nodes above it: 5 levels of datasets and 4 base-model versions."""
        per_level = (upstream - 4) // 5
        below: ModelVersion | None = None
        for _ in range(5):
            base = BaseModel(below.model_id, below.id, None, "v1") if below else None
            below = model(VersionInputs(tuple(dataset() for _ in range(per_level)), base))
        assert below is not None
        return below.model_id

    def used_by(count: int) -> int:
        shared = dataset()
        for _ in range(count):
            model(VersionInputs((shared,)))
        return shared.dataset_id

    def unrelated(count: int) -> None:
        for _ in range(count):
            model(VersionInputs((dataset(),)))

    subjects = [("graph", f"lineage, {n} upstream nodes", lineage_subject(n)) for n in (10, 50)]
    subjects += [("impact", f"impact, dataset used by {n:,} versions", used_by(n)) for n in (100, 1_000)]
    batch.commit()
    counter = ItemCounter()
    counter.install()
    service = LineageService(LineageRepository())

    def read(kind: str, subject: int) -> Any:
        return service.graph(subject) if kind == "graph" else service.impact(subject)

    rows = []
    for kind, label, subject in subjects:
        items, calls, took, answer = counter.measure(lambda kind=kind, subject=subject: read(kind, subject))
        rows.append((label, len(answer.nodes) if kind == "graph" else len(answer.entries), items, calls, took, kind, subject))
    before = ids["model"]
    unrelated(10 * before)  # the table grows ten times with unrelated models, versions and datasets
    batch.commit()
    print(f"table: {before:,} models measured, then {ids['model']:,} models and {ids['dataset']:,} datasets\n")
    print(f"{'request':<40}{'answer size':>12}{'items read':>12}{'calls':>8}{'items/answer':>14}{'ms':>8}{'items read, x10 table':>23}")
    for label, size, items, calls, took, kind, subject in rows:
        # moto answers a Query by walking the whole table, so the impact walk (a Query per user) is re-read only on the
        # lineage rows; DynamoDB reads the partition alone
        again = f"{counter.measure(lambda subject=subject: read('graph', subject))[0]:,}" if kind == "graph" else "-"
        print(f"{label:<40}{size:>12,}{items:>12,}{calls:>8,}{items / size:>14.2f}{took * 1000:>8.0f}{again:>23}")
    print("\nitems read follow the answer (an edge and a model per user or node), not the table.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
