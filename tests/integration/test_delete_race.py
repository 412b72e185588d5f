"""A model deleted while another request changes, deletes or builds on it: the delete answers what happened, never a 500.

Between the delete's read and its transaction another container may have written the model (many requests to one
function run at once, in Lambda as in the local stack). The transaction's revision condition then fails, or its
condition on the model's newest dependent when another model's version was built on it meanwhile; a version built
on a model deleted meanwhile fails its own condition that the base model still exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.conftest import FRAUD_DETECTOR, OWNER_TEAM, Api


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[], None]], None]]:
    """Run a write of another request just before the next model delete reaches the table."""
    from govhub.store.repository import ModelRepository

    original = ModelRepository.delete

    def arrange(other_request: Callable[[], None]) -> None:
        def delete(self: ModelRepository, *args: Any, **kwargs: Any) -> None:
            monkeypatch.setattr(ModelRepository, "delete", original)
            other_request()
            original(self, *args, **kwargs)

        monkeypatch.setattr(ModelRepository, "delete", delete)

    yield arrange


def _other_registry() -> Any:
    from govhub.domain.entities import Actor
    from govhub.services.registry import default_registry

    return default_registry(), Actor(username="omar.owner", role="model_owner", teams=frozenset({OWNER_TEAM}))


def test_a_model_changed_while_it_is_deleted_is_a_409_and_stays(api: Api, model: dict, meanwhile: Any) -> None:
    # Given another request that changes the model after the delete has read it
    registry, owner = _other_registry()
    meanwhile(lambda: registry.update_model(model["id"], {"description": "changed meanwhile"}, owner, None, "meanwhile"))
    # When the model is deleted
    answer = api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=cleanup")
    # Then the delete is refused as stale, and the model is still there with the other change
    assert answer.status == 409 and answer.body["error"]["code"] == "stale_revision", answer.body
    after = api.get(f"/api/v1/models/{model['id']}")
    assert after.status == 200 and after.body["description"] == "changed meanwhile"


def test_a_model_deleted_while_it_is_deleted_is_a_404(api: Api, model: dict, meanwhile: Any) -> None:
    # Given another request that deletes the model after this delete has read it
    registry, owner = _other_registry()
    meanwhile(lambda: registry.delete_model(model["id"], "deleted meanwhile", owner))
    # When the model is deleted
    answer = api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=cleanup")
    # Then the delete says it is gone, and it is
    assert answer.status == 404 and answer.body["error"]["code"] == "not_found", answer.body
    assert api.get(f"/api/v1/models/{model['id']}").status == 404


def _version(api: Api, model_id: int, tag: str, base_version_id: int | None = None) -> Any:
    inputs = {"inputs": {"base_model": {"version_id": base_version_id}}} if base_version_id is not None else {}
    return api.post("/api/v1/versions", {"model_id": model_id, "version_tag": tag, "s3_path": f"s3://m/{tag}", **inputs}, role="model_owner")


def test_a_model_built_on_while_it_is_deleted_is_a_409_naming_the_new_dependent(api: Api, model: dict, meanwhile: Any) -> None:
    # Given a version of the model, and another model that registers a version built on it after the delete has checked
    base = _version(api, model["id"], "v1").body
    other = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": "fraud-scorer-eu"}, role="model_owner").body
    built: list[Any] = []
    meanwhile(lambda: built.append(_version(api, other["id"], "v1", base["id"])))
    # When the model is deleted
    answer = api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=cleanup")
    # Then the delete is refused naming the new dependent, and both models and the base version stay
    assert built[0].status == 201, built[0].body
    assert answer.status == 409 and answer.body["error"]["code"] == "model_in_use", answer.body
    assert [d["model_id"] for d in answer.body["error"]["details"]["dependents"]] == [other["id"]]
    graph = api.get(f"/api/v1/models/{other['id']}/lineage").body
    assert {n["label"] for n in graph["nodes"]} == {f"{model['name']}@v1", "fraud-scorer-eu@v1"}


def test_a_version_built_on_a_model_deleted_while_it_is_registered_is_refused(api: Api, model: dict,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from govhub.domain.entities import Actor
    from govhub.store.repository import VersionRepository

    # Given a version of the model, and the model deleted after another model's version declaring it was checked
    base = _version(api, model["id"], "v1").body
    other = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": "fraud-scorer-eu"}, role="model_owner").body
    original = VersionRepository.create
    registry, _ = _other_registry()

    def create(self: VersionRepository, version: Any) -> Any:
        monkeypatch.setattr(VersionRepository, "create", original)
        registry.delete_model(model["id"], "deleted meanwhile", Actor("ada.admin", "admin"))
        return original(self, version)

    monkeypatch.setattr(VersionRepository, "create", create)
    # When the version is registered
    answer = _version(api, other["id"], "v1", base["id"])
    # Then it is refused as an input that no longer exists, and nothing was written
    assert answer.status == 422 and answer.body["error"]["details"] == [{"field": "inputs", "message": "no longer exists"}], answer.body
    assert api.get(f"/api/v1/models/{other['id']}/versions").body["items"] == []
