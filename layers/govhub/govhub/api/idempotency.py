"""Idempotency-Key support for create and record requests (powertools idempotency, stored in the table).

A retried request with the same key, caller and route gets the first answer back and creates nothing
again; the same key with another body is refused. Only successful answers are remembered, so a
request that failed may be retried with the same key. Loaded only when a request carries the header,
which keeps boto3 out of the cold start of every other request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from govhub.api.errors import error_response
from govhub.config import settings
from govhub.store import keys

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
REMEMBER_SECONDS = 24 * 3600


class _NotRemembered(Exception):
    """Carries an unsuccessful answer out of the idempotent function, so it is not stored."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("not remembered")
        self.answer = answer


@lru_cache(maxsize=1)
def _idempotent() -> tuple[Callable[..., dict[str, Any]], Any]:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    persistence = DynamoDBPersistenceLayer(
        table_name=settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=keys.IDEMPOTENCY_PK,
        expiry_attr="expires_at",
    )
    config = IdempotencyConfig(
        event_key_jmespath="[caller, route, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=REMEMBER_SECONDS,
        raise_on_no_idempotency_key=True,
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    def run(request: dict[str, Any], call: Callable[[], Response]) -> dict[str, Any]:
        response = call()
        answer = {"status": response.status_code, "body": _text(response.body), "headers": dict(response.headers or {})}
        if response.status_code >= 300:
            raise _NotRemembered(answer)
        return answer

    return run, config


def _text(body: Any) -> str | None:
    if body is None or isinstance(body, str):
        return body
    if hasattr(body, "model_dump_json"):
        return body.model_dump_json()
    return json.dumps(body, default=str)


def honour_idempotency_key(app: APIGatewayHttpResolver, next_middleware: Callable[..., Response]) -> Response:
    event = app.current_event
    key = (event.headers or {}).get(HEADER) or (event.headers or {}).get("Idempotency-Key")
    if event.http_method.upper() != "POST" or not key:
        return next_middleware(app)
    if len(key) > MAX_KEY_LENGTH:
        return error_response(400, "bad_request", f"The Idempotency-Key header is longer than {MAX_KEY_LENGTH} characters.")
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    caller = app.context["principal"]
    request = {
        "caller": caller.username,
        "route": f"{event.http_method.upper()} {event.path}",
        "key": key,
        "body": event.json_body if event.body else None,  # the resolver's parser, with its depth limit
    }
    run, config = _idempotent()
    config.register_lambda_context(app.lambda_context)
    try:
        answer = run(request=request, call=lambda: next_middleware(app))
    except _NotRemembered as failed:
        answer = failed.answer
    except IdempotencyValidationError:
        return error_response(
            422, "idempotency_key_reused",
            "This Idempotency-Key was already used with a different body. Use a new key for a new request.",
        )
    except IdempotencyAlreadyInProgressError:
        return error_response(409, "request_in_progress", "A request with this Idempotency-Key is still being processed; retry shortly.")
    headers = {k: v for k, v in answer["headers"].items() if k.lower() != "content-type"}
    return Response(status_code=answer["status"], content_type="application/json", body=answer["body"], headers=headers)
