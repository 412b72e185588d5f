"""Imported once, by the server the function containers are forked from: botocore's data read before the forks.

Every container made its own first clients by reading and parsing the same service models, endpoint rules and
defaults (over 100 ms of a container's cold start, per client). Here one loader reads them, for the services the
functions call, and every botocore session in a forked container uses that loader: the data is the same files,
read once. Clients themselves are never shared: they are made in each container, on first use, as before.
"""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore import loaders

SERVICES = ("dynamodb", "dynamodbstreams", "s3", "events", "sqs", "sns", "cognito-idp")

_shared = loaders.create_loader()
_own_loader = botocore.session.create_loader


def _loader(search_paths: Any = None) -> Any:
    return _shared if not search_paths else _own_loader(search_paths)  # a session with its own data path keeps it


def _warm() -> None:
    session = botocore.session.Session()
    session.register_component("data_loader", _shared)
    for service in SERVICES:
        try:  # making a client reads everything a client needs (service model, endpoint rules, retry and default config)
            session.create_client(service, region_name="us-east-1", aws_access_key_id="warm-up", aws_secret_access_key="warm-up")
        except Exception:  # noqa: BLE001, S112 - a warm-up only: a container reads what is missing itself
            continue


_warm()
botocore.session.create_loader = _loader
