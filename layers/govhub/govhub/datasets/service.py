"""Dataset use cases: register, describe, version, list; declare a model version's inputs; flag and unflag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from govhub.datasets.entities import (
    BaseModel,
    BiasExamination,
    Dataset,
    DatasetFlag,
    DatasetInput,
    DatasetRole,
    DatasetVersion,
    ExternalModel,
    VersionInputs,
)
from govhub.datasets.lineage import Impact, LineageService
from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.errors import (
    DuplicateNameError,
    DuplicateVersionError,
    ForbiddenError,
    NotFoundError,
    StaleWriteError,
    ValidationFailedError,
)
from govhub.store.repository import ConditionFailedError

MAX_DECLARED_DATASETS = 20  # a version's declared inputs go into its registration transaction (100 items at most)


class DatasetStore(Protocol):
    def get(self, dataset_id: int) -> Dataset | None: ...
    def id_for_name(self, name: str) -> int | None: ...
    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page: ...
    def create(self, dataset: Dataset) -> Dataset: ...
    def save(self, dataset: Dataset, previous_name: str) -> Dataset: ...


class DatasetVersionStore(Protocol):
    def get(self, dataset_version_id: int) -> DatasetVersion | None: ...
    def id_for_tag(self, dataset_id: int, tag: str) -> int | None: ...
    def list_for_dataset(self, dataset_id: int, limit: int, cursor: str | None) -> Page: ...
    def create(self, version: DatasetVersion) -> DatasetVersion: ...


class SequenceStore(Protocol):
    def allocate(self, kind: str, count: int = 1) -> list[int]: ...


class ModelRegistry(Protocol):
    """What the datasets ask of the registry: teams of new records, models by name, reopening an approval."""

    def team_for_new_record(self, team: str | None, by: Actor) -> str | None: ...
    def find_model_by_name(self, name: str) -> AIModel | None: ...
    def reopen_review(self, model_id: int, reason: str, cause: str, by: Actor) -> AIModel | None: ...


@dataclass(frozen=True)
class FlagOutcome:
    dataset: Dataset
    reopened: tuple[AIModel, ...]
    impact: Impact


class DatasetService:
    def __init__(
        self,
        datasets: DatasetStore,
        versions: DatasetVersionStore,
        sequences: SequenceStore,
        registry: ModelRegistry,
        lineage: LineageService,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._datasets = datasets
        self._versions = versions
        self._sequences = sequences
        self._registry = registry
        self._lineage = lineage
        self._clock = clock

    # -- datasets ----------------------------------------------------------------------------
    def get(self, dataset_id: int) -> Dataset:
        dataset = self._datasets.get(dataset_id)
        if dataset is None:
            raise NotFoundError(f"Dataset {dataset_id} does not exist.", {"dataset_id": dataset_id})
        return dataset

    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        if filters.get("name"):
            found = self._datasets.id_for_name(filters["name"])
            dataset = self._datasets.get(found) if found is not None else None
            keep = dataset is not None and (not filters.get("team") or dataset.team == filters["team"]) and (
                not filters.get("flagged") or dataset.flagged == (filters["flagged"] == "true"))
            return Page(items=[dataset] if keep and dataset else [], next_cursor=None)
        if filters.get("team") and filters.get("flagged"):
            raise ValidationFailedError(
                "Filter by team or by flagged, not both: each filter reads its own index.",
                [{"field": "flagged", "message": "combine with name only"}],
            )
        if filters.get("flagged") == "false":
            raise ValidationFailedError("flagged=false is not a filter; list all datasets, or flagged=true.",
                                        [{"field": "flagged", "message": "only true"}])
        return self._datasets.list(filters, limit, cursor)

    def register(self, fields: dict[str, Any], by: Actor) -> Dataset:
        team = self._registry.team_for_new_record(fields.get("team"), by)
        name = fields["name"]
        if (existing := self._datasets.id_for_name(name)) is not None:
            raise self._duplicate(name, existing)
        (dataset_id,) = self._sequences.allocate("dataset")
        now = self._clock()
        reason = fields.get("reason") or "Dataset registered"
        values = {k: v for k, v in fields.items() if k not in ("reason", "team", "bias_examination")}
        dataset = Dataset(id=dataset_id, team=team, stamp=Stamp(now, by.username, now, by.username, by.role, reason),
                          bias_examination=_bias(fields.get("bias_examination")), **values)
        try:
            return self._datasets.create(dataset)
        except ConditionFailedError:
            raise self._duplicate(name, self._datasets.id_for_name(name)) from None

    def update(self, dataset_id: int, changes: dict[str, Any], by: Actor, expected_revision: int | None, reason: str | None) -> Dataset:
        current = self.get(dataset_id)
        self.authorize(current, by)
        self._check_revision(current, expected_revision)
        if "team" in changes and changes["team"] != current.team:
            if not by.is_admin:
                raise ForbiddenError(f"Only administrators move a dataset to another team (dataset {dataset_id} belongs to '{current.team}').",
                                     {"dataset_id": dataset_id, "team": current.team})
            self._registry.team_for_new_record(changes["team"], by)
        if "bias_examination" in changes:
            changes = {**changes, "bias_examination": _bias(changes["bias_examination"])}
        if "name" in changes and (taken := self._datasets.id_for_name(changes["name"])) not in (None, dataset_id):
            raise self._duplicate(changes["name"], taken)
        updated = replace(current, **changes, stamp=self._touch(current.stamp, by, reason or "Dataset updated"))
        return self._save(current, updated)

    def flag(self, dataset_id: int, reason: str, by: Actor, expected_revision: int | None) -> FlagOutcome:
        """Mark the dataset bad and send every approved model built on it (directly or through a base model) back to
        review, each in its own write, with the reason.

        The reopening is not one transaction (a dataset may have more dependents than a transaction holds), so a failure
        part-way leaves some models approved; flagging again finishes it: every approved dependent still approved is
        reopened, and the answer names them. Flagging again with the same reason writes nothing to the dataset (no
        second record or announcement); a new reason is recorded."""
        current = self.get(dataset_id)
        self.authorize(current, by)
        self._check_revision(current, expected_revision)
        if current.flag is not None and current.flag.reason == reason:
            saved = current
        else:
            now = self._clock()
            flagged = replace(current, flag=DatasetFlag(reason, by.username, now),
                              stamp=self._touch(current.stamp, by, f"Dataset flagged: {reason}", now))
            saved = self._save(current, flagged)
        impact = self._lineage.impact(dataset_id)
        why = f"dataset '{current.name}' (#{dataset_id}) flagged: {reason}"
        reopened = []
        for model_id in impact.approved_models_relying():
            model = self._registry.reopen_review(model_id, why, f"dataset:{dataset_id}", by)
            if model is not None:
                reopened.append(model)
        return FlagOutcome(saved, tuple(reopened), impact)

    def unflag(self, dataset_id: int, reason: str, by: Actor, expected_revision: int | None) -> Dataset:
        """Clear the flag. Nothing is re-approved: the models sent back to review go through review again."""
        current = self.get(dataset_id)
        self.authorize(current, by)
        self._check_revision(current, expected_revision)
        if current.flag is None:
            raise ValidationFailedError(f"Dataset {dataset_id} is not flagged.", [{"field": "dataset_id", "message": "not flagged"}])
        return self._save(current, replace(current, flag=None, stamp=self._touch(current.stamp, by, f"Flag cleared: {reason}")))

    def impact(self, dataset_id: int) -> Impact:
        return self._lineage.impact(dataset_id)

    # -- versions ----------------------------------------------------------------------------
    def register_version(self, dataset_id: int, fields: dict[str, Any], by: Actor) -> DatasetVersion:
        dataset = self.get(dataset_id)
        self.authorize(dataset, by)
        tag = fields["version_tag"]
        if self._versions.id_for_tag(dataset_id, tag) is not None:
            raise self._duplicate_version(dataset, tag)
        (version_id,) = self._sequences.allocate("dataset_version")
        now = self._clock()
        version = DatasetVersion(id=version_id, dataset_id=dataset_id, stamp=Stamp(now, by.username, now, by.username, by.role,
                                 f"Dataset version {tag} registered"), **fields)
        try:
            return self._versions.create(version)
        except ConditionFailedError:
            self.get(dataset_id)
            raise self._duplicate_version(dataset, tag) from None

    def list_versions(self, dataset_id: int, limit: int, cursor: str | None) -> Page:
        self.get(dataset_id)
        return self._versions.list_for_dataset(dataset_id, limit, cursor)

    def version_by_tag(self, dataset_id: int, tag: str) -> DatasetVersion:
        found = self._versions.id_for_tag(dataset_id, tag)
        version = self._versions.get(found) if found is not None else None
        if version is None:
            raise NotFoundError(f"Dataset {dataset_id} has no version tagged '{tag}'.", {"dataset_id": dataset_id, "version_tag": tag})
        return version

    # -- what a model version declares --------------------------------------------------------
    def resolve_inputs(self, raw: dict[str, Any]) -> VersionInputs:
        """The declared inputs of a new model version, each named by id or by name and tag, checked to exist (422 names
        the one that does not, and how to register it)."""
        declared = raw.get("datasets") or []
        if len(declared) > MAX_DECLARED_DATASETS:
            raise ValidationFailedError(f"A version declares at most {MAX_DECLARED_DATASETS} datasets.",
                                        [{"field": "inputs.datasets", "message": "too many"}])
        datasets = []
        seen: set[tuple[int, str]] = set()
        for index, entry in enumerate(declared):
            version, dataset = self._declared_dataset(entry, f"inputs.datasets[{index}]")
            role = DatasetRole(entry["role"])
            if (version.id, role.value) in seen:
                continue
            seen.add((version.id, role.value))
            datasets.append(DatasetInput(dataset.id, version.id, dataset.name, version.version_tag, role, version.sha256))
        return VersionInputs(tuple(datasets), self._base_model(raw.get("base_model")))

    def _declared_dataset(self, entry: dict[str, Any], field: str) -> tuple[DatasetVersion, Dataset]:
        how = "register it with POST /api/v1/datasets and POST /api/v1/datasets/{id}/versions (or `govhub dataset register|version`)"
        if entry.get("dataset_version_id") is not None:
            version = self._versions.get(entry["dataset_version_id"])
            if version is None:
                raise ValidationFailedError(f"Dataset version {entry['dataset_version_id']} does not exist: {how}.",
                                            [{"field": field, "message": f"no dataset version {entry['dataset_version_id']}"}])
        else:
            name, tag = entry["dataset"], entry["version_tag"]
            dataset_id = self._datasets.id_for_name(name)
            found = self._versions.id_for_tag(dataset_id, tag) if dataset_id is not None else None
            version = self._versions.get(found) if found is not None else None
            if version is None:
                raise ValidationFailedError(f"Dataset '{name}' has no version tagged '{tag}': {how}.",
                                            [{"field": field, "message": f"dataset '{name}' has no version tagged '{tag}'"
                                              if dataset_id is not None else f"no dataset named '{name}'"}])
        dataset = self.get(version.dataset_id)
        return version, dataset

    def _base_model(self, raw: dict[str, Any] | None) -> BaseModel | None:
        if not raw:
            return None
        if raw.get("external"):
            return BaseModel(external=ExternalModel(**raw["external"]))
        if raw.get("version_id") is not None:
            version = self._lineage.version(raw["version_id"])
            if version is None:
                raise ValidationFailedError(f"Model version {raw['version_id']} does not exist.",
                                            [{"field": "inputs.base_model.version_id", "message": f"no model version {raw['version_id']}"}])
            model = self._lineage.model(version.model_id)
        else:
            model = self._registry.find_model_by_name(raw["model"])
            version_id = self._lineage.version_id_for_tag(model.id, raw["version_tag"]) if model else None
            version = self._lineage.version(version_id) if version_id is not None else None
            if version is None:
                raise ValidationFailedError(f"Model '{raw['model']}' has no version tagged '{raw['version_tag']}'.",
                                            [{"field": "inputs.base_model", "message": f"model '{raw['model']}' has no version tagged "
                                              f"'{raw['version_tag']}'" if model else f"no model named '{raw['model']}'"}])
        return BaseModel(model_id=version.model_id, version_id=version.id, model_name=model.name if model else None,
                         version_tag=version.version_tag)

    # -- ownership and helpers ----------------------------------------------------------------
    def authorize(self, dataset: Dataset, by: Actor) -> None:
        """Admins change any dataset; others only their teams' datasets (403 naming the team)."""
        if by.is_admin:
            return
        mine = ", ".join(sorted(by.teams)) or "none"
        if dataset.team is None or dataset.team not in by.teams:
            owner = f"team '{dataset.team}'" if dataset.team else "no team"
            raise ForbiddenError(
                f"Dataset {dataset.id} belongs to {owner}; you may change only your teams' datasets (your teams: {mine}).",
                {"dataset_id": dataset.id, "team": dataset.team, "your_teams": sorted(by.teams)},
            )

    def _save(self, current: Dataset, updated: Dataset) -> Dataset:
        try:
            return self._datasets.save(updated, previous_name=current.name)
        except ConditionFailedError:
            fresh = self.get(current.id)
            if fresh.revision != current.revision:
                raise self._stale(fresh, current.revision) from None
            raise self._duplicate(updated.name, self._datasets.id_for_name(updated.name)) from None

    def _touch(self, stamp: Stamp, by: Actor, reason: str, now: datetime | None = None) -> Stamp:
        return replace(stamp, updated_at=now or self._clock(), updated_by=by.username, updated_by_role=by.role, change_reason=reason)

    @classmethod
    def _check_revision(cls, dataset: Dataset, expected: int | None) -> None:
        if expected is not None and expected != dataset.revision:
            raise cls._stale(dataset, expected)

    @staticmethod
    def _stale(dataset: Dataset, expected: int | None) -> StaleWriteError:
        return StaleWriteError(
            f"Dataset {dataset.id} has changed since you read it (now at revision {dataset.revision}). Reload and try again.",
            {"current_revision": dataset.revision, "expected_revision": expected},
        )

    @staticmethod
    def _duplicate(name: str, existing: int | None) -> DuplicateNameError:
        return DuplicateNameError(f"A dataset named '{name}' already exists.", {"name": name, "dataset_id": existing})

    @staticmethod
    def _duplicate_version(dataset: Dataset, tag: str) -> DuplicateVersionError:
        return DuplicateVersionError(f"Dataset {dataset.id} already has a version tagged '{tag}'.", {"dataset_id": dataset.id, "version_tag": tag})


def _bias(raw: Any) -> BiasExamination | None:
    if raw is None or isinstance(raw, BiasExamination):
        return raw
    return BiasExamination(raw["examined"], raw["outcome"])


def default_dataset_service() -> DatasetService:
    from govhub.api.context import registry
    from govhub.store.datasets import DatasetRepository, DatasetVersionRepository
    from govhub.store.lineage import LineageRepository
    from govhub.store.repository import SequenceRepository

    return DatasetService(DatasetRepository(), DatasetVersionRepository(), SequenceRepository(), registry(),
                          LineageService(LineageRepository()))
