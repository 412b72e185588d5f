"""The OpenAPI document of the whole API, generated from the same routers the functions serve."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from govhub.api import access, audit, dashboard, datasets, health, imports, lineage, metrics, models, reports, teams, versions
from govhub.api.classification import router as classification_router
from govhub.api.evidence import router as evidence_router
from govhub.api.frameworks import router as frameworks_router
from govhub.api.incidents import router as incidents_router
from govhub.api.monitoring import router as monitoring_router
from govhub.api.policies import router as policy_router
from govhub.api.resolver import API_PREFIX, create_app
from govhub.auth.permissions import ROUTE_PERMISSIONS
from govhub.schemas import ErrorOut

TITLE = "AI Governance Hub API"
VERSION = "1.0.0"


def openapi_json(server_url: str = "/") -> str:
    routers = {
        "/models": models.router,
        "/teams": teams.router,
        "/versions": versions.router,
        "/metrics": metrics.router,
        "/dashboard": dashboard.router,
        "/reports": reports.router,
        "/health": health.router,
        "/imports": imports.router,
        "": audit.router,  # /audit-logs and /models/{id}/audit-logs, /verify, /export, /as-of
        "/access-logs": access.router,
        "/incidents": incidents_router,
        "/datasets": datasets.router,
    }
    # Including a router hands its request state to the including resolver: give each back to the function's
    # app afterwards, so documenting the API in a process that also serves it changes nothing.
    owners = {router: getattr(router, "api_resolver", None) for router in [*routers.values(), policy_router, classification_router, evidence_router, frameworks_router, monitoring_router, lineage.router]}
    try:
        app = create_app(routers)
        # the policies function's router spans /policies and /models/{id}/compliance-check, /obligations
        app.include_router(policy_router, prefix=API_PREFIX)
        app.include_router(classification_router, prefix=API_PREFIX)
        app.include_router(evidence_router, prefix=API_PREFIX)  # the evidence function: /models/{id}/evidence, /evidence
        app.include_router(frameworks_router, prefix=API_PREFIX)  # and /frameworks
        app.include_router(monitoring_router, prefix=API_PREFIX)  # /models/{id}/monitoring-plan, observations, findings, reviews
        app.include_router(lineage.router, prefix=f"{API_PREFIX}/models")  # served by the models function
        return _document(app, server_url)
    finally:
        for router, owner in owners.items():
            if owner is not None:
                router.api_resolver = owner


def _document(app: Any, server_url: str) -> str:
    schema = app.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description=(
            "Registry of AI models with EU AI Act risk levels, a compliance lifecycle, versions and evaluation "
            "metrics. Send `Authorization: Bearer <Cognito token>`. Errors are "
            '`{"error": {"code", "message", "details"}}`; lists are `{"items", "next_cursor"}`.'
        ),
        servers=[Server(url=server_url)],
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT", description="A Cognito access or ID token")},
        security=[{"cognito": []}],
    )
    return json.dumps(link_operations(document_answers(json.loads(schema))), indent=2, sort_keys=False)


# What a created object's id leads to: (operation that creates, its statuses) -> (path parameter, where in the answer)
LINKS = {
    ("post", "/api/v1/models"): (("201",), {"model_id": "$response.body#/id"}),
    ("post", "/api/v1/versions"): (("201",), {"version_id": "$response.body#/id", "model_id": "$response.body#/model_id"}),
    ("post", "/api/v1/reports/bulk"): (("201", "202"), {"job_id": "$response.body#/job_id"}),
}


def link_operations(document: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI links from each create to the operations its new id opens (a client generator or a stateful
    fuzzer follows them: create a model, then read, change, report on and audit that model)."""
    paths = document.get("paths", {})
    for (method, path), (statuses, parameters) in LINKS.items():
        links = {}
        for target_path, operations in paths.items():
            for target_method, operation in operations.items():
                names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]
                if not names or not set(names) <= set(parameters):
                    continue
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {name: parameters[name] for name in names},
                    "description": f"{target_method.upper()} {target_path} ({', '.join(names)} from this answer)",
                }
        for status in statuses:
            answer = paths[path][method]["responses"].get(status)
            if answer is not None and links:
                answer["links"] = links
    return document


def document_answers(document: dict[str, Any]) -> dict[str, Any]:
    """Say what every route really answers besides success: the project's error shape for 4xx, API Gateway's
    `{"message"}` for 401 and 429, and no security on the public routes (powertools documents only 200/422)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorOut"] = error_schema
    schemas["GatewayMessage"] = {
        "type": "object", "title": "GatewayMessage", "required": ["message"],
        "properties": {"message": {"type": "string"}},
        "description": "API Gateway's own answer: 401 (no or bad token), 429 (throttled).",
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    gateway = {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayMessage"}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if "204" in responses:
                responses["204"].pop("content", None)
            if ROUTE_PERMISSIONS.get((method.upper(), path), "closed") is None:
                operation["security"] = []
                if not operation.get("parameters") and "requestBody" not in operation:
                    responses.pop("422", None)  # nothing to validate
                continue
            takes_body = "requestBody" in operation
            pages = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
            answers = {
                "400": ("Malformed JSON or a cursor this API did not issue (`bad_request`).", takes_body or pages),
                "403": ("The caller's role lacks the permission (`forbidden`).", True),
                "404": ("Unknown id (`not_found`).", True),
                "409": ("Conflict with the current state: `duplicate_name`, `stale_revision`, `transition_not_allowed`, ...",
                        True),
                "413": ("The body is over 64 KB (`payload_too_large`).", takes_body),
                "422": ("Invalid fields (`validation_error`; `details` lists `{field, message}`).", True),
            }
            for status, (description, applies) in answers.items():
                if not applies:
                    continue
                # a route's own description is kept; the body of every 4xx is the error shape, whatever the route returns
                responses[status] = {"description": description if status == "422" else responses.get(status, {}).get("description", description),
                                     "content": error}
            responses["401"] = {"description": "No token, or a token the authorizer refused.", "content": gateway}
            own = responses.get("429")  # a route's own per-caller limit answers in the project's error shape
            responses["429"] = ({"description": f"{own['description']}; or throttled by API Gateway.",
                                 "content": {"application/json": {"schema": {"anyOf": [
                                     {"$ref": "#/components/schemas/ErrorOut"}, {"$ref": "#/components/schemas/GatewayMessage"}]}}}}
                                if own else {"description": "Throttled by API Gateway.", "content": gateway})
    text = json.dumps(document)
    for unused in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{unused}"' not in text.replace(f'"{unused}": {{', ""):
            schemas.pop(unused, None)
    return document
