"""Page cursors: the last key DynamoDB evaluated, base64url JSON, handed back by the client for the next page.

A cursor is only good for the list that issued it. One from another list (other index, other partition) would
make DynamoDB refuse the Query (`ValidationException`: the starting key does not match the index or the key
condition), a 500; so a cursor is checked against the Query it is for before it reaches DynamoDB, and a wrong
one is the 400 a made-up one is.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from govhub.errors import BadRequestError

NOT_ISSUED = "The cursor is not one this API issued for this list."


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, source: Any = None, partition: str | None = None) -> dict[str, Any] | None:
    """The start key in `cursor`. With `source` (the pynamodb model or index the Query reads) the key must hold
    exactly the attributes DynamoDB puts in that Query's last evaluated key: the table's keys and the index's; with
    `partition`, its partition key must be the one queried."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequestError(NOT_ISSUED) from None
    valid = isinstance(key, dict) and key and all(
        isinstance(name, str) and isinstance(value, dict) and len(value) == 1
        and set(value) <= {"S", "N"} and all(isinstance(v, str) for v in value.values())
        for name, value in key.items()
    )
    if not valid:
        raise BadRequestError(NOT_ISSUED)
    if source is not None:
        hash_name, expected = _key_names(source)
        if set(key) != expected or (partition is not None and key[hash_name] != {"S": partition}):
            raise BadRequestError(NOT_ISSUED)
    return key


def _key_names(source: Any) -> tuple[str, set[str]]:
    """The partition key's name of a model or index, and the names of every key a Query of it returns."""
    model = getattr(source, "_model", source)  # an index knows the model it belongs to
    names = {model._hash_key_attribute().attr_name}
    table_range = model._range_key_attribute()
    if table_range is not None:
        names.add(table_range.attr_name)
    hash_name = source._hash_key_attribute().attr_name
    names.add(hash_name)
    if source is not model:  # an index: its sort key too
        names.update(a.attr_name for a in source.Meta.attributes.values() if a.is_range_key)
    return hash_name, names
