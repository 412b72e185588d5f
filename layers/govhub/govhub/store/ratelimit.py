"""Per-caller request counters for the rate-limited routes: one item per caller and fixed window, counted atomically
(so every container of a function shares the count) and expired by the table's TTL."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from govhub.store import keys
from govhub.store.items import _TableMeta


class RateCounterItem(Model):
    """`PK=RATELIMIT#<name>#<caller> SK=<window start, epoch seconds>`; no `entity`: never audited."""

    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    hits = NumberAttribute(default=0)
    expires_at = NumberAttribute()


class RateCounterRepository:
    def hit(self, name: str, caller: str, window_start: int, expires_at: int) -> int:
        """Count one request in the caller's window; answers the window's count including it."""
        item = RateCounterItem(keys.rate_limit_pk(name, caller), str(window_start))
        item.update(actions=[RateCounterItem.hits.add(1), RateCounterItem.expires_at.set(expires_at)])
        return int(item.hits)  # the item as the update left it (ALL_NEW)
