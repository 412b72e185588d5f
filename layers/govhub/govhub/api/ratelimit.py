"""Per-caller rate limits for routes that cost much per request: a fixed window counted in the table, 429 with
Retry-After past the limit. A route calls `enforce` first, before it does any work."""

from __future__ import annotations

import time
from collections.abc import Callable

from govhub.auth.principal import Principal
from govhub.errors import TooManyRequestsError


def enforce(name: str, caller: Principal, per_window: int, window_seconds: int, clock: Callable[[], float] = time.time) -> None:
    """Count this request of `caller` against `name`; TooManyRequestsError (429) when it is over `per_window`."""
    from govhub.store.ratelimit import RateCounterRepository

    now = clock()
    window_start = int(now // window_seconds * window_seconds)
    window_end = window_start + window_seconds
    count = RateCounterRepository().hit(name, caller.username, window_start, expires_at=window_end + window_seconds)
    if count > per_window:
        retry_after = max(1, int(window_end - now + 0.999))
        raise TooManyRequestsError(
            f"Too many requests: {per_window} per {window_seconds} s for each caller. Retry in {retry_after} s.",
            retry_after,
        )
