"""The integrations' own bookkeeping: webhook deliveries already accepted (a replay is refused)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError
from pynamodb.models import Model

from govhub.store import keys
from govhub.store.items import _TableMeta


class DeliveryItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    expires_at = NumberAttribute()  # epoch seconds: the table's TTL removes it once a replay would be stale anyway


class DeliveryRepository:
    def accept(self, system: str, delivery_id: str, expires_at: int) -> bool:
        """Record a delivery; False if it was already recorded (a replay)."""
        item = DeliveryItem(keys.delivery_pk(system, delivery_id), keys.META, expires_at=expires_at)
        try:
            item.save(condition=DeliveryItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def forget(self, system: str, delivery_id: str) -> None:
        """Undo `accept` for a delivery that could not be processed, so the sender's retry is taken."""
        try:
            DeliveryItem(keys.delivery_pk(system, delivery_id), keys.META).delete()
        except DeleteError:
            pass
