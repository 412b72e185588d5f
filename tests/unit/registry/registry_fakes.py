"""In-memory stores behind the registry's ports (govhub.services.registry): dicts with DynamoDB's promises.

A write conditioned on a revision, a free name or tag, or a live model raises ConditionFailedError and changes
nothing, as the table's transactions do; counters move in the same step as the change they count.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from govhub.domain.entities import AIModel, Dependent, Metric, ModelDependents, ModelVersion, Page, Stamp, VersionRef
from govhub.domain.lifecycle import ComplianceStatus
from govhub.services.registry import Registry
from govhub.store.items import COUNTER_NAMES
from govhub.store.repository import ConditionFailedError


class FakeStats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def read(self) -> dict[str, int]:
        return {name: self.counts[name] for name in COUNTER_NAMES}  # every counter, 0 until counted, as the table's item

    def add(self, delta: dict[str, int]) -> None:
        self.counts.update(delta)


class FakeSequences:
    def __init__(self) -> None:
        self.last: Counter[str] = Counter()

    def allocate(self, kind: str, count: int = 1) -> list[int]:
        first = self.last[kind] + 1
        self.last[kind] += count
        return list(range(first, first + count))


def _page(items: list, limit: int, cursor: str | None) -> Page:
    start = int(cursor or 0)
    end = start + limit
    return Page(items=items[start:end], next_cursor=str(end) if end < len(items) else None)


class FakeModels:
    def __init__(self, stats: FakeStats) -> None:
        self.items: dict[int, AIModel] = {}
        self.names: dict[str, int] = {}
        self.tombstones: list[tuple[AIModel, Stamp]] = []
        self.snapshots: dict[int, list[tuple[str, str]]] = defaultdict(list)  # newest last
        self.built_on: dict[int, list[Dependent]] = defaultdict(list)  # the lineage edges under each base model
        self.newest_dependent: dict[int, int] = {}  # each base model's DEPENDENTS marker
        self._stats = stats

    def get(self, model_id: int) -> AIModel | None:
        model = self.items.get(model_id)
        return copy.deepcopy(model) if model is not None else None

    def id_for_name(self, name: str) -> int | None:
        return self.names.get(name.casefold())

    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        matching = [copy.deepcopy(m) for m in sorted(self.items.values(), key=lambda m: m.name.casefold())
                    if all(str(getattr(getattr(m, k), "value", getattr(m, k))) == v for k, v in filters.items() if v and k != "q")]
        return _page(matching, limit, cursor)

    def create(self, model: AIModel, counters: dict[str, int]) -> AIModel:
        if model.name.casefold() in self.names or model.id in self.items:
            raise ConditionFailedError("name taken")
        stored = replace(model, revision=1)
        self.items[model.id], self.names[model.name.casefold()] = stored, model.id
        self._stats.add(counters)
        return copy.deepcopy(stored)

    def save(self, model: AIModel, counters: dict[str, int], previous_name: str | None = None,
             sealed: tuple[str, str] | None = None, also: Callable[[Any], None] | None = None) -> AIModel:
        current = self.items.get(model.id)
        if current is None or current.revision != model.revision:
            raise ConditionFailedError("revision moved on")
        renamed = previous_name is not None and previous_name.casefold() != model.name.casefold()
        if renamed and model.name.casefold() in self.names:
            raise ConditionFailedError("name taken")
        if also is not None:  # what changes with the model (a plan, an evidence item): its failed condition fails it all
            also(None)
        if renamed:
            del self.names[(previous_name or "").casefold()]
            self.names[model.name.casefold()] = model.id
        stored = replace(model, revision=(model.revision or 0) + 1, latest_version=current.latest_version)  # not the pointer
        self.items[model.id] = stored
        if sealed is not None:
            self.snapshots[model.id].append(sealed)
        self._stats.add(counters)
        return copy.deepcopy(stored)

    def add_editor(self, model_id: int, username: str) -> None:
        current = self.items.get(model_id)
        if current is None or current.compliance_status is ComplianceStatus.RETIRED:
            raise ConditionFailedError("model gone or retired")
        current.editors_since_submission = current.editors_since_submission | {username}  # no revision bump

    def sealed_snapshots(self, model_id: int, limit: int, cursor: str | None) -> Page:
        return _page(list(reversed(self.snapshots[model_id])), limit, cursor)

    def dependents(self, model_id: int, wanted: int) -> ModelDependents:
        live = [d for d in self.built_on[model_id] if d.model_id in self.items]
        return ModelDependents(tuple(live[:wanted]), len(live) > wanted, self.newest_dependent.get(model_id))

    def delete(self, model: AIModel, deleted: Stamp, counters: dict[str, int], dependents_seen: int | None) -> None:
        current = self.items.get(model.id)
        if current is None or current.revision != model.revision:
            raise ConditionFailedError("revision moved on")
        if self.newest_dependent.get(model.id) != dependents_seen:
            raise ConditionFailedError("built on since")
        del self.items[model.id], self.names[model.name.casefold()]
        self.newest_dependent.pop(model.id, None)
        self.tombstones.append((current, deleted))
        self._stats.add(counters)


class FakeVersions:
    def __init__(self, models: FakeModels) -> None:
        self.items: dict[int, ModelVersion] = {}
        self._models = models

    def get(self, version_id: int) -> ModelVersion | None:
        return self.items.get(version_id)

    def tag_taken(self, model_id: int, tag: str) -> bool:
        return any(v.model_id == model_id and v.version_tag == tag for v in self.items.values())

    def list_for_model(self, model_id: int, limit: int, cursor: str | None) -> Page:
        newest_first = sorted((v for v in self.items.values() if v.model_id == model_id), key=lambda v: -v.id)
        return _page(newest_first, limit, cursor)

    def create(self, version: ModelVersion) -> ModelVersion:
        model = self._models.items.get(version.model_id)
        if model is None or model.compliance_status is ComplianceStatus.RETIRED or self.tag_taken(version.model_id, version.version_tag):
            raise ConditionFailedError("model gone or retired, or tag taken")
        base = version.inputs.base_model if version.inputs else None
        if base is not None and base.model_id is not None and base.model_id != version.model_id:  # another model's: still there?
            if base.model_id not in self._models.items or base.version_id not in self.items:
                raise ConditionFailedError("base model gone")
            self._models.built_on[base.model_id].append(
                Dependent(model.id, model.name, version.id, version.version_tag, base.version_id, base.version_tag))
            self._models.newest_dependent[base.model_id] = version.id
        model.latest_version = VersionRef(version.id, version.version_tag)  # the pointer, not a revision of the model
        self.items[version.id] = replace(version, revision=1)
        return self.items[version.id]


class FakeTeams:
    def __init__(self, slugs: tuple[str, ...] = ()) -> None:
        self.slugs = set(slugs)

    def exists(self, slug: str) -> bool:
        return slug in self.slugs


class FakeMetrics:
    def __init__(self) -> None:
        self.items: dict[int, Metric] = {}

    def get(self, metric_id: int) -> Metric | None:
        return self.items.get(metric_id)

    def list_for_version(self, version_id: int, limit: int, cursor: str | None) -> Page:
        return _page([m for m in self.items.values() if m.version_id == version_id], limit, cursor)

    def create_many(self, metrics: list[Metric]) -> list[Metric]:
        self.items.update({m.id: m for m in metrics})
        return list(metrics)


class Clock:
    """Time that moves a second per reading, from a fixed start."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class Stores:
    """The registry over fakes, and the fakes themselves for assertions."""

    def __init__(self) -> None:
        self.stats = FakeStats()
        self.sequences = FakeSequences()
        self.models = FakeModels(self.stats)
        self.versions = FakeVersions(self.models)
        self.metrics = FakeMetrics()
        self.teams = FakeTeams(("payments-ml",))
        self.clock = Clock()
        self.registry = Registry(self.models, self.versions, self.metrics, self.stats, self.sequences, self.teams, self.clock)
