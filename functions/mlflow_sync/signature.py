"""MLflow's webhook signatures (MLflow 3.x, the Standard Webhooks scheme), checked before anything is read.

MLflow sends `X-MLflow-Delivery-Id`, `X-MLflow-Timestamp` (Unix seconds) and `X-MLflow-Signature`:
`v1,<base64 of HMAC-SHA256(secret, "<delivery id>.<timestamp>.<body>")>`, over the body exactly as sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "x-mlflow-signature"
TIMESTAMP_HEADER = "x-mlflow-timestamp"
DELIVERY_ID_HEADER = "x-mlflow-delivery-id"
SIGNATURE_VERSION = "v1"
TOLERANCE_SECONDS = 300  # as Standard Webhooks advises; a delivery id is remembered at least this long


class DeliveryRefusedError(Exception):
    """The delivery is not provably from our MLflow, or not fresh: nothing in it is read."""


def sign(secret: str, delivery_id: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{delivery_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def verify(secret: str, headers: Mapping[str, str], body: str, now: float) -> tuple[str, int]:
    """Answer (delivery id, timestamp) of a delivery signed with `secret` within the tolerance; else refuse."""
    lowered = {k.lower(): v for k, v in headers.items()}
    signature = lowered.get(SIGNATURE_HEADER, "")
    delivery_id = lowered.get(DELIVERY_ID_HEADER, "")
    stamp = lowered.get(TIMESTAMP_HEADER, "")
    if not signature:
        raise DeliveryRefusedError("unsigned delivery: configure the MLflow webhook with the hub's secret")
    if not delivery_id or not stamp.isdigit():
        raise DeliveryRefusedError("delivery id or timestamp missing")
    timestamp = int(stamp)
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise DeliveryRefusedError(f"stale delivery: signed {int(now - timestamp)} s away from now (tolerance {TOLERANCE_SECONDS} s)")
    expected = sign(secret, delivery_id, stamp, body)
    # a header may carry several space-separated signatures (secret rotation)
    if not any(hmac.compare_digest(candidate, expected) for candidate in signature.split()):
        raise DeliveryRefusedError("signature does not match")
    return delivery_id, timestamp
