"""Start and stop the whole local hub: AWS emulator, resources from template.yaml, functions, gateways, pump."""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local_stack.template import ROOT, Template

REGION = "us-east-1"
CI_ROLE_ARN = "arn:aws:iam::123456789012:role/govhub-local-ci"


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    port: int = 3000
    machine_port: int = 3001
    aws_port: int = 4566
    state_file: Path = ROOT / ".local" / "stack.json"
    stack_name: str = "govhub-local"
    demo_data: bool = True
    frontend_dir: Path = ROOT / "frontend" / "dist"
    containers_per_function: int = 8  # how many requests one function answers at once, each in its own process
    mlflow: bool = False  # also start an MLflow tracking server wired to the hub (docs/integrations.md)
    mlflow_port: int = 5000


@dataclass
class LocalStack:
    options: StackOptions
    info: dict[str, Any] = field(default_factory=dict)
    _stoppers: list[Any] = field(default_factory=list)

    def start(self) -> dict[str, Any]:
        o = self.options
        endpoint = f"http://{o.host}:{o.aws_port}"
        _require_free(o.host, (o.port, o.machine_port, o.aws_port, *((o.mlflow_port,) if o.mlflow else ())))
        # The functions and every boto3/pynamodb client in this process talk to the emulator.
        os.environ.update(
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",  # noqa: S105 - the emulator's dummy credentials
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
            POWERTOOLS_LOG_LEVEL=os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            POWERTOOLS_METRICS_NAMESPACE="GovernanceHub",
            # no CloudWatch here to read the functions' EMF lines; they would only fill the terminal
            POWERTOOLS_METRICS_DISABLED=os.environ.get("POWERTOOLS_METRICS_DISABLED", "true"),
            POWERTOOLS_SERVICE_NAME="govhub-local",
        )
        from local_stack.emulator import Emulator

        emulator = Emulator(o.host, o.aws_port)
        emulator.start()
        self._stoppers.append(emulator.stop)

        from local_stack.demo import DEMO_PIPELINE_TEAM, create_users, seed_datasets, seed_models, seed_teams, sign_in
        from local_stack.functions import ensure_layer_on_path, function_pools
        from local_stack.gateway import ApiConfig, Gateway
        from local_stack.provision import provision
        from local_stack.pump import StreamPump
        from local_stack.sigv4 import CiIdentity

        ensure_layer_on_path()
        template = Template()
        refs = provision(template, o.stack_name, REGION, endpoint)
        pool_id, client_id = refs["UserPool"], refs["UserPoolClient"]
        ci = CiIdentity(access_key_id="AKIA" + secrets.token_hex(8).upper(), secret_access_key=secrets.token_urlsafe(30), role_arn=CI_ROLE_ARN)
        refs["MachineRoleMap"] = f"{CI_ROLE_ARN}=model_owner"
        refs["MachineTeamMap"] = f"{CI_ROLE_ARN}={DEMO_PIPELINE_TEAM}"  # the local CI credentials write for the demo team
        environment: dict[str, str] = {}
        for function in template.functions():
            environment.update(template.environment(function, refs))
        environment.update(
            JWKS_URL=f"{endpoint}/{pool_id}/.well-known/jwks.json",
            TOKEN_ISSUER=f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}",
        )
        os.environ.update(environment)

        users = create_users(pool_id, endpoint, REGION)
        functions = function_pools(template, o.containers_per_function)
        self._stoppers.extend(pool.stop for pool in functions.values())
        routes = template.routes()
        api_url = f"http://{o.host}:{o.port}/api/v1"
        web_config = {
            "apiUrl": "/api/v1",
            "region": REGION,
            "userPoolId": pool_id,
            "clientId": client_id,
            "authMode": "local",
            "cognitoEndpoint": endpoint,
        }
        from govhub.api.openapi import openapi_json

        openapi = openapi_json(server_url=f"http://{o.host}:{o.port}").encode()
        people = ApiConfig(
            api="HttpApi",
            routes=routes,
            functions=functions,
            authorizer=functions["AuthorizerFunction"],
            authorizer_ttl=template.authorizer_ttl(),
            region=REGION,
            static_dir=o.frontend_dir,
            # the API is this origin locally; Cognito is the emulator
            security_headers=template.response_headers({"Api": "", "Cognito": endpoint, "Evidence": endpoint}),
            static_files={
                "/config.json": json.dumps(web_config).encode(),
                "/openapi.json": openapi,
                "/api/v1/openapi.json": openapi,
                **_swagger_files(),
            },
        )
        gateways = [Gateway(people, o.host, o.port)]
        if any(route.api == "MachineApi" for route in routes):
            machine = ApiConfig(api="MachineApi", routes=routes, functions=functions, ci=ci, region=REGION)
            gateways.append(Gateway(machine, o.host, o.machine_port))
        for gateway in gateways:
            gateway.start()
            self._stoppers.append(gateway.stop)

        subscriptions = []
        for subscription in template.stream_subscriptions():
            props = template.functions()[subscription.function]["Properties"]
            event = next(e for e in props["Events"].values() if e["Type"] == "DynamoDB")["Properties"]
            destination = ((event.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            dlq_url = refs.get(destination["Fn::GetAtt"][0]) if isinstance(destination, dict) and "Fn::GetAtt" in destination else None
            subscriptions.append((subscription, functions[subscription.function], dlq_url, int(event.get("MaximumRetryAttempts", 3))))
        events_queue_url = None
        if refs.get("EventBus"):
            from local_stack.event_tap import EventTap

            tap = EventTap(refs["EventBus"], o.stack_name, endpoint, REGION)
            events_queue_url = tap.start()
            self._stoppers.insert(0, tap.stop)
        if subscriptions:
            pump = StreamPump(refs["Table.StreamArn"], subscriptions, endpoint, REGION)
            pump.start()
            self._stoppers.insert(0, pump.stop)
        from local_stack.rules import RuleRouter, rule_targets

        # rules of functions the template deploys only with a parameter set (MLflow, SageMaker) run when it is set here
        deployed = {**refs, "MlflowTrackingUri": f"http://{o.host}:{o.mlflow_port}"} if o.mlflow else refs
        rules = RuleRouter(rule_targets(template, deployed, o.stack_name), functions, endpoint, REGION)  # type: ignore[arg-type]
        rules.start()
        self._stoppers.insert(0, rules.stop)

        _wait_healthy(f"{api_url}/health")
        tokens = {role: sign_in(client_id, u["username"], u["password"], endpoint, REGION)["IdToken"] for role, u in users.items()}
        seed_teams(api_url, tokens["admin"])  # the teams of the demo users and of the local CI credentials
        if o.demo_data:
            seed_datasets(api_url, tokens)  # before the models: their versions declare these datasets
        demo_models = seed_models(api_url, tokens) if o.demo_data else 0
        if o.demo_data:
            from local_stack.demo_evidence import seed_evidence

            seed_evidence(api_url, tokens)  # documents uploaded, verified and signed off: Art. 9 evidenced, one expiring
        mlflow_url = None
        if o.mlflow:
            from local_stack.mlflow_demo import seed_demo_model, start_mlflow

            server = start_mlflow(o.state_file.parent / "mlflow", o.host, o.mlflow_port, api_url, refs["MlflowSecret"], endpoint, REGION)
            self._stoppers.append(server.stop)
            mlflow_url = server.url
            if o.demo_data:
                seed_demo_model(server.url)

        self.info = {
            "web_url": f"http://{o.host}:{o.port}/",
            "api_url": api_url,
            "machine_api_url": f"http://{o.host}:{o.machine_port}/api/v1",
            "docs_url": f"http://{o.host}:{o.port}/docs",
            "openapi_url": f"http://{o.host}:{o.port}/openapi.json",
            "aws_endpoint": endpoint,
            "region": REGION,
            "user_pool_id": pool_id,
            "client_id": client_id,
            "table": refs["Table"],
            "audit_bucket": refs.get("AuditBucket"),
            "reports_bucket": refs.get("ReportsBucket"),
            "event_bus": refs.get("EventBus"),
            "events_queue_url": events_queue_url,
            "users": users,
            "ci": {"access_key_id": ci.access_key_id, "secret_access_key": ci.secret_access_key, "role_arn": ci.role_arn},
            "demo_models": demo_models,
            "mlflow_url": mlflow_url,
        }
        write_private(o.state_file, json.dumps(self.info, indent=2))
        return self.info

    def stop(self) -> None:
        for stop in self._stoppers:
            try:
                stop()
            except Exception:  # noqa: BLE001, S110 - stopping is best effort; each piece is independent
                pass
        self._stoppers.clear()
        if self.options.state_file.exists():
            self.options.state_file.unlink()


def write_private(path: Path, text: str) -> None:
    """Write `text` readable and writable by its owner only (0600): the state file holds credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file an older run left with wider permissions
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _require_free(host: str, ports: tuple[int, ...]) -> None:
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                raise SystemExit(f"Port {port} on {host} is in use: is another hub running? Stop it or pick other ports (--help).")


def _wait_healthy(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local endpoint
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def _swagger_files() -> dict[str, bytes]:
    import swagger_ui_bundle

    folder = Path(swagger_ui_bundle.swagger_ui_path)
    files = {f"/docs/{name}": (folder / name).read_bytes() for name in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png")}
    files["/docs/swagger-init.js"] = _SWAGGER_INIT.encode()
    page = _SWAGGER_PAGE.encode()
    files["/docs"] = page
    files["/api/v1/docs"] = page
    return files


_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AI Governance Hub API</title>
<link rel="icon" href="/docs/favicon-32x32.png"><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/swagger-init.js"></script>
</body></html>"""

# a file, not an inline script: the Content-Security-Policy allows scripts from this origin only
_SWAGGER_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout", persistAuthorization: true});
"""
