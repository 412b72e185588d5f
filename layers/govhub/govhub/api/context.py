"""Per-request helpers the routes use: the caller and the registry."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from govhub.auth.principal import Principal

if TYPE_CHECKING:
    from govhub.services.registry import Registry


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry over the table, built on first use: the data layer (pynamodb, botocore) loads with its
    first query, like the clients it creates, so routes that never touch the table never load it."""
    from govhub.services.registry import default_registry

    return default_registry()


def principal(router: Router) -> Principal:
    return router.context["principal"]


def created(body: BaseModel, location: str | None = None) -> Response:
    """201 with the new object as JSON (and where to find it)."""
    headers = {"Location": location} if location else None
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)
