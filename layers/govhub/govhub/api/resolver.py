"""The resolver every API function builds: validation, errors, body limits and the permission check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
    OpenAPIResponseValidationMiddleware,
)

from govhub.api.bodies import parse_json_body
from govhub.api.errors import error_response, register_error_handlers
from govhub.api.idempotency import honour_idempotency_key
from govhub.auth.permissions import MACHINE_ROUTES, ROUTE_PERMISSIONS, may
from govhub.auth.principal import claimed_context_from_headers, principal_from_context
from govhub.config import settings
from govhub.errors import BadRequestError

API_PREFIX = "/api/v1"


def _body_limit(app: ApiGatewayResolver, next_middleware: Callable[..., Response]) -> Response:
    body = app.current_event.body or ""
    if len(body.encode() if isinstance(body, str) else body) > settings().max_body_bytes:
        return error_response(413, "payload_too_large", f"The body is over {settings().max_body_bytes // 1024} KB.")
    return next_middleware(app)


def _authorize(app: ApiGatewayResolver, next_middleware: Callable[..., Response]) -> Response:
    """Every route is in the permission table; a route that is not is refused (fail closed)."""
    route = (app.request.method.upper(), app.request.route.rstrip("/") or "/")
    if route not in ROUTE_PERMISSIONS:
        return error_response(403, "forbidden", "This route has no permission entry; it is closed.")
    needed = ROUTE_PERMISSIONS[route]
    if needed is None:
        return next_middleware(app)
    config = settings()
    caller = principal_from_context(app.current_event.raw_event.get("requestContext") or {}, config.machine_role_map, config.machine_team_map)
    if caller is None:
        return error_response(401, "unauthorized", "Sign in first: this route needs a valid token or a signed request.")
    if caller.machine and route not in MACHINE_ROUTES:
        return error_response(403, "forbidden", "The machine API does not offer this route; use the people API.")
    if not may(caller.role, needed):
        role = caller.role.value if caller.role else "no role"
        return error_response(403, "forbidden", f"Your role ({role}) does not allow this ({needed.value}).")
    try:
        context = claimed_context_from_headers(app.current_event.headers)
    except BadRequestError as error:
        return error_response(400, error.code, error.message)
    app.append_context(principal=replace(caller, claimed_context=context) if context else caller)
    return next_middleware(app)


class GovhubResolver(APIGatewayHttpResolver):
    """The HTTP API resolver, answering `/models/` exactly as `/models` (API Gateway routes both to us)."""

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        path = event.get("rawPath") or ""
        if len(path) > 1 and path.endswith("/"):
            event = {**event, "rawPath": path.rstrip("/") or "/"}
            http = event.get("requestContext", {}).get("http")
            if http:
                event["requestContext"] = {**event["requestContext"], "http": {**http, "path": event["rawPath"]}}
        answer = super().resolve(event, context)
        # answers carry governance data for one caller: no browser or proxy may keep a copy
        headers = answer.setdefault("headers", {})
        if not any(name.lower() == "cache-control" for name in headers):
            headers["Cache-Control"] = "no-store"
        return answer


class _GuardedRequestValidation(OpenAPIRequestValidationMiddleware):
    """Request validation that runs after the body limit and the permission check, and reads every body as JSON.

    powertools puts request validation before all user middlewares; a caller without the permission must get
    403, not a list of field errors, so the guards run first, here.
    """

    def __init__(self) -> None:  # typed, over powertools' untyped one, so that create_app calls it in a typed context
        OpenAPIRequestValidationMiddleware.__init__(self)

    def handler(self, app: ApiGatewayResolver, next_middleware: NextMiddleware) -> Response:
        return _body_limit(app, lambda a: _authorize(a, lambda b: super(_GuardedRequestValidation, self).handler(b, next_middleware)))

    def _get_body(self, app: ApiGatewayResolver) -> dict[str, Any]:
        try:
            return self._parse_json_data(app)
        except (UnicodeDecodeError, ValueError):  # bytes that are not UTF-8 text never reach JSON parsing
            raise BadRequestError("The request body is not valid JSON (UTF-8).") from None


def create_app(routers: Mapping[str, Router]) -> APIGatewayHttpResolver:
    """`routers` maps a path prefix under /api/v1 (e.g. "/models") to its router."""
    app = GovhubResolver(enable_validation=True, json_body_deserializer=parse_json_body)
    register_error_handlers(app)
    app._request_validation_middleware = _GuardedRequestValidation()
    app._response_validation_middleware = OpenAPIResponseValidationMiddleware(
        validation_serializer=app._serializer, has_response_validation_error=app._has_response_validation_error
    )
    app.use(middlewares=[honour_idempotency_key])
    for prefix, router in routers.items():
        app.include_router(router, prefix=f"{API_PREFIX}{prefix}")
    return app
