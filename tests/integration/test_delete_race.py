"""A model deleted while another request changes or deletes it: the delete answers what happened, never a 500.

Between the delete's read and its transaction another container may have written the model (many requests to one
function run at once, in Lambda as in the local stack). The transaction's revision condition then fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.conftest import OWNER_TEAM, Api


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
