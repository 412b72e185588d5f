"""Two fixes to moto's DynamoDB for a multi-threaded local stack (requests and the stream pump run at once).

1. moto's DynamoDB backend is not thread-safe: a transaction deep-copies the table while another thread
   writes to it ("dictionary changed size during iteration" → 500s). One re-entrant lock serialises the
   backend's operations, as DynamoDB would appear to a single client.
2. `transact_write_items` deep-copies the whole table once per item of the transaction (for rollback), so a
   100-item batch copied the table 100 times and writes slowed down as the table grew. Within one
   transaction each table is now copied once.
"""

from __future__ import annotations

import copy
import functools
import threading
import types
from typing import Any

_LOCK = threading.RLock()
_OPERATIONS = (
    "transact_write_items", "transact_get_items", "put_item", "update_item", "delete_item", "get_item",
    "query", "scan", "batch_write_item", "batch_get_item", "create_table", "delete_table", "update_table",
)
_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    for name in _OPERATIONS:
        original = getattr(backend, name, None)
        if original is not None:
            setattr(backend, name, _locked(original))
    backend.transact_write_items = _copy_each_table_once(backend.transact_write_items)
    _applied = True


def _locked(method: Any) -> Any:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(*args, **kwargs)

    return call


def _copy_each_table_once(method: Any) -> Any:
    from moto.dynamodb import models

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            copies: dict[int, Any] = {}

            def deepcopy_once(value: Any, memo: Any = None) -> Any:
                if id(value) not in copies:
                    copies[id(value)] = copy.deepcopy(value, memo)
                return copies[id(value)]

            models.copy = types.SimpleNamespace(deepcopy=deepcopy_once, copy=copy.copy)
            try:
                return method(self, *args, **kwargs)
            finally:
                models.copy = copy

    return call
