"""The one JSON parser for request bodies: a nesting limit, so hostile depth is a 400 and never a RecursionError."""

from __future__ import annotations

import json
from typing import Any

from govhub.errors import BadRequestError

# The deepest API shape (a policy document inside its request) nests 5 levels; 32 leaves room and stays far from
# the interpreter's recursion limit, which the request's own call stack shares.
MAX_JSON_DEPTH = 32

_TOO_DEEP = f"The request body is nested too deeply (more than {MAX_JSON_DEPTH} levels of objects and arrays)."


def parse_json_body(text: str | bytes) -> Any:
    """The parsed body; `BadRequestError` (400) when it nests deeper than MAX_JSON_DEPTH. Invalid JSON raises
    `json.JSONDecodeError`, which the resolver's validation answers as a 400 too."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise BadRequestError(_TOO_DEEP, {"max_depth": MAX_JSON_DEPTH}) from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise BadRequestError(_TOO_DEEP, {"max_depth": MAX_JSON_DEPTH})
    return value


def json_depth(value: Any) -> int:
    """Levels of objects and arrays (a scalar is 0), counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest
