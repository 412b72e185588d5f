"""Entry point: the argument parser. Kept import-light so `govhub --help` starts fast;
the HTTP client, botocore and the commands are imported only once a command runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govhub_cli import __version__
from govhub_cli.datasets import add_dataset_commands, add_version_inputs
from govhub_cli.errors import EXIT_CODE_HELP

RISK_LEVELS = ("minimal", "limited", "high", "unacceptable")
STATUSES = ("draft", "under_review", "approved", "retired")
EVIDENCE_KINDS = ("risk_management_procedure", "instructions_for_use", "declaration_of_conformity", "fria", "test_report",
                  "data_sheet", "other")
OPERATOR_ROLES = ("provider", "deployer", "importer", "distributor", "authorised_representative", "product_manufacturer")

DESCRIPTION = """\
govhub: the AI Governance Hub client for CI pipelines.

Register models, versions and evaluation metrics, request a compliance review, and gate
deployments on approval. Requests are signed with SigV4 using the standard AWS credential
chain (environment, profile, web identity / OIDC), or carry a Cognito token (--token)."""

EPILOG = f"""\
typical CI sequence:
  govhub register fraud-detector --owner "ML Team" --risk-level high \\
      --risk-justification "credit decisions" --domain finance
  govhub dataset register cards --source "ledger export" --bias-examined "..." --bias-outcome "..."
  govhub dataset version cards --tag 2025.12 --location s3://data/cards/2025.12/ --sha256 sha256:<hex>
  govhub version --model fraud-detector --tag v1.2.0 --artifact s3://models/fd/v1.2.0 --file model.tar.gz \
      --dataset training=cards@2025.12 --dataset testing=cards-holdout@2025.12
  govhub metrics push --model fraud-detector --version v1.2.0 eval/report.json
  govhub status --model fraud-detector --reason "Ready for compliance review"
  govhub gate --model fraud-detector --version v1.2.0     # before deploying

environment:
  GOVHUB_API_URL           API base URL, e.g. https://<id>.execute-api.<region>.amazonaws.com/api/v1
  GOVHUB_TOKEN             Cognito access/ID token; when unset, requests are SigV4-signed
  GOVHUB_IDEMPOTENCY_KEY   base of the idempotency keys (e.g. the CI run id): a re-run replays, never duplicates
  GOVHUB_RETRIES           retries on network errors and HTTP 429/500/502/503/504 (default 4)
  GOVHUB_TIMEOUT           seconds per request (default 30)
  AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ROLE_ARN,
  AWS_WEB_IDENTITY_TOKEN_FILE, ...   the standard AWS credential chain

