"""MLflow webhook signatures: what the webhook function accepts, and everything it refuses before reading a delivery."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("govhub_mlflow_signature_unit", ROOT / "functions" / "mlflow_sync" / "signature.py")
assert _spec is not None and _spec.loader is not None
signature = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(signature)

SECRET = "whsec-test"  # noqa: S105 - a test value
BODY = '{"entity": "model_version", "action": "created", "data": {"name": "m", "version": "1"}}'
NOW = 1_796_580_000


def _headers(delivery_id: str = "d-1", stamp: int = NOW, secret: str = SECRET, body: str = BODY) -> dict[str, str]:
    return {"X-MLflow-Delivery-Id": delivery_id, "X-MLflow-Timestamp": str(stamp),
            "X-MLflow-Signature": signature.sign(secret, delivery_id, str(stamp), body)}


def test_a_fresh_delivery_signed_with_the_secret_is_accepted() -> None:
    assert signature.verify(SECRET, _headers(), BODY, NOW + 10) == ("d-1", NOW)


def test_header_names_are_matched_whatever_their_case() -> None:
    lowered = {k.lower(): v for k, v in _headers().items()}
    assert signature.verify(SECRET, lowered, BODY, NOW)[0] == "d-1"


def test_one_matching_signature_among_several_is_enough_while_a_secret_rotates() -> None:
    headers = _headers()
    headers["X-MLflow-Signature"] = f"{signature.sign('old-secret', 'd-1', str(NOW), BODY)} {headers['X-MLflow-Signature']}"
    assert signature.verify(SECRET, headers, BODY, NOW)[0] == "d-1"


@pytest.mark.parametrize(("headers", "body", "now", "reason"), [
    ({k: v for k, v in _headers().items() if k != "X-MLflow-Signature"}, BODY, NOW, "unsigned"),
    (_headers(secret="another-secret"), BODY, NOW, "does not match"),
    (_headers(), BODY.replace('"1"', '"2"'), NOW, "does not match"),
    (_headers(stamp=NOW - 301), BODY, NOW, "stale"),
    (_headers(stamp=NOW + 301), BODY, NOW, "stale"),
    ({**_headers(), "X-MLflow-Timestamp": "yesterday"}, BODY, NOW, "missing"),
    ({k: v for k, v in _headers().items() if k != "X-MLflow-Delivery-Id"}, BODY, NOW, "missing"),
    ({**_headers(), "X-MLflow-Signature": "v1,AAAA"}, BODY, NOW, "does not match"),
])
def test_unsigned_forged_tampered_stale_or_malformed_deliveries_are_refused(headers: dict[str, str], body: str, now: int, reason: str) -> None:
    with pytest.raises(signature.DeliveryRefusedError, match=reason):
        signature.verify(SECRET, headers, body, now)
