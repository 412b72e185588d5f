"""Lineage in the single table: adjacency items written with the declaring version, read by GetItem and Query.

Upstream (what a version was built from) is the `inputs` attribute of the version item itself. Downstream (who uses
a thing) is a `USEDBY#<version id>` item under the dataset version, under its dataset (a dataset's impact is one
Query of its partition) and under a base model's version. Every read here is GetItem, BatchGetItem or Query, and
counts the items it reads (`items_read`), so a request's cost can be stated and measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.datasets.entities import Dataset, VersionInputs
from govhub.domain.entities import AIModel, ModelVersion
from govhub.store import keys
from govhub.store.items import DatasetItem, DatasetVersionItem, ModelItem, UsedByItem, VersionItem

BASE_MODEL_RELATION = "base_model"


def inputs_text(inputs: VersionInputs | None) -> str | None:
    if inputs is None or (not inputs.datasets and inputs.base_model is None):
        return None
    return json.dumps(inputs.as_json(), sort_keys=True, separators=(",", ":"))


def inputs_from_text(text: str | None) -> VersionInputs | None:
    return VersionInputs.from_json(json.loads(text)) if text else None


def add_edges(transaction: TransactWrite, version: ModelVersion) -> None:
    """The downstream edges of a new version's declared inputs; each input must still exist when the version commits."""
    inputs = version.inputs
    if inputs is None:
        return
    for dataset_version_id in sorted({used.dataset_version_id for used in inputs.datasets}):
        transaction.condition_check(DatasetVersionItem, keys.dataset_version_pk(dataset_version_id), keys.META,
                                    condition=DatasetVersionItem.pk.exists())
    base = inputs.base_model
    if base is not None and base.version_id is not None:
        transaction.condition_check(VersionItem, keys.version_pk(base.version_id), keys.META, condition=VersionItem.pk.exists())
    for edge in edge_items(version):
        transaction.save(edge)


def edge_items(version: ModelVersion) -> list[UsedByItem]:
    """The `USEDBY#` items of a version's declared inputs: under each dataset version, its dataset, and the base version."""
    inputs = version.inputs
    if inputs is None:
        return []
    common: dict[str, Any] = {"user_model_id": version.model_id, "version_id": version.id, "version_tag": version.version_tag}
    edges = []
    for used in inputs.datasets:
        role = used.role.value
        edges.append(UsedByItem(keys.dataset_version_pk(used.dataset_version_id), keys.used_by_sk(version.id, role),
                                relation=role, dataset_version_id=used.dataset_version_id, **common))
        edges.append(UsedByItem(keys.dataset_pk(used.dataset_id), keys.used_by_sk(version.id, f"{used.dataset_version_id}#{role}"),
                                relation=role, dataset_version_id=used.dataset_version_id, **common))
    base = inputs.base_model
    if base is not None and base.version_id is not None:
        edges.append(UsedByItem(keys.version_pk(base.version_id), keys.used_by_sk(version.id), relation=BASE_MODEL_RELATION, **common))
    return edges


@dataclass(frozen=True)
class Use:
    """One downstream edge: model version `version_id` of model `model_id` uses the thing, as `relation`."""

    model_id: int
    version_id: int
    version_tag: str
    relation: str
    dataset_version_id: int | None = None


class LineageRepository:
    """The reads lineage and impact make. `items_read` counts every item returned by DynamoDB to this instance."""

    def __init__(self) -> None:
        self.items_read = 0

    def version(self, version_id: int) -> ModelVersion | None:
        from govhub.store.repository import VersionRepository

        try:
            item = VersionItem.get(keys.version_pk(version_id), keys.META)
        except DoesNotExist:
            return None
        self.items_read += 1
        return VersionRepository._to_domain(item)

    def versions_of_model(self, model_id: int, limit: int) -> list[ModelVersion]:
        """The model's newest `limit` versions."""
        from govhub.store.repository import VersionRepository

        found = [VersionRepository._to_domain(item) for item in
                 VersionItem.by_list.query(keys.versions_of(model_id), scan_index_forward=False, limit=limit, page_size=limit)]
        self.items_read += len(found)
        return found

    def users_of_dataset(self, dataset_id: int, limit: int) -> list[Use]:
        return self._uses(keys.dataset_pk(dataset_id), limit)

    def users_of_version(self, version_id: int, limit: int) -> list[Use]:
        return self._uses(keys.version_pk(version_id), limit)

    def _uses(self, partition: str, limit: int) -> list[Use]:
        uses = [
            Use(int(item.user_model_id), int(item.version_id), item.version_tag, item.relation,
                int(item.dataset_version_id) if item.dataset_version_id is not None else None)
            for item in UsedByItem.query(partition, UsedByItem.sk.startswith(keys.USED_BY), limit=limit, page_size=min(limit, 1000))
        ]
        self.items_read += len(uses)
        return uses

    def version_id_for_tag(self, model_id: int, tag: str) -> int | None:
        from govhub.store.items import GuardItem

        try:
            guard = GuardItem.get(keys.model_pk(model_id), keys.version_tag_guard(tag), consistent_read=True)
        except DoesNotExist:
            return None
        return int(guard.target_id)

    def datasets(self, dataset_ids: Iterable[int]) -> dict[int, Dataset]:
        """The datasets by id (BatchGetItem); a missing one is left out."""
        from govhub.store.datasets import _to_domain

        found: dict[int, Dataset] = {}
        for item in DatasetItem.batch_get([(keys.dataset_pk(i), keys.META) for i in sorted(set(dataset_ids))]):
            self.items_read += 1
            dataset = _to_domain(item)
            found[dataset.id] = dataset
        return found

    def models(self, model_ids: Iterable[int]) -> dict[int, AIModel]:
        """The models by id (BatchGetItem, 100 to a call); a deleted model is left out."""
        from govhub.store.repository import ModelRepository

        wanted = sorted(set(model_ids))
        found: dict[int, AIModel] = {}
        for item in ModelItem.batch_get([(keys.model_pk(model_id), keys.META) for model_id in wanted]):
            self.items_read += 1
            model = ModelRepository._to_domain(item)
            found[model.id] = model
        return found
