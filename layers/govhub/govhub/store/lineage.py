"""Lineage in the single table: adjacency items written with the declaring version, read by GetItem and Query.

Upstream (what a version was built from) is the `inputs` attribute of the version item itself. Downstream (who uses
a thing) is a `USEDBY#<version id>` item under the dataset version, under its dataset (a dataset's impact is one
Query of its partition), under a base model's version and under that version's model (what a model's delete must not
leave dangling is one Query). Every read here is GetItem, BatchGetItem or Query; the lineage reads count the items
they read (`items_read`), so a request's cost can be stated and measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.datasets.entities import Dataset, VersionInputs
from govhub.domain.entities import AIModel, Dependent, ModelDependents, ModelVersion
from govhub.store import keys
from govhub.store.items import (
    DatasetItem,
    DatasetVersionItem,
    DependentsItem,
    ModelItem,
    ModelPointerItem,
    UsedByItem,
    VersionItem,
)

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
        transaction.update(DependentsItem(keys.version_pk(base.version_id), keys.DEPENDED),
                           actions=[DependentsItem.latest_version_id.set(version.id)])
        if _other_model(base.model_id, version):  # the base model is still there, and its delete learns of this version
            transaction.condition_check(ModelPointerItem, keys.model_pk(base.model_id), keys.META, condition=ModelPointerItem.pk.exists())
            transaction.update(DependentsItem(keys.model_pk(base.model_id), keys.DEPENDENTS),
                               actions=[DependentsItem.latest_version_id.set(version.id)])
    for edge in edge_items(version):
        transaction.save(edge)


def _other_model(base_model_id: int | None, version: ModelVersion) -> TypeGuard[int]:
    """Whether the base is another model's version (a model's versions built on each other are deleted together)."""
    return base_model_id is not None and base_model_id != version.model_id


def edge_items(version: ModelVersion) -> list[UsedByItem]:
    """The `USEDBY#` items of a version's declared inputs: under each dataset version, its dataset, the base version and
    (another model's) the base model."""
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
        if _other_model(base.model_id, version):
            edges.append(UsedByItem(keys.model_pk(base.model_id), keys.used_by_sk(version.id), relation=BASE_MODEL_RELATION,
                                    base_version_id=base.version_id, base_version_tag=base.version_tag, **common))
    return edges


def dependents_of_model(model_id: int, wanted: int) -> ModelDependents:
    """The first `wanted` versions of live models built on the model's versions: its `DEPENDENTS` marker first (a
    consistent GetItem), then the edges under the model (a consistent Query, 100 to a page), each page's models in one
    BatchGetItem. An edge of a deleted model (its removal after the delete did not finish) is not a dependent."""
    try:
        seen: int | None = int(DependentsItem.get(keys.model_pk(model_id), keys.DEPENDENTS, consistent_read=True).latest_version_id)
    except DoesNotExist:
        seen = None
    found: list[Dependent] = []
    edges = UsedByItem.query(keys.model_pk(model_id), UsedByItem.sk.startswith(keys.USED_BY), consistent_read=True, page_size=100)
    page: list[UsedByItem] = []
    for edge in edges:
        page.append(edge)
        if len(page) == 100:
            found += _live(page)
            page = []
            if len(found) > wanted:
                break
    found += _live(page)
    return ModelDependents(tuple(found[:wanted]), len(found) > wanted, seen)


def _live(edges: list[UsedByItem]) -> list[Dependent]:
    if not edges:
        return []
    names = {int(item.model_id): item.name
             for item in ModelItem.batch_get([(keys.model_pk(i), keys.META) for i in sorted({int(e.user_model_id) for e in edges})])}
    return [Dependent(int(e.user_model_id), names[int(e.user_model_id)], int(e.version_id), e.version_tag,
                      int(e.base_version_id) if e.base_version_id is not None else None, e.base_version_tag)
            for e in edges if int(e.user_model_id) in names]


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

    def versions_used(self, version_ids: Iterable[int]) -> set[int]:
        """Which of the versions are a base of another version: their `DEPENDED` markers, BatchGetItem 100 to a call."""
        found = {int(item.pk.removeprefix(keys.VERSION))
                 for item in DependentsItem.batch_get([(keys.version_pk(v), keys.DEPENDED) for v in sorted(set(version_ids))])}
        self.items_read += len(found)
        return found

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
