"""Read template.yaml (the single source of truth) into what the local stack and test fixtures need."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsic functions (!Ref, !GetAtt, !Sub, ...)."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node for !{tag_suffix}", node.start_mark)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


@dataclass
class Route:
    api: str          # logical id of the API (HttpApi, MachineApi)
    method: str       # ANY, GET, ...
    path: str         # /api/v1/models/{proxy+}
    function: str     # logical id of the function
    public: bool = False

    def pattern(self) -> re.Pattern[str]:
        regex = re.escape(self.path)
        regex = re.sub(r"\\\{[^}]+\\\+\\\}", r".+", regex)
        regex = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", regex)
        return re.compile(f"^{regex}/?$")

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "ANY" or self.method == method) and bool(self.pattern().match(path))


@dataclass
class StreamSubscription:
    function: str
    filters: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 100
    batching_window: float = 0.0  # seconds to gather records before invoking (MaximumBatchingWindowInSeconds)


class Template:
    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document or load_template()
        self.resources: dict[str, dict[str, Any]] = self.document["Resources"]

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.resources.items() if res["Type"] == cfn_type}

    def functions(self) -> dict[str, dict[str, Any]]:
        return self.of_type("AWS::Serverless::Function")

    def condition_holds(self, name: str, refs: dict[str, str]) -> bool:
        """Whether the template's condition `name` holds for these parameter values (Fn::Equals, Not, And, Or, Join,
        Ref, Condition); a form it does not know counts as holding, so the resource is emulated as before."""
        def value(node: Any) -> Any:
            if isinstance(node, dict) and len(node) == 1:
                [(key, arg)] = node.items()
                if key == "Ref":
                    raw = refs.get(arg, "")
                    kind = self.document.get("Parameters", {}).get(arg, {}).get("Type")
                    return raw.split(",") if kind == "CommaDelimitedList" else raw
                if key == "Fn::Join":
                    delimiter, items = arg
                    items = value(items)
                    return delimiter.join(str(value(i)) for i in (items if isinstance(items, list) else [items]))
                if key == "Fn::Equals":
                    return value(arg[0]) == value(arg[1])
                if key == "Fn::Not":
                    return not value(arg[0])
                if key == "Fn::And":
                    return all(value(a) for a in arg)
                if key == "Fn::Or":
                    return any(value(a) for a in arg)
                if key in ("Condition", "Fn::Condition"):
                    return self.condition_holds(arg, refs)
                raise LookupError(key)
            return node

        try:
            return bool(value(self.document.get("Conditions", {})[name]))
        except (LookupError, TypeError, ValueError):
            return True

    def parameter_defaults(self) -> dict[str, Any]:
        return {name: spec.get("Default") for name, spec in self.document.get("Parameters", {}).items()}

    def authorizer_ttl(self, api: str = "HttpApi") -> int:
        """How long API Gateway caches the Lambda authorizer's answer for a token (ReauthorizeEvery)."""
        auth = self.resources[api]["Properties"].get("Auth") or {}
        authorizer = (auth.get("Authorizers") or {}).get(auth.get("DefaultAuthorizer", ""), {})
        return int((authorizer.get("Identity") or {}).get("ReauthorizeEvery", 300))

    def response_headers(self, variables: dict[str, str]) -> dict[str, str]:
        """The security headers of the template's CloudFront response headers policy, as HTTP headers; the CSP's
        `${Name}` variables (the API's and Cognito's origins in AWS) take the given local values."""
        [policy] = [r for r in self.resources.values() if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"]
        config = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        csp = config["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        text = csp["Fn::Sub"][0] if isinstance(csp, dict) else csp
        text = re.sub(r"\$\{([^}]+)\}", lambda m: variables.get(m.group(1), ""), text)
        hsts = config["StrictTransportSecurity"]
        return {
            "Content-Security-Policy": re.sub(r" +", " ", text).replace(" ;", ";"),
            "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
                                         + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else ""),
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": config["FrameOptions"]["FrameOption"],
            "Referrer-Policy": config["ReferrerPolicy"]["ReferrerPolicy"],
        }

    def routes(self) -> list[Route]:
        routes = []
        for name, function in self.functions().items():
            for event in (function["Properties"].get("Events") or {}).values():
                if event["Type"] != "HttpApi":
                    continue
                props = event["Properties"]
                auth = (props.get("Auth") or {}).get("Authorizer")
                routes.append(Route(props["ApiId"]["Ref"], props.get("Method", "ANY").upper(), props["Path"], name, auth == "NONE"))
        # API Gateway prefers the most specific route: literal paths before greedy ones
        return sorted(routes, key=lambda r: ("{proxy+}" in r.path, -len(r.path)))

    def stream_subscriptions(self) -> list[StreamSubscription]:
        subscriptions = []
        for name, function in self.functions().items():
            for event in (function["Properties"].get("Events") or {}).values():
                if event["Type"] == "DynamoDB":
                    props = event["Properties"]
                    patterns = [f["Pattern"] for f in (props.get("FilterCriteria") or {}).get("Filters", [])]
                    filters = [json.loads(p) if isinstance(p, str) else p for p in patterns]  # CloudFormation: a JSON string
                    subscriptions.append(StreamSubscription(name, filters, int(props.get("BatchSize", 100)),
                                                            float(props.get("MaximumBatchingWindowInSeconds", 0))))
        return subscriptions

    def handler_path(self, function: str) -> Path:
        props = self.functions()[function]["Properties"]
        module = props["Handler"].rsplit(".", 1)[0]
        return ROOT / props["CodeUri"] / f"{module}.py"

    def environment(self, function: str, refs: dict[str, str]) -> dict[str, str]:
        """The function's environment (Globals + its own), with Refs resolved to physical ids."""
        global_env = self.document.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        own_env = (self.functions()[function]["Properties"].get("Environment") or {}).get("Variables", {})
        return {key: resolve(value, refs) for key, value in {**global_env, **own_env}.items()}


def resolve_value(value: Any, refs: dict[str, str]) -> Any:
    """A property that may be a list or a condition's choice (`!If [IsProd, [...], [...]]`), resolved; strings as `resolve`."""
    if isinstance(value, list):
        return [resolve_value(item, refs) for item in value]
    if isinstance(value, dict) and "Fn::If" in value:
        condition, when_true, when_false = value["Fn::If"]
        return resolve_value(when_true if refs.get(f"Condition:{condition}") == "true" else when_false, refs)
    return resolve(value, refs)


def resolve(value: Any, refs: dict[str, str]) -> str:
    """Resolve the intrinsics the template uses in environment values, against physical ids."""
    if isinstance(value, (str, int, float)):
        return str(value)
    if "Ref" in value:
        return str(refs.get(value["Ref"], ""))
    if "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        return str(refs.get(f"{logical}.{attribute}", refs.get(logical, "")))
    if "Fn::Sub" in value:
        text = value["Fn::Sub"]
        return re.sub(r"\$\{([^}]+)\}", lambda m: str(refs.get(m.group(1), "")), text)
    if "Fn::If" in value:
        condition, when_true, when_false = value["Fn::If"]
        return resolve(when_true if refs.get(f"Condition:{condition}") == "true" else when_false, refs)
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        if isinstance(parts, dict):  # a list parameter (CommaDelimitedList): its value is already joined by commas
            return resolve(parts, refs)
        return separator.join(resolve(part, refs) for part in parts)
    raise ValueError(f"unsupported intrinsic in the local stack: {value}")
