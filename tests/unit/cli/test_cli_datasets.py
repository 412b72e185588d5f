"""`govhub dataset register|version` and the inputs `govhub version` declares (--dataset, --base-model)."""

from __future__ import annotations

from typing import Any

import pytest

from govhub_cli import errors
from govhub_cli.datasets import dataset_digest


def test_version_declares_its_datasets_and_base_model(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud")
    result = govhub("--json", "version", "--model", "fraud", "--tag", "v2", "--artifact", "s3://models/v2",
                    "--dataset", "training=cards@2025.12", "--dataset", "testing=cards-holdout@2025.12", "--base-model", "fraud@v1")
    assert result.code == 0, result.err
    [post] = api.calls("POST", "/versions")
    assert post.body["inputs"] == {
        "datasets": [{"role": "training", "dataset": "cards", "version_tag": "2025.12"},
                     {"role": "testing", "dataset": "cards-holdout", "version_tag": "2025.12"}],
        "base_model": {"model": "fraud", "version_tag": "v1"},
    }


def test_an_external_gpai_base_model_is_declared_with_its_documentation(govhub: Any, api: Any) -> None:
    api.add_model(name="chatbot")
    result = govhub("version", "--model", "chatbot", "--tag", "v1", "--artifact", "s3://models/v1",
                    "--external-base-model", "Mistral AI/mistral-small@3.1", "--gpai", "--base-model-docs", "https://docs.mistral.ai/")
    assert result.code == 0, result.err
    [post] = api.calls("POST", "/versions")
    assert post.body["inputs"]["base_model"] == {"external": {"provider": "Mistral AI", "name": "mistral-small", "version": "3.1",
                                                              "gpai": True, "documentation_url": "https://docs.mistral.ai/"}}


@pytest.mark.parametrize("option", [["--dataset", "train=cards@1"], ["--dataset", "training=cards"], ["--base-model", "fraud"],
                                    ["--gpai"]])
def test_a_malformed_declaration_is_refused_before_any_request(govhub: Any, api: Any, option: list[str]) -> None:
    result = govhub("version", "--model", "fraud", "--tag", "v1", "--artifact", "s3://x", *option)
    assert result.code == errors.USAGE, result.err
    assert api.requests == []


def test_mlflow_style_digests_are_accepted_where_they_are_a_sha256() -> None:
    assert dataset_digest("sha256:" + "AB" * 32, None) == "ab" * 32
    assert dataset_digest("cd" * 32, None) == "cd" * 32
    with pytest.raises(errors.UsageError, match="MLflow's short dataset digests are not one"):
        dataset_digest("1a2b3c4d", None)


def test_dataset_version_of_an_unknown_dataset_is_refused_before_writing(govhub: Any, api: Any) -> None:
    api.fail("GET", "/datasets", 200, body={"items": [], "next_cursor": None})
    result = govhub("dataset", "version", "ghost", "--tag", "1", "--location", "s3://data/ghost/1")
    assert result.code == errors.NOT_FOUND and "govhub dataset register ghost" in result.err
    assert api.calls("POST") == []
