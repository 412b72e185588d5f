"""Settings are validated at cold start: a function missing a setting it needs fails, naming the variable."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from govhub import config
from local_stack.template import Template

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The environment as a test sets it, read afresh (settings are cached per container)."""
    config.settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    config.settings.cache_clear()


def test_a_function_without_a_setting_it_needs_fails_naming_the_variable(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("EVENT_BUS_NAME", raising=False)
    with pytest.raises(config.SettingsError, match=r"The notifier function cannot start: EVENT_BUS_NAME is not set"):
        config.require("notifier", "table_name", "event_bus_name")


def test_every_missing_setting_is_named_at_once(environment: pytest.MonkeyPatch) -> None:
    environment.delenv("AUDIT_BUCKET", raising=False)
    environment.delenv("REPORTS_BUCKET", raising=False)
    with pytest.raises(config.SettingsError, match=r"REPORTS_BUCKET, AUDIT_BUCKET are not set"):
        config.require("reports", "table_name", "reports_bucket", "audit_bucket")


def test_a_malformed_setting_is_refused_with_its_variable(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("REPORT_URL_TTL_SECONDS", "five minutes")
    with pytest.raises(config.SettingsError, match=r"REPORT_URL_TTL_SECONDS: Input should be a valid integer"):
        config.settings()


def test_a_function_with_its_settings_starts(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("EVENT_BUS_NAME", "governance")
    assert config.require("notifier", "table_name", "event_bus_name").event_bus_name == "governance"


def _required(app: Path) -> tuple[str, list[str]]:
    """The function name and settings a handler module passes to `require` at import."""
    for node in ast.parse(app.read_text()).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "require":
            name, *settings = (arg.value for arg in node.value.args if isinstance(arg, ast.Constant))
            return str(name), [str(s) for s in settings]
    raise AssertionError(f"{app} does not check its settings at cold start (govhub.config.require)")


def test_every_function_checks_its_settings_and_the_template_gives_them() -> None:
    template = Template()
    for logical_id, function in template.functions().items():
        handler_module = function["Properties"]["Handler"].split(".")[0]
        app = ROOT / function["Properties"]["CodeUri"] / f"{handler_module}.py"
        _, needed = _required(app)
        given = set(template.environment(logical_id, {}))
        missing = [config.ENVIRONMENT[name] for name in needed if config.ENVIRONMENT[name] not in given]
        assert missing == [], f"{logical_id} needs {missing}, which template.yaml does not set"


def test_a_function_deployed_without_a_setting_fails_its_first_invocation_naming_it(environment: pytest.MonkeyPatch) -> None:
    # Given the notifier deployed without its event bus
    from local_stack.functions import FunctionHost

    environment.delenv("EVENT_BUS_NAME", raising=False)
    host = FunctionHost("NotifierWithoutBus", ROOT / "functions" / "notifier" / "app.py")
    # When its first event arrives, Then its cold start fails, naming what is missing
    with pytest.raises(config.SettingsError, match=r"The notifier function cannot start: EVENT_BUS_NAME is not set"):
        host.invoke({"Records": []})