{EXIT_CODE_HELP}"""


def _add_connection_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Global options, accepted before or after the command name (`govhub --json list` = `govhub list --json`)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument("--api-url", default=default(None), metavar="URL", help="API base URL (env GOVHUB_API_URL)")
    group.add_argument("--token", default=default(None), help="Cognito token for people (env GOVHUB_TOKEN); "
                       "without it requests are SigV4-signed")
    group.add_argument("--region", default=default(None),
                       help="AWS region for SigV4 (env AWS_REGION / AWS_DEFAULT_REGION, default us-east-1)")
    group.add_argument("--profile", default=default(None), help="AWS profile of the shared config files (env AWS_PROFILE)")
    group.add_argument("--json", action="store_true", default=default(False), help="print JSON for scripts")
    group.add_argument("--retries", type=_non_negative_int, default=default(None), metavar="N",
                       help="retries on transient errors (env GOVHUB_RETRIES, default 4)")
    group.add_argument("--timeout", type=_positive_float, default=default(None), metavar="SECONDS",
                       help="seconds per request (env GOVHUB_TIMEOUT, default 30)")
    group.add_argument("--idempotency-key", default=default(None), metavar="KEY",
                       help="base of the idempotency keys, e.g. the CI run id (env GOVHUB_IDEMPOTENCY_KEY); "
                       "default: a fresh key per operation")
    group.add_argument("-v", "--verbose", action="store_true", default=default(False), help="log each HTTP request to stderr")
    group.add_argument("-q", "--quiet", action="store_true", default=default(False), help="no progress bar")


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="govhub", description=DESCRIPTION, epilog=EPILOG, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"govhub {__version__}")
    _add_connection_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_connection_options(common, suppress=True)

    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help_text: str, handler: str, parents: Sequence[argparse.ArgumentParser] = (common,),
                sub: argparse._SubParsersAction | None = None) -> argparse.ArgumentParser:
        target = sub or commands
        cmd = target.add_parser(name, help=help_text, description=help_text, parents=list(parents),
                                epilog=EXIT_CODE_HELP, formatter_class=formatter)
        cmd.set_defaults(handler=handler)
        return cmd

    register = command("register", "create a model, or update the fields given if it exists", "register")
    register.add_argument("name", help="model name (unique, case-insensitive)")
    register.add_argument("--owner", help="owning team or person (required to create)")
    register.add_argument("--team", metavar="SLUG", help="the team that owns a new model (default: your only team)")
    register.add_argument("--risk-level", choices=RISK_LEVELS, help="EU AI Act risk level")
    register.add_argument("--risk-justification", help="why this risk level (required to change it)")
    register.add_argument("--domain", help="business domain, e.g. finance")
    register.add_argument("--description")
    register.add_argument("--intended-purpose")
    register.add_argument("--data-sources")
    register.add_argument("--oversight-plan", help="human oversight plan")
    register.add_argument("--reason", help="change reason recorded in the audit trail on update")

    version = command("version", "register a version of a model with its artifact URI", "version")
    version.add_argument("--model", required=True, metavar="NAME")
    version.add_argument("--tag", required=True, help="version tag, unique per model (e.g. v1.2.0)")
    version.add_argument("--artifact", required=True, metavar="URI", help="artifact location, e.g. s3://bucket/key")
    digest = version.add_mutually_exclusive_group()
    digest.add_argument("--sha256", metavar="HEX", help="SHA-256 of the artifact (64 hex characters)")
    digest.add_argument("--file", metavar="PATH", help="compute the SHA-256 from this local copy of the artifact")
    version.add_argument("--description")
    version.add_argument("--exist-ok", action="store_true",
                         help="succeed if the tag already exists with the same artifact URI and SHA-256")
    add_version_inputs(version)

    metrics = command("metrics", "evaluation metrics", "")
    metrics.set_defaults(handler=None, usage_parser=metrics)
    metrics_commands = metrics.add_subparsers(title="metrics commands", metavar="COMMAND")
    push = command("push", "push metrics from a JSON or CSV file (batched)", "metrics_push", sub=metrics_commands)
    push.add_argument("--model", required=True, metavar="NAME")
    push.add_argument("--version", required=True, metavar="TAG", help="version tag the metrics belong to")
    push.add_argument("file", metavar="FILE", help='JSON ({"accuracy": 0.95} or [{"metric_name", "value"}] or '
                      '{"metrics": [...]}) or CSV with a metric_name,value header; - for stdin')
    push.add_argument("--format", choices=("json", "csv"), help="file format (default: from the extension or content)")
    push.add_argument("--batch-size", type=_positive_int, default=100, metavar="N", help="metrics per request (1..100)")

    status = command("status", "change the compliance status (default: request review)", "status")
    status.add_argument("--model", required=True, metavar="NAME")
    status.add_argument("--to", choices=STATUSES, default="under_review", help="target status (default under_review)")
    status.add_argument("--reason", help="recorded in the audit trail (default: 'Ready for compliance review' "
                        "and the CI run link)")

    classify = command("classify", "answer the EU AI Act classification questionnaire for a model from a JSON file", "classify")
    classify.add_argument("--model", required=True, metavar="NAME")
    classify.add_argument("file", metavar="ANSWERS", help='JSON: {"annex3_4_a_recruitment": true, ...} or {"answers": {...}, '
                          '"operator_role": ..., "risk_level": ..., "justification": ...}; - for stdin '
                          "(questions: GET /api/v1/classification/questionnaire)")
    classify.add_argument("--operator-role", choices=OPERATOR_ROLES, help="the organisation's role for the system")
    classify.add_argument("--risk-level", choices=RISK_LEVELS, help="keep this level instead of adopting the suggestion")
    classify.add_argument("--justification", help="why, when --risk-level differs from the suggestion (an override)")

    observe = command("observe", "send production values of a model's planned metrics (post-market monitoring)", "observe")
    observe.add_argument("--model", required=True, metavar="NAME")
    observe.add_argument("file", metavar="FILE", help='JSON: [{"metric": "accuracy", "value": 0.91, "observed_at": '
                         '"2026-12-01T06:00:00Z"}, ...] or {"observations": [...]}; - for stdin')
    observe.add_argument("--environment", default="production", help="where the values were observed (default production)")

    gate = command("gate", "exit 0 only if the model (or version) is approved: the deployment gate", "gate")
    gate.add_argument("--model", required=True, metavar="NAME")
    gate.add_argument("--version", metavar="TAG", help="also require this version to be the approved one")
    gate.add_argument("--sha256", metavar="HEX", help="also require the artifact you deploy to have the approved SHA-256")
    gate.add_argument("--wait", type=_non_negative_float, default=0.0, metavar="SECONDS",
                      help="keep checking until approved or this many seconds have passed (default 0: check once)")
    gate.add_argument("--poll-interval", type=_positive_float, default=30.0, metavar="SECONDS",
                      help="seconds between checks while waiting (default 30)")

    show = command("show", "show a model (and its versions), or one version and its metrics", "show")
    show.add_argument("name", help="model name")
    show.add_argument("--version", metavar="TAG", help="show this version and its metrics")

    listing = command("list", "list models", "list_models")
    listing.add_argument("--risk-level", choices=RISK_LEVELS)
    listing.add_argument("--status", choices=STATUSES, help="compliance status")
    listing.add_argument("--owner")
    listing.add_argument("--domain")
    listing.add_argument("--q", metavar="PREFIX", help="name prefix (case-insensitive)")
    size = listing.add_mutually_exclusive_group()
    size.add_argument("--limit", type=_positive_int, default=50, metavar="N", help="at most N models (default 50)")
    size.add_argument("--all", action="store_true", help="every matching model")

    audit = command("audit", "audit trail bundles", "")
    audit.set_defaults(handler=None, usage_parser=audit)
    audit_commands = audit.add_subparsers(title="audit commands", metavar="COMMAND")
    export = command("export", "download a model's audit trail as a bundle directory", "audit_export",
                     sub=audit_commands)
    export.add_argument("--model", required=True, metavar="NAME")
    export.add_argument("--out", required=True, metavar="DIR", help="directory to write the bundle into")
    verify = command("verify", "verify a bundle offline (file hashes, hash chain, signed digests, manifest); exit 1 if tampered",
                     "audit_verify", sub=audit_commands)
    verify.add_argument("bundle", metavar="BUNDLE", help="bundle directory (or .zip) written by `govhub audit export`")
    verify.add_argument("--expect-head", metavar="HASH",
                        help="the head hash the live system reports; without it a wholly rewritten bundle "
                        "cannot be told apart")
    verify.add_argument("--expect-key", metavar="SHA256",
                        help="SHA-256 of the deployment's digest signing key (DER public key, from `aws kms get-public-key`)")
    verify.add_argument("--evidence", metavar="DIR",
                        help="the model's evidence documents as downloaded: each must match a SHA-256 of the bundle's evidence manifest")

    evidence = command("evidence", "evidence documents of a model", "")
    evidence.set_defaults(handler=None, usage_parser=evidence)
    evidence_commands = evidence.add_subparsers(title="evidence commands", metavar="COMMAND")
    attach = command("upload", "attach a document (e.g. a test report) to a model: uploaded to S3 with its SHA-256, "
                     "verified by the hub, then awaiting sign-off by a second person", "evidence_upload", sub=evidence_commands)
    attach.add_argument("--model", required=True, metavar="NAME")
    attach.add_argument("--file", required=True, metavar="PATH", help="the document (.pdf, .png, .jpg, .docx, .xlsx, .txt, .csv, .md, .json)")
    attach.add_argument("--kind", required=True, choices=EVIDENCE_KINDS)
    attach.add_argument("--covers", nargs="*", metavar="REF",
                        help="obligations (art9, art-15), policy rule ids or controls (iso42001:A.6.2.4) it evidences")
    attach.add_argument("--title", help="default: the file name without its extension")
    attach.add_argument("--valid-until", metavar="ISO-DATE", help="when it stops evidencing (expiry, re-review)")
    attach.add_argument("--supersedes", metavar="EVIDENCE_ID", help="the evidence this is a new revision of")

    add_dataset_commands(command, common)

    importing = command("import", "import models from where they already live", "")
    importing.set_defaults(handler=None, usage_parser=importing)
    import_commands = importing.add_subparsers(title="import commands", metavar="SOURCE")
    mlflow = command("mlflow", "registered models of an MLflow tracking server, with versions, run metrics, datasets "
                     "and govhub.* tags; re-running imports only what changed", "import_mlflow", sub=import_commands)
    mlflow.add_argument("--tracking-uri", required=True, metavar="URL", help="the MLflow tracking server")
    mlflow.add_argument("--model", metavar="NAME", help="only this registered model (default: all)")
    mlflow.add_argument("--owner", help="owner of new hub models without a govhub.owner tag (default: MLflow)")
    mlflow.add_argument("--team", metavar="SLUG", help="team owning new hub models without a govhub.team tag "
                        "(default: your one team)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:  # no command, or a command group without its sub-command
        getattr(args, "usage_parser", parser).print_help(sys.stderr)
        return 2

    from govhub_cli.commands import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
