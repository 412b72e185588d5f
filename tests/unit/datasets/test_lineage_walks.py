"""The lineage walks over in-memory adjacency (no AWS): the depth limit, truncation, and who a flag reopens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from govhub.datasets.entities import BaseModel, Dataset, DatasetInput, DatasetRole, VersionInputs
from govhub.datasets.lineage import DEPTH_LIMIT, LineageService
from govhub.domain.entities import AIModel, ModelVersion, Stamp
from govhub.domain.lifecycle import ComplianceStatus
from govhub.errors import NotFoundError

NOW = datetime(2026, 12, 6, tzinfo=UTC)
STAMP = Stamp(NOW, "omar", NOW, "omar", "model_owner")


@dataclass(frozen=True)
class Use:
    model_id: int
    version_id: int
    version_tag: str
    relation: str
    dataset_version_id: int | None = None


class Adjacency:
    """The lineage reader over dicts: model i has version 100+i; `chain(n)` builds dataset 1 -> m1 -> m2 -> ... -> mn."""

    def __init__(self) -> None:
        self.items_read = 0
        self.models_by_id: dict[int, AIModel] = {}
        self.versions: dict[int, ModelVersion] = {}
        self.dataset_users: dict[int, list[Use]] = {}
        self.version_users: dict[int, list[Use]] = {}

    def add_model(self, model_id: int, status: ComplianceStatus = ComplianceStatus.DRAFT, inputs: VersionInputs | None = None) -> ModelVersion:
        approved = 100 + model_id if status is ComplianceStatus.APPROVED else None
        self.models_by_id[model_id] = AIModel(model_id, f"m{model_id}", "o", STAMP, compliance_status=status, approved_version_id=approved)
        version = ModelVersion(100 + model_id, model_id, "v1", "s3://m", STAMP, inputs=inputs)
        self.versions[version.id] = version
        for used in inputs.datasets if inputs else ():
            self.dataset_users.setdefault(used.dataset_id, []).append(Use(model_id, version.id, "v1", used.role.value, used.dataset_version_id))
        base = inputs.base_model if inputs else None
        if base is not None and base.version_id is not None:
            self.version_users.setdefault(base.version_id, []).append(Use(model_id, version.id, "v1", "base_model"))
        return version

    def chain(self, length: int, status: ComplianceStatus = ComplianceStatus.APPROVED) -> None:
        trained = VersionInputs((DatasetInput(1, 11, "cards", "2026.1", DatasetRole.TRAINING),))
        previous = self.add_model(1, status, trained)
        for model_id in range(2, length + 1):
            previous = self.add_model(model_id, status, VersionInputs(base_model=BaseModel(model_id - 1, previous.id, f"m{model_id - 1}", "v1")))

    # the reader port
    def version(self, version_id: int) -> ModelVersion | None:
        self.items_read += 1
        return self.versions.get(version_id)

    def versions_of_model(self, model_id: int, limit: int) -> list[ModelVersion]:
        found = [v for v in self.versions.values() if v.model_id == model_id][:limit]
        self.items_read += len(found)
        return found

    def users_of_dataset(self, dataset_id: int, limit: int) -> list[Use]:
        found = self.dataset_users.get(dataset_id, [])[:limit]
        self.items_read += len(found)
        return found

    def users_of_version(self, version_id: int, limit: int) -> list[Use]:
        found = self.version_users.get(version_id, [])[:limit]
        self.items_read += len(found)
        return found

    def versions_used(self, version_ids: Any) -> set[int]:
        found = {v for v in version_ids if self.version_users.get(v)}
        self.items_read += len(found)
        return found

    def version_id_for_tag(self, model_id: int, tag: str) -> int | None:
        return 100 + model_id

    def models(self, model_ids: Any) -> dict[int, AIModel]:
        return {i: self.models_by_id[i] for i in set(model_ids) if i in self.models_by_id}

    def datasets(self, dataset_ids: Any) -> dict[int, Dataset]:
        return {i: Dataset(i, "cards", STAMP) for i in set(dataset_ids)}


def test_impact_follows_base_models_up_to_the_depth_limit_and_says_when_it_stopped() -> None:
    # Given dataset 1 -> m1 -> m2 -> ... -> m7 (each built on the previous)
    world = Adjacency()
    world.chain(DEPTH_LIMIT + 2)
    # When its impact is read
    impact = LineageService(world).impact(1)
    # Then it lists m1 (direct) to m5 (four base-model hops), and says there is more
    assert [(e.model_name, e.depth) for e in impact.entries] == [(f"m{i}", i) for i in range(1, DEPTH_LIMIT + 1)]
    assert impact.truncated is True and impact.depth_limit == DEPTH_LIMIT


def test_impact_within_the_limit_is_complete_and_reads_what_it_returns() -> None:
    world = Adjacency()
    world.chain(3)
    impact = LineageService(world).impact(1)
    assert [e.model_name for e in impact.entries] == ["m1", "m2", "m3"] and impact.truncated is False
    # one edge per user, and a marker per version something is built on (m1's, m2's); the models are counted by the
    # store's batch read
    assert impact.items_read == 5


def test_a_flag_reopens_approved_models_whose_approved_version_depends_on_the_dataset() -> None:
    world = Adjacency()
    world.chain(2)
    world.add_model(9, ComplianceStatus.UNDER_REVIEW, VersionInputs((DatasetInput(1, 11, "cards", "2026.1", DatasetRole.TESTING),)))
    assert LineageService(world).impact(1).approved_models_relying() == [1, 2]


def test_the_graph_holds_upstream_and_downstream_with_depths() -> None:
    world = Adjacency()
    world.chain(3)
    graph = LineageService(world).graph(2)
    depths = {key: node["depth"] for key, node in graph.nodes.items()}
    assert depths == {"model_version:102": 0, "model_version:101": -1, "dataset_version:11": -2, "model_version:103": 1}
    assert {(e["source"], e["target"]) for e in graph.edges} == {
        ("dataset_version:11", "model_version:101"), ("model_version:101", "model_version:102"), ("model_version:102", "model_version:103")}
    assert graph.nodes["model_version:101"]["label"] == "m1@v1" and graph.truncated is False


def test_the_graph_leaves_out_versions_of_a_deleted_model_whose_edges_are_still_there() -> None:
    # Given m1 -> m2 -> m3, and m2 deleted while its edges are not removed yet
    world = Adjacency()
    world.chain(3)
    del world.models_by_id[2]
    # When m1's lineage is read
    graph = LineageService(world).graph(1)
    # Then nothing is downstream: neither m2's version nor what was built on it
    assert {key: node["depth"] for key, node in graph.nodes.items()} == {"model_version:101": 0, "dataset_version:11": -1}
    assert graph.edges == [{"source": "dataset_version:11", "target": "model_version:101", "relation": "training"}]


def test_the_graph_stops_at_the_depth_limit() -> None:
    world = Adjacency()
    world.chain(DEPTH_LIMIT + 3)
    graph = LineageService(world).graph(DEPTH_LIMIT + 3)
    assert min(node["depth"] for node in graph.nodes.values()) == -DEPTH_LIMIT and graph.truncated is True


def test_the_graph_of_a_missing_model_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        LineageService(Adjacency()).graph(42)
