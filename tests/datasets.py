"""Datasets a high-risk model declares before approval, as the default policy's `data-governance` rule requires
(Art. 10): a training and a testing dataset, each with its provenance and a bias examination. Suites that approve
high-risk models register their versions with `inputs=declared_inputs(...)`."""

from __future__ import annotations

from typing import Any, Protocol

DATASHEET = {
    "source": "Card transactions exported from the core banking ledger, 2024-2025, pseudonymised at export",
    "licence": "internal",
    "collection_period": "2024-01 to 2025-12",
    "geographic_scope": "EU (DE, FR, NL)",
    "demographic_scope": "Retail card holders aged 18+",
    "labelling_procedure": "Chargeback outcomes, confirmed by two analysts",
    "personal_data": True,
    "bias_examination": {"examined": "Fraud label rates by age band and country",
                         "outcome": "No band differs by more than 2 points; age 18-21 under-represented (documented)"},
}


class Caller(Protocol):
    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any: ...


def register_dataset(api: Caller, name: str, tag: str = "2026.1", role: str = "model_owner", **fields: Any) -> dict[str, Any]:
    """A documented dataset with one version; answers the version (with `dataset` holding the dataset)."""
    answer = api.call("POST", "/api/v1/datasets", {"name": name, **DATASHEET, **fields}, role=role)
    assert answer.status == 201, answer.body
    version = api.call("POST", f"/api/v1/datasets/{answer.body['id']}/versions",
                       {"version_tag": tag, "location": f"s3://datasets/{name}/{tag}/", "records": 120_000, "sha256": "ab" * 32},
                       role=role)
    assert version.status == 201, version.body
    return {**version.body, "dataset": answer.body}


def declared_inputs(api: Caller, prefix: str, role: str = "model_owner") -> dict[str, Any]:
    """The `inputs` of a version trained and tested on two new documented datasets `<prefix>-train` and `<prefix>-test`
    (registered on first use; reused when they exist)."""
    inputs = []
    for kind, dataset_role in (("train", "training"), ("test", "testing")):
        name = f"{prefix}-{kind}"
        found = api.call("GET", "/api/v1/datasets", query=f"name={name}", role=role).body["items"]
        if not found:
            register_dataset(api, name, role=role)
        inputs.append({"dataset": name, "version_tag": "2026.1", "role": dataset_role})
    return {"datasets": inputs}
