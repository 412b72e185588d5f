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
    from moto import mock_aws

    from local_stack.provision import provision
    from local_stack.template import Template

    with mock_aws():
        provision(Template(), "benchlineage", "us-east-1")
        return _run()


def _run() -> int:
    from govhub.datasets.entities import BaseModel, Dataset, DatasetInput, DatasetRole, DatasetVersion, VersionInputs
    from govhub.datasets.lineage import LineageService
    from govhub.domain.entities import AIModel, ModelVersion, Stamp
    from govhub.store.datasets import DatasetRepository, DatasetVersionRepository
    from govhub.store.lineage import LineageRepository
    from govhub.store.repository import ModelRepository, StatsRepository, VersionRepository

    now = datetime.now(UTC)
    stamp = Stamp(now, "bench", now, "bench", "admin", "bench")
    models, versions = ModelRepository(StatsRepository()), VersionRepository()
    datasets, dataset_versions = DatasetRepository(), DatasetVersionRepository()
    ids = {"model": 0, "version": 0, "dataset": 0}

    def new_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def dataset() -> DatasetInput:
        dataset_id = new_id("dataset")
        datasets.create(Dataset(dataset_id, f"data-{dataset_id}", stamp, source="bench"))
        dataset_versions.create(DatasetVersion(dataset_id, dataset_id, "1", "s3://bench/d", stamp))
        return DatasetInput(dataset_id, dataset_id, f"data-{dataset_id}", "1", DatasetRole.TRAINING)

    def model(inputs: VersionInputs | None) -> ModelVersion:
        model_id = new_id("model")
        models.create(AIModel(model_id, f"model-{model_id}", "bench", stamp), {})
        return versions.create(ModelVersion(new_id("version"), model_id, "v1", "s3://bench/m", stamp, inputs=inputs))

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

    counter = ItemCounter()
    counter.install()
    service = LineageService(LineageRepository())
    rows = []
    started = time.perf_counter()
    for upstream in (10, 50):
        subject = lineage_subject(upstream)
        items, calls, took, graph = counter.measure(lambda subject=subject: service.graph(subject))
        rows.append((f"lineage, {upstream} upstream nodes", len(graph.nodes), items, calls, took, subject, "graph"))
    for users in (100, 1_000):
        shared = used_by(users)
        items, calls, took, impact = counter.measure(lambda shared=shared: service.impact(shared))
        rows.append((f"impact, dataset used by {users:,} versions", len(impact.entries), items, calls, took, shared, "impact"))
    setup = time.perf_counter() - started
    unrelated(2 * ids["model"])  # the table grows with unrelated models and datasets
    print(f"table: {ids['model']:,} models, {ids['dataset']:,} datasets ({setup:.0f} s to build the measured part)\n")
    print(f"{'request':<42}{'answer size':>12}{'items read':>12}{'calls':>8}{'items/answer':>14}{'ms':>8}{'items read, x3 table':>22}")
    for label, size, items, calls, took, subject, kind in rows:
        read = (lambda s=subject: service.graph(s)) if kind == "graph" else (lambda s=subject: service.impact(s))
        again, _, _, _ = counter.measure(read)
        print(f"{label:<42}{size:>12,}{items:>12,}{calls:>8,}{items / size:>14.2f}{took * 1000:>8.0f}{again:>22,}")
    print("\nitems read grow with the answer (about 1-2 items per node or user: its edge and its model), not with the table.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
