"""Fixes to moto for a multi-threaded local stack under load (requests and the stream pump run at once).

1. moto's DynamoDB backend is not thread-safe: a transaction changes the table while another thread reads it
   ("dictionary changed size during iteration" → 500s). One re-entrant lock serialises the backend's operations
   and the stream reads, as DynamoDB would appear to a single client.
2. `transact_write_items` deep-copies the whole table for rollback (once per item of the transaction), so every
   write cost O(table) and slowed down as the table grew; and a rollback swapped in that copy, with a new stream
   shard: the stream readers' iterators still pointed at the old shard, which kept the cancelled writes as if
   they had happened and never saw another record. Now the transaction keeps a copy of only the items it
   touches and how long each stream was; a cancelled transaction puts those items back and drops the stream
   records it wrote, in the same table object.
3. moto's generic response serializer looks up each of an AttributeValue's ten members through six alias rules,
   for every attribute of every item: most of the emulator's time under load. An AttributeValue moto already
   holds in wire form (S, N, BOOL, NULL, SS, NS, M, L of those) is written as it is; anything else (B, BS) still
   goes the generic way. The answers are the same, byte for byte.
4. Every Query sorts the whole table (`Table.all_items`) and then compares every item's key: O(table log table)
   per read. A query on the table now starts from its partition's items; one on a global index from the items of
   its index partition, which each table keeps up to date as items are put, updated, deleted or put back (in no
   order: moto then sorts the matches by the index and table keys, a total order, on their plain values rather
   than through DynamoType's comparison methods). Same results, same order, same pages.
5. Lookups moto repeats for every request although their answer never changes (which service folders exist on
   disk, which methods a response class has) are made once.
6. EventBridge builds a JSONPath parser (parser tables and all) for each input path of each target of each event;
   a parsed path is kept and used again (parsed paths are immutable).
7. A Query deep-copies the items of its page so that the answer is not changed by a write while it is turned into
   JSON. The answer (Query, GetItem, BatchGetItem) is now turned into plain data under the lock instead, which
   copies it anyway; the deep copy before it is skipped.
8. Cognito's RevokeToken (the dashboard's sign-out) is missing from moto: it now revokes the refresh token of the
   app client, as Cognito does, so a later REFRESH_TOKEN_AUTH with it is refused.

Every patch reaches into moto's private code, so it is written for one moto release (MOTO_VERSION, the one
requirements-dev.txt pins) and `apply()` refuses any other: on an upgrade, check each patch against the new
release (drop those it no longer needs), run tests/integration/test_local_stack_moto.py, then move the pin here.
Each patch has a test there that compares its answers with plain moto's or shows the failure it fixes.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
import types
from dataclasses import dataclass
from typing import Any

_LOCK = threading.RLock()
_OPERATIONS = (
    "transact_write_items", "transact_get_items", "put_item", "update_item", "delete_item", "get_item",
    "query", "scan", "batch_write_item", "batch_get_item", "create_table", "delete_table", "update_table",
    "execute_statement", "execute_transaction", "batch_execute_statement",
    "create_backup", "restore_table_from_backup", "restore_table_to_point_in_time",
)
_STREAM_OPERATIONS = ("describe_stream", "get_shard_iterator", "get_records")
MOTO_VERSION = "5.2.5"
_applied = False


class MotoVersionError(RuntimeError):
    """The installed moto is not the release these patches were written against."""


def check_moto_version(installed: str) -> None:
    if installed != MOTO_VERSION:
        raise MotoVersionError(
            f"local_stack/moto_patches.py patches moto {MOTO_VERSION}'s private code, but moto {installed} is installed: "
            f"install moto[server]=={MOTO_VERSION} (requirements-dev.txt), or check each patch against moto {installed} "
            "and move MOTO_VERSION")


def apply() -> None:
    global _applied
    if _applied:
        return
    from importlib.metadata import version

    check_moto_version(version("moto"))
    from moto.dynamodb import models
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    backend = models.DynamoDBBackend
    for name in _OPERATIONS:
        original = getattr(backend, name, None)
        if original is not None:
            setattr(backend, name, _locked(original))
    for name in _STREAM_OPERATIONS:
        setattr(DynamoDBStreamsBackend, name, _locked(getattr(DynamoDBStreamsBackend, name)))
    backend.transact_write_items = _roll_back_touched_items(backend.transact_write_items)
    _write_plain_attribute_values_as_they_are()
    models.Table.query = _query_from_candidates(models.Table.query)
    from moto.dynamodb.responses import DynamoHandler

    for name in ("get_item", "batch_get_item"):
        setattr(DynamoHandler, name, _locked(getattr(DynamoHandler, name)))
    DynamoHandler.query = _answered_under_the_lock(DynamoHandler.query)
    models.Table.sorted_items = _sort_on_plain_values
    models.Table.put_item = _refreshing_index_partitions(models.Table.put_item, _put_key)
    models.Table.delete_item = _refreshing_index_partitions(models.Table.delete_item, lambda table, _, hash_key, range_key: (hash_key, range_key))
    backend.update_item = _locked(_refreshing_index_partitions(backend.update_item, _updated_key, table_of=lambda backend, name: backend.tables.get(name)))
    backend.update_table = _locked(_dropping_index_partitions(backend.update_table))
    _look_up_once()
    _add_cognito_revoke_token()
    _applied = True


def _locked(method: Any) -> Any:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(*args, **kwargs)

    return call


@dataclass
class _Saved:
    table: Any
    hash_key: Any
    range_key: Any
    had_hash: bool        # whether the table held the hash key at all (a range table keeps a dict per hash key)
    item: Any             # a deep copy of the item before the transaction, or None


def _roll_back_touched_items(method: Any) -> Any:
    from moto.dynamodb import models

    def no_table_copy(value: Any, memo: Any = None) -> Any:
        # moto's own rollback "copy" of a table is the table itself: restoring it is a no-op, ours does the work
        return value if isinstance(value, models.Table) else copy.deepcopy(value, memo)

    without_table_copies = types.SimpleNamespace(deepcopy=no_table_copy, copy=copy.copy)

    @functools.wraps(method)
    def call(self: Any, transact_items: list[dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            saved, stream_lengths = _save(self, transact_items)
            models.copy = without_table_copies  # the module's copy: only its functions use it, all under _LOCK
            try:
                return method(self, transact_items, *args, **kwargs)
            except BaseException:
                _restore(saved, stream_lengths)
                raise
            finally:
                models.copy = copy

    return call


def _save(backend: Any, transact_items: list[dict[str, Any]]) -> tuple[list[_Saved], dict[int, tuple[Any, int]]]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: list[_Saved] = []
    seen: set[tuple[int, Any, Any]] = set()
    streams: dict[int, tuple[Any, int]] = {}
    for entry in transact_items[:100]:  # more is refused by moto before it writes anything
        try:
            _, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            attrs = op.get("Item") if "Item" in op else op.get("Key")
            hash_key = DynamoType(attrs[table.hash_key_attr])
            range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        except (AttributeError, KeyError, StopIteration, TypeError):
            continue  # a malformed entry: moto refuses it, and it changed nothing
        if (id(table), hash_key, range_key) in seen:
            continue  # the first copy is the state before the transaction
        seen.add((id(table), hash_key, range_key))
        bucket = table.items.get(hash_key)
        current = bucket.get(range_key) if range_key is not None and bucket is not None else bucket
        saved.append(_Saved(table, hash_key, range_key, bucket is not None, copy.deepcopy(current)))
        if table.stream_shard is not None and id(table) not in streams:
            streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
    return saved, streams


def _restore(saved: list[_Saved], stream_lengths: dict[int, tuple[Any, int]]) -> None:
    for entry in saved:
        items = entry.table.items
        if entry.range_key is None:
            if entry.item is None:
                items.pop(entry.hash_key, None)
            else:
                items[entry.hash_key] = entry.item
            continue
        if entry.item is not None:
            items[entry.hash_key][entry.range_key] = entry.item
            continue
        bucket = items.get(entry.hash_key)
        if bucket is not None:
            bucket.pop(entry.range_key, None)
            if not bucket and not entry.had_hash:
                del items[entry.hash_key]
    for shard, length in stream_lengths.values():
        del shard.items[length:]  # a cancelled transaction never reaches the stream
    for entry in saved:
        _refresh_index_partitions(entry.table, (entry.hash_key, entry.range_key))


_WIRE_SERVICES = ("dynamodb", "dynamodbstreams")


def _write_plain_attribute_values_as_they_are() -> None:
    from moto.core.serialize import BaseJSONSerializer

    generic = BaseJSONSerializer._serialize_type_structure

    @functools.wraps(generic)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (key and shape.name == "AttributeValue" and self.operation_model.service_model.service_name in _WIRE_SERVICES
                and is_plain_attribute_value(value)):
            self._default_serialize(serialized, value, shape, key)
            return
        generic(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure


def is_plain_attribute_value(value: Any) -> bool:
    """An AttributeValue in wire form whose generic serialization is itself (no blobs: those are encoded)."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind in ("S", "N"):
        return type(inner) is str
    if kind in ("BOOL", "NULL"):
        return type(inner) is bool
    if kind in ("SS", "NS"):
        return type(inner) is list and all(type(member) is str for member in inner)
    if kind == "M":
        return type(inner) is dict and all(type(name) is str and is_plain_attribute_value(v) for name, v in inner.items())
    if kind == "L":
        return type(inner) is list and all(is_plain_attribute_value(v) for v in inner)
    return False


