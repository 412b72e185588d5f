"""Lineage of a model and impact of a dataset, walked over adjacency items with a stated depth limit.

Upstream of a model: its versions' declared inputs (datasets, base model version), then the base versions' inputs,
up to DEPTH_LIMIT hops. Downstream: the model versions built on its versions, up to DEPTH_LIMIT hops. Impact of a
dataset: the model versions that declare one of its versions, then those built on them, up to DEPTH_LIMIT hops.
Each hop is GetItem or Query per node; a walk that stops at the limit (or at MAX_NODES) says so (`truncated`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from govhub.datasets.entities import Dataset
from govhub.domain.entities import AIModel, ModelVersion
from govhub.domain.lifecycle import ComplianceStatus
from govhub.errors import NotFoundError

DEPTH_LIMIT = 5
MAX_NODES = 500
MAX_USES = 5_000  # users of one dataset or version read by one request
MAX_MODEL_VERSIONS = 20  # the subject model's newest versions a lineage graph starts from
BASE_MODEL = "base_model"


class UseLike(Protocol):
    @property
    def model_id(self) -> int: ...
    @property
    def version_id(self) -> int: ...
    @property
    def version_tag(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def dataset_version_id(self) -> int | None: ...


class LineageReader(Protocol):
    items_read: int

    def version(self, version_id: int) -> ModelVersion | None: ...
    def versions_of_model(self, model_id: int, limit: int) -> list[ModelVersion]: ...
    def users_of_dataset(self, dataset_id: int, limit: int) -> list[Any]: ...
    def users_of_version(self, version_id: int, limit: int) -> list[Any]: ...
    def versions_used(self, version_ids: Any) -> set[int]: ...
    def version_id_for_tag(self, model_id: int, tag: str) -> int | None: ...
    def models(self, model_ids: Any) -> dict[int, AIModel]: ...
    def datasets(self, dataset_ids: Any) -> dict[int, Dataset]: ...


@dataclass(frozen=True)
class ImpactEntry:
    model_id: int
    model_name: str | None
    team: str | None
    compliance_status: str | None
    version_id: int
    version_tag: str
    relation: str  # training / validation / testing (direct), or base_model (through a model built on a user)
    depth: int  # 1: declares a version of the dataset; 2..: built on a model version that does
    dataset_version_id: int | None = None
    via_version_id: int | None = None
    approved_version: bool = False  # this is the version the model's approval in force was given on


@dataclass(frozen=True)
class Impact:
    dataset_id: int
    entries: tuple[ImpactEntry, ...]
    depth_limit: int
    truncated: bool
    items_read: int

    def approved_models_relying(self) -> list[int]:
        """Approved models whose approved version (or, for an approval without one, any version) is affected."""
        approved: dict[int, bool] = {}
        for entry in self.entries:
            if entry.compliance_status == ComplianceStatus.APPROVED.value:
                approved[entry.model_id] = approved.get(entry.model_id, False) or entry.approved_version
        return sorted(model_id for model_id, relies in approved.items() if relies)


@dataclass
class Graph:
    model_id: int
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, str]] = field(default_factory=list)
    truncated: bool = False
    items_read: int = 0
    depth_limit: int = DEPTH_LIMIT

    def node(self, key: str, **attributes: Any) -> bool:
        """Add a node once; False when it was there already or the graph is full (then it is marked truncated)."""
        if key in self.nodes:
            return False
        if len(self.nodes) >= MAX_NODES:
            self.truncated = True
            return False
        self.nodes[key] = {"id": key, **attributes}
        return True

    def edge(self, source: str, target: str, relation: str) -> None:
        if source in self.nodes and target in self.nodes:
            edge = {"source": source, "target": target, "relation": relation}
            if edge not in self.edges:
                self.edges.append(edge)


def version_node(version_id: int) -> str:
    return f"model_version:{version_id}"


def dataset_node(dataset_version_id: int) -> str:
    return f"dataset_version:{dataset_version_id}"


class LineageService:
    def __init__(self, reader: LineageReader) -> None:
        self._reader = reader

    # passthroughs the declaration of inputs uses
    def version(self, version_id: int) -> ModelVersion | None:
        return self._reader.version(version_id)

    def version_id_for_tag(self, model_id: int, tag: str) -> int | None:
        return self._reader.version_id_for_tag(model_id, tag)

    def model(self, model_id: int) -> AIModel | None:
        return self._reader.models([model_id]).get(model_id)

    # -- impact ----------------------------------------------------------------------------------
    def impact(self, dataset_id: int) -> Impact:
        start = self._reader.items_read
        direct = self._reader.users_of_dataset(dataset_id, MAX_USES + 1)
        truncated = len(direct) > MAX_USES
        found: list[tuple[Any, int, int | None]] = [(use, 1, None) for use in direct[:MAX_USES]]
        seen = {use.version_id for use in direct[:MAX_USES]}
        frontier = sorted(seen)
        for depth in range(2, DEPTH_LIMIT + 1):
            following: list[int] = []
            frontier = sorted(self._reader.versions_used(frontier))  # only versions something was built on have users
            for version_id in frontier:
                for use in self._reader.users_of_version(version_id, MAX_USES):
                    if use.version_id not in seen and len(found) < MAX_USES:
                        seen.add(use.version_id)
                        found.append((use, depth, version_id))
                        following.append(use.version_id)
            frontier = following
            if not frontier:
                break
        else:
            truncated = truncated or any(self._reader.users_of_version(v, 1) for v in self._reader.versions_used(frontier))
        models = self._reader.models(use.model_id for use, _, _ in found)
        entries = []
        for use, depth, via in sorted(found, key=lambda f: (f[1], f[0].model_id, f[0].version_id)):
            model = models.get(use.model_id)
            if model is None:
                continue  # the model was deleted since: its versions used nothing any more
            entries.append(ImpactEntry(
                model_id=use.model_id, model_name=model.name, team=model.team, compliance_status=model.compliance_status.value,
                version_id=use.version_id, version_tag=use.version_tag, relation=use.relation, depth=depth,
                dataset_version_id=use.dataset_version_id, via_version_id=via,
                approved_version=model.compliance_status is ComplianceStatus.APPROVED
                and (model.approved_version_id is None or model.approved_version_id == use.version_id),
            ))
        return Impact(dataset_id, tuple(entries), DEPTH_LIMIT, truncated, self._reader.items_read - start)

    # -- the graph of one model ---------------------------------------------------------------------
    def graph(self, model_id: int) -> Graph:
        start = self._reader.items_read
        subject = self.model(model_id)
        if subject is None:
            raise NotFoundError(f"Model {model_id} does not exist.", {"model_id": model_id})
        graph = Graph(model_id)
        versions = self._reader.versions_of_model(model_id, MAX_MODEL_VERSIONS + 1)
        if len(versions) > MAX_MODEL_VERSIONS:
            graph.truncated = True
            versions = versions[:MAX_MODEL_VERSIONS]
        for version in versions:
            graph.node(version_node(version.id), kind="model_version", model_id=model_id, version_id=version.id,
                       version_tag=version.version_tag, depth=0)
        models: dict[int, AIModel | None] = {}  # read once each, None when deleted
        self._upstream(graph, versions)
        self._downstream(graph, [v.id for v in versions], models)
        self._describe(graph, models)
        graph.items_read = self._reader.items_read - start
        return graph

    def _upstream(self, graph: Graph, versions: list[ModelVersion]) -> None:
        frontier = versions
        for depth in range(1, DEPTH_LIMIT + 1):
            following: list[ModelVersion] = []
            for version in frontier:
                inputs = version.inputs
                if inputs is None:
                    continue
                target = version_node(version.id)
                for used in inputs.datasets:
                    key = dataset_node(used.dataset_version_id)
                    graph.node(key, kind="dataset_version", dataset_id=used.dataset_id, dataset_version_id=used.dataset_version_id,
                               label=f"{used.dataset_name}@{used.version_tag}", version_tag=used.version_tag, depth=-depth)
                    graph.edge(key, target, used.role.value)
                base = inputs.base_model
                if base is not None and base.external is not None:
                    ext = base.external
                    key = f"external:{ext.provider}/{ext.name}@{ext.version or ''}"
                    graph.node(key, kind="external_model", label=f"{ext.provider} {ext.name}" + (f" {ext.version}" if ext.version else ""),
                               provider=ext.provider, gpai=ext.gpai, documentation_url=ext.documentation_url, depth=-depth)
                    graph.edge(key, target, BASE_MODEL)
                elif base is not None and base.version_id is not None:
                    key = version_node(base.version_id)
                    if key not in graph.nodes:
                        found = self._reader.version(base.version_id)
                        if found is not None and graph.node(key, kind="model_version", model_id=found.model_id, version_id=found.id,
                                                            version_tag=found.version_tag, depth=-depth):
                            following.append(found)
                    graph.edge(key, target, BASE_MODEL)
            frontier = following
            if not frontier:
                return
        if any(v.inputs and (v.inputs.datasets or v.inputs.base_model) for v in frontier):
            graph.truncated = True

    def _downstream(self, graph: Graph, version_ids: list[int], models: dict[int, AIModel | None]) -> None:
        frontier = version_ids
        for depth in range(1, DEPTH_LIMIT + 1):
            following: list[int] = []
            hop = [(version_id, self._reader.users_of_version(version_id, MAX_USES)) for version_id in frontier]
            self._read_models(models, {use.model_id for _, uses in hop for use in uses})
            for version_id, uses in hop:
                for use in uses:
                    if models[use.model_id] is None:
                        continue  # a version of a deleted model, whose edges are being removed: nothing is built on it
                    key = version_node(use.version_id)
                    if graph.node(key, kind="model_version", model_id=use.model_id, version_id=use.version_id,
                                  version_tag=use.version_tag, depth=depth):
                        following.append(use.version_id)
                    graph.edge(version_node(version_id), key, BASE_MODEL)
            frontier = following
            if not frontier:
                return
        if any(self._reader.users_of_version(v, 1) for v in frontier):
            graph.truncated = True

    def _read_models(self, models: dict[int, AIModel | None], wanted: set[int]) -> None:
        """Read the models not read yet (one BatchGetItem); a deleted one is remembered as None."""
        missing = wanted - models.keys()
        if missing:
            found = self._reader.models(missing)
            models.update({model_id: found.get(model_id) for model_id in missing})

    def _describe(self, graph: Graph, models: dict[int, AIModel | None]) -> None:
        """Names, statuses and flags, read once per model and per dataset in the graph (BatchGetItem)."""
        self._read_models(models, {n["model_id"] for n in graph.nodes.values() if n["kind"] == "model_version"})
        dataset_ids = {n["dataset_id"] for n in graph.nodes.values() if n["kind"] == "dataset_version"}
        datasets = self._reader.datasets(dataset_ids) if dataset_ids else {}
        for node in graph.nodes.values():
            if node["kind"] == "model_version":
                model = models.get(node["model_id"])
                node["label"] = f"{model.name if model else 'deleted model'}@{node['version_tag']}"
                node["compliance_status"] = model.compliance_status.value if model else None
            elif node["kind"] == "dataset_version":
                dataset = datasets.get(node["dataset_id"])
                node["flagged"] = bool(dataset and dataset.flagged)
