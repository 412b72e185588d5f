"""Per-request helpers the routes use: the caller and the registry."""

from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from govhub.auth.principal import Principal
from govhub.services.registry import Registry, default_registry


@lru_cache(maxsize=1)
def registry() -> Registry:
    return default_registry()


def principal(router: Router) -> Principal:
    return router.context["principal"]


def created(body: BaseModel, location: str | None = None) -> Response:
    """201 with the new object as JSON (and where to find it)."""
    headers = {"Location": location} if location else None
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)
