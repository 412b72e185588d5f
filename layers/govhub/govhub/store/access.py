"""Where the access log lives: one immutable object per access in the audit bucket (``access/``, Object Lock, written
once with If-None-Match by the audit writer) and two index items in the table, under the model and under the day."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from govhub.access.record import access_record_key
from govhub.domain.entities import Page
from govhub.store import keys
from govhub.store.audit import AuditArchive, RecordExistsError
from govhub.store.cursors import decode_cursor
from govhub.store.items import _TableMeta
from govhub.store.repository import _page


class AccessLogItem(Model):
    """`PK=ACCESSLOG#MODEL#<id>` or `ACCESSLOG#DAY#<yyyy-mm-dd>`, `SK=<time>#<event id>`; no `entity`."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    username = UnicodeAttribute()
    record = UnicodeAttribute()


class AccessLogRepository:
    def __init__(self, archive: AuditArchive | None = None) -> None:
        self._archive = archive or AuditArchive()

    def append(self, record: Mapping[str, Any]) -> None:
        """Store the record (once: a redelivered event finds it there) and index it; safe to repeat."""
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        try:
            self._archive.put_new(access_record_key(record), text.encode())
        except RecordExistsError:
            pass  # a redelivery: the object is there, the index items are rewritten identically below
        sk = keys.access_sk(str(record["time"]), str(record["event_id"]))
        model_id, username = int(record["model_id"]), str(record["actor"]["username"])
        with AccessLogItem.batch_write() as batch:
            for partition in (keys.access_model_pk(model_id), keys.access_day_pk(str(record["time"])[:10])):
                batch.save(AccessLogItem(partition, sk, model_id=model_id, username=username, record=text))

    def list(self, *, model_id: int | None, day: str | None, actor: str | None, limit: int, cursor: str | None) -> Page:
        """Accesses newest first, of one model (that day, if one is given) or of one UTC day; one Query."""
        partition = keys.access_model_pk(model_id) if model_id is not None else keys.access_day_pk(day or "")
        that_day = AccessLogItem.sk.startswith(day) if model_id is not None and day else None
        results = AccessLogItem.query(
            partition,
            range_key_condition=that_day,
            filter_condition=(AccessLogItem.username == actor) if actor else None,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, AccessLogItem, partition),
        )
        return _page(results, lambda item: json.loads(item.record))
