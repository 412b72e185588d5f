"""Datasets in the single table: one item per dataset and per dataset version (audited in the global chain), a
name guard, a tag guard per dataset; lists through GSI1 (all, by name; a dataset's versions), GSI7 (a team's, by
name) and GSI3 (the flagged ones, sparse)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.datasets.entities import BiasExamination, Dataset, DatasetFlag, DatasetVersion
from govhub.domain.entities import ModelVersion, Page
from govhub.policy.facts import DeclaredDataset
from govhub.store import keys
from govhub.store.items import DatasetItem, DatasetVersionItem, GuardItem
from govhub.store.repository import _apply_stamp, _iso, _page, _stamp_from, _transact, decode_cursor


class DatasetRepository:
    def get(self, dataset_id: int) -> Dataset | None:
        try:
            item = DatasetItem.get(keys.dataset_pk(dataset_id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return _to_domain(item)

    def id_for_name(self, name: str) -> int | None:
        try:
            return int(GuardItem.get(keys.dataset_name_guard(name), keys.META, consistent_read=True).target_id)
        except DoesNotExist:
            return None

    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        """By name; `team` and `flagged` each read their own index (never both: the service refuses that)."""
        if filters.get("team"):
            partition = keys.dataset_team_partition(filters["team"])
            results = DatasetItem.by_team.query(partition, limit=limit, page_size=limit,
                                                last_evaluated_key=decode_cursor(cursor, DatasetItem.by_team, partition))
        elif filters.get("flagged") == "true":
            results = DatasetItem.by_status.query(keys.DATASETS_FLAGGED, limit=limit, page_size=limit,
                                                  last_evaluated_key=decode_cursor(cursor, DatasetItem.by_status, keys.DATASETS_FLAGGED))
        else:
            results = DatasetItem.by_list.query(keys.DATASETS_LIST, limit=limit, page_size=limit,
                                                last_evaluated_key=decode_cursor(cursor, DatasetItem.by_list, keys.DATASETS_LIST))
        return _page(results, _to_domain)

    def create(self, dataset: Dataset) -> Dataset:
        """Fails with ConditionFailedError if the name is taken."""
        item = _to_item(dataset)

        def build(transaction: TransactWrite) -> None:
            transaction.save(GuardItem(keys.dataset_name_guard(dataset.name), keys.META, target_id=dataset.id),
                             condition=GuardItem.pk.does_not_exist())
            transaction.save(item, condition=DatasetItem.pk.does_not_exist())

        _transact(build)
        return _to_domain(item)

    def save(self, dataset: Dataset, previous_name: str) -> Dataset:
        """Fails with ConditionFailedError if the dataset changed since `dataset.revision` or the new name is taken."""
        item = _to_item(dataset)
        renamed = keys.name_key(previous_name) != keys.name_key(dataset.name)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item)  # conditioned on the revision read (VersionAttribute)
            if renamed:
                transaction.delete(GuardItem(keys.dataset_name_guard(previous_name), keys.META))
                transaction.save(GuardItem(keys.dataset_name_guard(dataset.name), keys.META, target_id=dataset.id),
                                 condition=GuardItem.pk.does_not_exist())

        _transact(build)
        return _to_domain(item)


class DatasetVersionRepository:
    def get(self, dataset_version_id: int) -> DatasetVersion | None:
        try:
            item = DatasetVersionItem.get(keys.dataset_version_pk(dataset_version_id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return _version_to_domain(item)

    def id_for_tag(self, dataset_id: int, tag: str) -> int | None:
        try:
            return int(GuardItem.get(keys.dataset_pk(dataset_id), keys.dataset_version_tag_guard(tag), consistent_read=True).target_id)
        except DoesNotExist:
            return None

    def list_for_dataset(self, dataset_id: int, limit: int, cursor: str | None) -> Page:
        results = DatasetVersionItem.by_list.query(keys.dataset_versions_of(dataset_id), scan_index_forward=False, limit=limit,
                                                   page_size=limit,
                                                   last_evaluated_key=decode_cursor(cursor, DatasetVersionItem.by_list, keys.dataset_versions_of(dataset_id)))
        return _page(results, _version_to_domain)

    def create(self, version: DatasetVersion) -> DatasetVersion:
        """Fails with ConditionFailedError if the dataset is gone or the tag is taken."""
        item = DatasetVersionItem(
            keys.dataset_version_pk(version.id), keys.META,
            entity=keys.ENTITY_DATASET_VERSION, model_id=keys.GLOBAL_MODEL_ID,
            dataset_id=version.dataset_id, dataset_version_id=version.id, version_tag=version.version_tag,
            location=version.location, records=version.records, sha256=version.sha256, description=version.description,
            gsi1pk=keys.dataset_versions_of(version.dataset_id), gsi1sk=f"{version.id:012d}",
        )
        _apply_stamp(item, version.stamp)

        def build(transaction: TransactWrite) -> None:
            transaction.condition_check(DatasetItem, keys.dataset_pk(version.dataset_id), keys.META, condition=DatasetItem.pk.exists())
            transaction.save(GuardItem(keys.dataset_pk(version.dataset_id), keys.dataset_version_tag_guard(version.version_tag),
                                       target_id=version.id), condition=GuardItem.pk.does_not_exist())
            transaction.save(item, condition=DatasetVersionItem.pk.does_not_exist())

        _transact(build)
        return _version_to_domain(item)


def _to_item(dataset: Dataset) -> DatasetItem:
    name_key = keys.name_key(dataset.name)
    bias = dataset.bias_examination
    flag = dataset.flag
    item = DatasetItem(
        keys.dataset_pk(dataset.id), keys.META,
        entity=keys.ENTITY_DATASET, model_id=keys.GLOBAL_MODEL_ID, dataset_id=dataset.id,
        name=dataset.name, name_key=name_key, team=dataset.team, description=dataset.description, source=dataset.source,
        licence=dataset.licence, collection_period=dataset.collection_period, geographic_scope=dataset.geographic_scope,
        demographic_scope=dataset.demographic_scope, labelling_procedure=dataset.labelling_procedure,
        personal_data=dataset.personal_data, special_categories=dataset.special_categories,
        known_limitations=dataset.known_limitations,
        bias_examined=bias.examined if bias else None, bias_outcome=bias.outcome if bias else None,
        flagged=flag is not None, flag_reason=flag.reason if flag else None, flagged_by=flag.by if flag else None,
        flagged_at=_iso(flag.at) if flag else None,
        gsi1pk=keys.DATASETS_LIST, gsi1sk=f"{name_key}#{dataset.id:012d}",
        gsi3pk=keys.DATASETS_FLAGGED if flag else None, gsi3sk=f"{name_key}#{dataset.id:012d}" if flag else None,
        gsi7pk=keys.dataset_team_partition(dataset.team) if dataset.team else None,
        gsi7sk=f"{name_key}#{dataset.id:012d}" if dataset.team else None,
    )
    _apply_stamp(item, dataset.stamp)
    if dataset.revision is not None:
        item.revision = dataset.revision
    return item


def _to_domain(item: DatasetItem) -> Dataset:
    bias = BiasExamination(item.bias_examined, item.bias_outcome or "") if item.bias_examined else None
    flag = DatasetFlag(item.flag_reason or "", item.flagged_by or "", datetime.fromisoformat(item.flagged_at)) if item.flagged and item.flagged_at else None
    return Dataset(
        id=int(item.dataset_id), name=item.name, stamp=_stamp_from(item), team=item.team, description=item.description,
        source=item.source, licence=item.licence, collection_period=item.collection_period,
        geographic_scope=item.geographic_scope, demographic_scope=item.demographic_scope,
        labelling_procedure=item.labelling_procedure, personal_data=bool(item.personal_data),
        special_categories=bool(item.special_categories), known_limitations=item.known_limitations,
        bias_examination=bias, flag=flag, revision=int(item.revision) if item.revision else None,
    )


def _version_to_domain(item: DatasetVersionItem) -> DatasetVersion:
    return DatasetVersion(
        id=int(item.dataset_version_id), dataset_id=int(item.dataset_id), version_tag=item.version_tag, location=item.location,
        stamp=_stamp_from(item), records=int(item.records) if item.records is not None else None, sha256=item.sha256,
        description=item.description,
    )


class DatasetFactsOfTheTable:
    """What the policy's data-governance rule judges: the datasets a version declares, as they are now (BatchGetItem)."""

    def declared(self, version: ModelVersion) -> tuple[DeclaredDataset, ...]:
        if version.inputs is None or not version.inputs.datasets:
            return ()
        wanted = sorted({used.dataset_id for used in version.inputs.datasets})
        found = {int(item.dataset_id): _to_domain(item) for item in DatasetItem.batch_get([(keys.dataset_pk(i), keys.META) for i in wanted])}
        return tuple(DeclaredDataset(used, found.get(used.dataset_id)) for used in version.inputs.datasets)
