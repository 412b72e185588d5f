"""One place where errors become HTTP answers: `{"error": {"code", "message", "details"}}`, never a trace."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from govhub.errors import GovhubError, TooManyRequestsError

logger = Logger(service="govhub")


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    body = {"error": {"code": code, "message": message, "details": details}}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body, default=str))


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        message = error.get("msg", "invalid")
        if error.get("type") == "extra_forbidden":
            message = "unknown field"
        fields.append({"field": ".".join(location) or "body", "message": message, "type": error.get("type")})
    return fields


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(GovhubError)
    def domain_error(error: GovhubError) -> Response:
        response = error_response(error.status, error.code, error.message, error.details)
        if isinstance(error, TooManyRequestsError):
            response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response

    @app.exception_handler(RequestValidationError)
    def validation_error(error: RequestValidationError) -> Response:
        errors = list(error.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(HTTPStatus.BAD_REQUEST, "bad_request", "The request body is not valid JSON.")
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "The request has invalid fields.", _field_errors(errors)
        )

    @app.exception_handler(ValidationError)
    def model_validation_error(error: ValidationError) -> Response:  # a body a route validates itself
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error", "The request has invalid fields.",
            _field_errors([dict(e) for e in error.errors(include_input=False)]),
        )

    @app.not_found
    def route_not_found(error: RouteNotFoundError) -> Response:
        event = app.current_event
        return error_response(HTTPStatus.NOT_FOUND, "not_found", f"No route {event.http_method} {event.path}.")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        request_id = (app.current_event.raw_event.get("requestContext") or {}).get("requestId")
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Quote the request id to your administrator.",
            {"request_id": request_id},
        )
