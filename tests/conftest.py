"""Settings every test shares: fake AWS credentials, a fixed table name, and no real AWS endpoint."""

import os

# Set before any govhub module is imported: settings are read once, like in a Lambda container.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",  # noqa: S105 - moto's dummy credentials
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    TABLE_NAME="itest-Table",
    # the names provision() gives the template's bucket and bus in the "itest" stack: whichever test reads the
    # settings first, the functions find the resources the integration fixture creates
    AUDIT_BUCKET="itest-auditbucket",
    REPORTS_BUCKET="itest-reportsbucket",
    EVIDENCE_BUCKET="itest-evidencebucket",
    EVENT_BUS_NAME="itest-governance",
    AUDIT_SIGNING_KEY_ID="alias/itest-audit-signing",  # the alias of the template's AuditSigningKey in that stack
    # the MLflow integration's secret, by name (GetSecretValue takes a name as well as an ARN), and the
    # SageMaker model package groups the integration tests follow
    MLFLOW_SECRET_ARN="itest-MlflowSecret",
    SAGEMAKER_MODEL_PACKAGE_GROUPS="credit-scoring",
    INTEGRATION_TEAM="ml-platform",  # the integration tests' owner team (tests/integration/conftest.py)
    POWERTOOLS_LOG_LEVEL=os.environ.get("TEST_LOG_LEVEL", "CRITICAL"),
    POWERTOOLS_DEV="false",
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


import tempfile  # noqa: E402 - after the environment above, which must be set before anything imports govhub
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests.harness import start_stack  # noqa: E402


@pytest.fixture(scope="session")
def proof_stack() -> Iterator[dict[str, Any]]:
    """The local stack the proof suites (security, concurrency, fuzz, load) attack: one process for the whole
    session, empty registry, free ports."""
    stack = start_stack(Path(tempfile.mkdtemp(prefix="govhub-proof-")))
    try:
        yield stack.info
    finally:
        stack.stop()
