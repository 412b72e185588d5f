"""The CI examples stay in step with the CLI: OIDC role assumption, every `govhub` line parses, gate before deploy."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from govhub_cli.main import build_parser

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _govhub_lines(script: str) -> list[list[str]]:
    """Each `govhub ...` command of a shell script, as the argument list the CLI receives."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line.strip(), comments=True)
        if words and words[0] == "govhub":
            commands.append(words[1:])
    return commands


def _parses(argv: list[str]) -> str:
    args = build_parser().parse_args(argv)
    assert args.handler, argv
    return str(args.handler)


def test_github_workflow_assumes_a_role_with_oidc_and_gates_the_deploy() -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    assert workflow["permissions"]["id-token"] == "write"
    jobs = workflow["jobs"]
    steps = [step for job in jobs.values() for step in job["steps"]]
    oidc = [s for s in steps if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials@v4")]
    assert oidc and all("role-to-assume" in s["with"] for s in oidc)
    handlers = [_parses(argv) for s in steps if "run" in s for argv in _govhub_lines(s["run"])]
    assert handlers == ["register", "version", "metrics_push", "classify", "status", "gate"]
    deploy_steps = [s.get("name") for s in jobs["deploy"]["steps"]]
    assert deploy_steps.index("Deployment gate") < deploy_steps.index("Deploy")
    assert jobs["deploy"]["needs"] == "train-and-register"


def test_gitlab_pipeline_uses_web_identity_and_gates_the_deploy() -> None:
    pipeline = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    template = pipeline[".govhub"]
    assert template["id_tokens"]["GITLAB_OIDC_TOKEN"]["aud"] == "sts.amazonaws.com"
    setup = "\n".join(template["before_script"])
    assert "AWS_WEB_IDENTITY_TOKEN_FILE" in setup and "AWS_ROLE_ARN" in setup
    handlers = [
        _parses(argv)
        for job in ("register", "gate")
        for line in pipeline[job]["script"]
        for argv in _govhub_lines(line)
    ]
    assert handlers == ["register", "version", "metrics_push", "classify", "status", "gate"]
    assert pipeline["stages"].index("gate") < pipeline["stages"].index("deploy")
    assert pipeline["deploy"]["needs"] == ["gate"]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_examples_set_an_idempotency_base_per_run(name: str) -> None:
    document = yaml.safe_load((EXAMPLES / name).read_text())
    variables = document.get("env") or document.get("variables")
    assert variables["GOVHUB_IDEMPOTENCY_KEY"]
    assert variables["GOVHUB_API_URL"]


def test_the_example_answers_are_a_valid_classification_request() -> None:
    """The answers file the examples classify with is what POST /models/{id}/classification accepts."""
    import json

    from govhub.classification.questionnaire import questionnaire

    body = json.loads((EXAMPLES / "classification-answers.json").read_text())
    assert set(body) <= {"answers", "operator_role", "risk_level", "justification"}
    assert questionnaire().validate_answers(body["answers"])["annex3_5_b_credit_scoring"] is False
