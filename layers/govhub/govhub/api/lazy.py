"""The API functions' resolver, built with the first request instead of at import (the Lambda INIT phase).

A function module imports only this and the logger; the resolver, the validation machinery, the routers and
their pydantic shapes load when the first request needs them (``docs/audit-trail.md``, "Cold start", has the
figures). Nothing here may import powertools' event handler or pydantic at module level.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver


class LazyApp:
    """``create_app`` over routers named ``"module:attribute"`` by path prefix (several under one prefix as a
    tuple), made on first use and kept."""

    def __init__(self, routers: dict[str, str | tuple[str, ...]]) -> None:
        self._routers = routers
        self._app: APIGatewayHttpResolver | None = None

    @property
    def resolver(self) -> APIGatewayHttpResolver:
        if self._app is None:
            from govhub.api.resolver import API_PREFIX, create_app

            first = {prefix: _router(targets if isinstance(targets, str) else targets[0]) for prefix, targets in self._routers.items()}
            app = create_app(first)
            for prefix, targets in self._routers.items():
                for target in () if isinstance(targets, str) else targets[1:]:
                    app.include_router(_router(target), prefix=f"{API_PREFIX}{prefix}")
            self._app = app
        return self._app

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return self.resolver.resolve(event, context)


def _router(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute or "router")