_answering = threading.local()  # set while a Query's answer is built under the lock: its page needs no copy
_WITHOUT_DEEP_COPIES = types.SimpleNamespace(deepcopy=lambda value, memo=None: value, copy=copy.copy)


def _answered_under_the_lock(method: Any) -> Any:
    @functools.wraps(method)
    def answer(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            _answering.active = True
            try:
                return method(self, *args, **kwargs)  # the items become plain data (DynamoResult) before it returns
            finally:
                _answering.active = False

    return answer


def _query_from_candidates(method: Any) -> Any:
    from moto.dynamodb.models import table as table_module

    signature = inspect.signature(method)

    @functools.wraps(method)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        call = signature.bind(self, *args, **kwargs).arguments
        with _LOCK:  # the backend's query holds it already; the table is changed only under it
            candidates = _candidates(self, call.get("hash_key"), call.get("index_name"), call.get("hash_key_conditions"))
            self.all_items = lambda: candidates  # what moto's query starts from, for this call only
            if getattr(_answering, "active", False):
                table_module.copy = _WITHOUT_DEEP_COPIES  # the module's copy: only its functions use it, all under _LOCK
            try:
                return method(self, *args, **kwargs)
            finally:
                del self.all_items
                table_module.copy = copy

    return query


def _candidates(table: Any, hash_key: Any, index_name: str | None, hash_key_conditions: Any) -> list[Any]:
    if index_name is None and hash_key is not None:
        return _partition(table, hash_key)
    if index_name is not None and hash_key_conditions and len(hash_key_conditions) == 1:
        index = _index_partitions(table).by_index.get(index_name)
        name, value = hash_key_conditions[0]
        if index is not None and index.attribute == name:
            return [item for key in index.partitions.get(value, ()) if (item := _item_at(table, key)) is not None]
    return [item for partition in table.items.values() for item in (partition.values() if table.range_key_attr else (partition,))]


def _partition(table: Any, hash_key: Any) -> list[Any]:
    partition = table.items.get(hash_key)
    if partition is None:
        return []
    return list(partition.values()) if table.range_key_attr else [partition]


def _item_at(table: Any, key: tuple[Any, Any]) -> Any:
    partition = table.items.get(key[0])
    if partition is None or not table.range_key_attr:
        return partition
    return partition.get(key[1])


def _key_of(item: Any) -> tuple[Any, Any]:
    return item.hash_key, item.range_key


_KEY_TYPES = ("S", "N", "B")


@dataclass
class _Index:
    attribute: str                                                 # the index's partition key attribute
    partitions: dict[Any, dict[tuple[Any, Any], None]]             # its value → the table keys of the items there


class _IndexPartitions:
    """For one table: the items of each global index partition, by table key."""

    def __init__(self, table: Any) -> None:
        self.by_index: dict[str, _Index] = {}
        for index in table.global_indexes or ():
            hash_keys = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
            if len(hash_keys) == 1:
                self.by_index[index.name] = _Index(hash_keys[0], {})
        self._placed: dict[tuple[Any, Any], list[tuple[_Index, Any]]] = {}
        for partition in table.items.values():
            for item in partition.values() if table.range_key_attr else (partition,):
                self.add(_key_of(item), item)

    def add(self, key: tuple[Any, Any], item: Any) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        placed = []
        for index in self.by_index.values():
            held = item.attrs.get(index.attribute)
            if held is not None and held.type in _KEY_TYPES:
                value = DynamoType({held.type: held.value})  # a copy: an update may change the item's own in place
                index.partitions.setdefault(value, {})[key] = None
                placed.append((index, value))
        if placed:
            self._placed[key] = placed

    def remove(self, key: tuple[Any, Any]) -> None:
        for index, value in self._placed.pop(key, ()):
            partition = index.partitions.get(value)
            if partition is not None:
                partition.pop(key, None)
                if not partition:
                    del index.partitions[value]


def _index_partitions(table: Any) -> _IndexPartitions:
    partitions = table.__dict__.get("_local_index_partitions")
    if partitions is None:
        partitions = table.__dict__["_local_index_partitions"] = _IndexPartitions(table)
    return partitions


def _refresh_index_partitions(table: Any, key: tuple[Any, Any]) -> None:
    partitions = table.__dict__.get("_local_index_partitions")
    if partitions is None:
        return  # not built yet: the first index query builds it from the items as they are then
    partitions.remove(key)
    item = _item_at(table, key)
    if item is not None:
        partitions.add(key, item)


def _refreshing_index_partitions(method: Any, key_of: Any, table_of: Any = None) -> Any:
    """After a write (done or refused) the index partitions of the item it names follow the item as it now is."""

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            result = None
            try:
                result = method(self, *args, **kwargs)
                return result
            finally:
                table = table_of(self, args[0] if args else kwargs.get("table_name")) if table_of else self
                key = None
                if table is not None:
                    try:
                        key = key_of(table, result, *args, **kwargs)
                    except (AttributeError, IndexError, KeyError, TypeError):
                        key = None
                if key is None and table is not None and "_local_index_partitions" in table.__dict__:
                    del table.__dict__["_local_index_partitions"]  # not sure which item changed: build again
                elif key is not None:
                    _refresh_index_partitions(table, key)

    return write


def _put_key(table: Any, result: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_key = DynamoType(item_attrs[table.hash_key_attr])
    return hash_key, (DynamoType(item_attrs[table.range_key_attr]) if table.range_key_attr else None)


def _updated_key(table: Any, result: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_key = DynamoType(key[table.hash_key_attr])
    return hash_key, (DynamoType(key[table.range_key_attr]) if table.range_key_attr else None)


def _dropping_index_partitions(method: Any) -> Any:
    @functools.wraps(method)
    def update_table(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, name, *args, **kwargs)
        finally:
            table = self.tables.get(name)
            if table is not None:
                table.__dict__.pop("_local_index_partitions", None)  # its indexes may have changed

    return update_table


def _sort_on_plain_values(self: Any, hash_key_attrs: list[str], range_key_attrs: list[str | None], items: list[Any]) -> list[Any]:
    attributes = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda item: tuple(item.attrs[name].cast_value for name in attributes))
    return items


def _look_up_once() -> None:
    from moto import backends
    from moto.core import responses

    folders = tuple(backends.list_of_moto_modules())  # the service folders of the installed moto
    backends.list_of_moto_modules = lambda: folders
    responses.method_names_from_class = functools.cache(responses.method_names_from_class)
    _parse_each_json_path_once()


def _parse_each_json_path_once() -> None:
    from jsonpath_ng import ext

    ext.parse = functools.lru_cache(maxsize=1024)(ext.parse)  # moto's events imports it on each call, from the module


def _add_cognito_revoke_token() -> None:
    from moto.cognitoidp.exceptions import NotAuthorizedError
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import EmptyResult

    def revoke_token(self: Any) -> Any:
        token, client_id = self._get_param("Token"), self._get_param("ClientId")
        for pool in self.backend.user_pools.values():
            issued = pool.refresh_tokens.get(token)
            if issued is not None and issued[0] == client_id:
                pool.refresh_tokens[token] = None
                return EmptyResult()
            if token in pool.refresh_tokens and client_id in pool.clients:
                return EmptyResult()  # already revoked
        raise NotAuthorizedError("Invalid token")

    CognitoIdpResponse.revoke_token = revoke_token
