"""API Gateway HTTP API events (payload format 2.0), as the gateway would send them to a function."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

API_ID = "local"


def http_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    route_key: str = "$default",
    authorizer: dict[str, Any] | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    text_body: str | None = None
    is_base64 = False
    if body:
        try:
            text_body = body.decode("utf-8")
        except UnicodeDecodeError:
            text_body, is_base64 = base64.b64encode(body).decode(), True
    query_params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        query_params[key] = f"{query_params[key]},{value}" if key in query_params else value
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_ID,
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "127",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": is_base64,
    }
    if query_params:
        event["queryStringParameters"] = query_params
    if text_body is not None:
        event["body"] = text_body
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    return event


def authorizer_event(method: str, path: str, headers: dict[str, str], route_arn: str) -> dict[str, Any]:
    """The REQUEST authorizer event (payload 2.0) for the HTTP API's Lambda authorizer."""
    event = http_event(method, path, headers=headers)
    event["type"] = "REQUEST"
    event["routeArn"] = route_arn
    event["identitySource"] = [v for k, v in event["headers"].items() if k == "authorization"]
    return event


class LambdaContext:
    """What handlers read from the Lambda context."""

    def __init__(self, function_name: str, memory_mb: int = 512, timeout_s: int = 15) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
