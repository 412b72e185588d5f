"""Datasets, their versions, and what a model version declares it was built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from govhub.domain.entities import Stamp


class DatasetRole(str, Enum):
    TRAINING = "training"
    VALIDATION = "validation"
    TESTING = "testing"


@dataclass(frozen=True)
class BiasExamination:
    """Art. 10(2)(f): what was examined for possible biases, and what came out."""

    examined: str
    outcome: str


@dataclass(frozen=True)
class DatasetFlag:
    """A problem found in the dataset: why, who, when (cleared by unflagging; the audit trail keeps both)."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Dataset:
    id: int
    name: str
    stamp: Stamp
    team: str | None = None
    description: str | None = None
    source: str | None = None  # provenance: where the data comes from, how it was obtained
    licence: str | None = None
    collection_period: str | None = None
    geographic_scope: str | None = None
    demographic_scope: str | None = None
    labelling_procedure: str | None = None
    personal_data: bool = False
    special_categories: bool = False  # Art. 10(5): special categories of personal data processed for bias correction
    known_limitations: str | None = None
    bias_examination: BiasExamination | None = None
    flag: DatasetFlag | None = None
    revision: int | None = None

    @property
    def flagged(self) -> bool:
        return self.flag is not None


# The fields a change of a dataset may set (what PATCH /datasets/{id} accepts besides the reason and revision).
DATASET_FIELDS = (
    "name", "description", "source", "licence", "collection_period", "geographic_scope", "demographic_scope",
    "labelling_procedure", "personal_data", "special_categories", "known_limitations", "bias_examination", "team",
)


@dataclass(frozen=True)
class DatasetVersion:
    id: int
    dataset_id: int
    version_tag: str
    location: str  # an S3 URI
    stamp: Stamp
    records: int | None = None
    sha256: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class DatasetInput:
    """A dataset version a model version was trained, validated or tested on (names copied when declared)."""

    dataset_id: int
    dataset_version_id: int
    dataset_name: str
    version_tag: str
    role: DatasetRole
    sha256: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "dataset_version_id": self.dataset_version_id, "dataset_name": self.dataset_name,
                "version_tag": self.version_tag, "role": self.role.value, "sha256": self.sha256}


@dataclass(frozen=True)
class ExternalModel:
    """A base model outside the registry (a third-party or general-purpose model, Art. 25, Annex XII)."""

    provider: str
    name: str
    version: str | None = None
    gpai: bool = False
    documentation_url: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "name": self.name, "version": self.version, "gpai": self.gpai,
                "documentation_url": self.documentation_url}


@dataclass(frozen=True)
class BaseModel:
    """The model a version was built from: another version in the registry, or an external model."""

    model_id: int | None = None
    version_id: int | None = None
    model_name: str | None = None
    version_tag: str | None = None
    external: ExternalModel | None = None

    def as_json(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "version_id": self.version_id, "model_name": self.model_name, "version_tag": self.version_tag,
                "external": self.external.as_json() if self.external else None}


@dataclass(frozen=True)
class VersionInputs:
    """What a model version declares it was built from; sealed with an approval of that version."""

    datasets: tuple[DatasetInput, ...] = ()
    base_model: BaseModel | None = None

    def as_json(self) -> dict[str, Any]:
        return {"datasets": [d.as_json() for d in self.datasets], "base_model": self.base_model.as_json() if self.base_model else None}

    @staticmethod
    def from_json(data: dict[str, Any]) -> VersionInputs:
        base = data.get("base_model")
        base_model = None
        if base:
            external = base.get("external")
            base_model = BaseModel(**{**base, "external": ExternalModel(**external) if external else None})
        datasets = tuple(DatasetInput(**{**d, "role": DatasetRole(d["role"])}) for d in data.get("datasets") or [])
        return VersionInputs(datasets, base_model)

    def roles(self) -> set[DatasetRole]:
        return {d.role for d in self.datasets}
