"""sweeper function: the daily sweeps (EventBridge Scheduler). Each sweep in `govhub.sweeps.SWEEPS` reads only what
falls due through the due-date index and marks each change it finds once; the notifier announces the marks."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.config import require

logger = Logger(service="sweeper")
require("sweeper", "table_name")  # at cold start: a function without a setting it needs fails here, naming it


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from govhub.sweeps import run_all

    ran_at, counts = run_all()
    logger.info("sweeps ran", extra={"counts": counts})
    return {"ran_at": ran_at.isoformat(), "counts": counts}
