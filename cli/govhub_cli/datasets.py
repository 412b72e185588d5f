"""`govhub dataset register|version` and the declared inputs of `govhub version` (--dataset, --base-model)."""

from __future__ import annotations

import argparse
import hashlib
import re
from typing import TYPE_CHECKING, Any

from govhub_cli import output
from govhub_cli.errors import CONFLICT, NOT_FOUND, OK, CliError, UsageError

if TYPE_CHECKING:
    from govhub_cli.client import ApiClient
    from govhub_cli.commands import Session

ROLES = ("training", "validation", "testing")
_DIGEST = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")
_DECLARED = re.compile(r"^(training|validation|testing)=(.+)@([^@]+)$")


def dataset_digest(value: str | None, path: str | None) -> str | None:
    """A dataset version's SHA-256 from --sha256 (64 hex digits, or an MLflow-style `sha256:<hex>` digest) or --file."""
    if value:
        match = _DIGEST.match(value.strip())
        if match is None:
            raise UsageError(f"--sha256 {value!r} is not a SHA-256 (64 hex characters, optionally `sha256:`); MLflow's short "
                             "dataset digests are not one: pass --file to compute it from a local copy")
        return match.group(1).lower()
    if path:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as data:
                for chunk in iter(lambda: data.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as exc:
            raise UsageError(f"cannot read dataset file {path}: {exc.strerror or exc}") from exc
        return digest.hexdigest()
    return None


def declared_inputs(datasets: list[str] | None, base_model: str | None, external: str | None, gpai: bool,
                    docs: str | None) -> dict[str, Any] | None:
    """The `inputs` of a version from `--dataset ROLE=NAME@TAG` (repeatable) and `--base-model NAME@TAG` or
    `--external-base-model PROVIDER/NAME[@VERSION]`."""
    declared = []
    for text in datasets or []:
        match = _DECLARED.match(text)
        if match is None:
            raise UsageError(f"--dataset {text!r}: write ROLE=NAME@TAG with ROLE one of {', '.join(ROLES)}")
        declared.append({"role": match.group(1), "dataset": match.group(2), "version_tag": match.group(3)})
    inputs: dict[str, Any] = {"datasets": declared} if declared else {}
    if base_model and external:
        raise UsageError("give --base-model or --external-base-model, not both")
    if base_model:
        name, at, tag = base_model.rpartition("@")
        if not at or not name or not tag:
            raise UsageError(f"--base-model {base_model!r}: write NAME@TAG (a registered model's version)")
        inputs["base_model"] = {"model": name, "version_tag": tag}
    elif external:
        provider, slash, rest = external.partition("/")
        name, _, version = rest.partition("@")
        if not slash or not provider or not name:
            raise UsageError(f"--external-base-model {external!r}: write PROVIDER/NAME[@VERSION]")
        inputs["base_model"] = {"external": {"provider": provider, "name": name, "version": version or None, "gpai": gpai,
                                             **({"documentation_url": docs} if docs else {})}}
    elif gpai or docs:
        raise UsageError("--gpai and --base-model-docs describe an --external-base-model")
    return inputs or None


def lookup_dataset(client: ApiClient, name: str) -> dict[str, Any] | None:
    page = client.get("/datasets", {"name": name}) or {}
    items = page.get("items", [])
    return dict(items[0]) if items else None


def dataset_register(args: argparse.Namespace, session: Session) -> int:
    body: dict[str, Any] = {"name": args.name}
    for field in ("team", "description", "source", "licence", "collection_period", "geographic_scope", "demographic_scope",
                  "labelling_procedure", "known_limitations", "reason"):
        if getattr(args, field, None) is not None:
            body[field] = getattr(args, field)
    if args.personal_data:
        body["personal_data"] = True
    if args.special_categories:
        body["special_categories"] = True
    if (args.bias_examined is None) != (args.bias_outcome is None):
        raise UsageError("a bias examination has both --bias-examined and --bias-outcome")
    if args.bias_examined is not None:
        body["bias_examination"] = {"examined": args.bias_examined, "outcome": args.bias_outcome}
    client, action = session.client, "created"
    try:
        dataset = client.post("/datasets", body)
    except CliError as error:
        existing = lookup_dataset(client, args.name) if error.exit_code == CONFLICT and args.exist_ok else None
        if existing is None:
            raise
        dataset, action = existing, "existing"
    session.emit({"action": action, "dataset": dataset},
                 f"{'registered' if action == 'created' else 'already registered:'} dataset {dataset['name']} (id {dataset['id']})\n"
                 + output.render_record([("team", dataset.get("team")), ("source", dataset.get("source")),
                                         ("bias examination", (dataset.get("bias_examination") or {}).get("outcome"))]))
    return OK


def dataset_version(args: argparse.Namespace, session: Session) -> int:
    sha256 = dataset_digest(args.sha256, args.file)
    client = session.client
    dataset = lookup_dataset(client, args.name)
    if dataset is None:
        raise CliError(f"no dataset named {args.name!r} (register it first with `govhub dataset register {args.name} --source ...`)",
                       NOT_FOUND, code="dataset_not_found")
    body: dict[str, Any] = {"version_tag": args.tag, "location": args.location}
    if sha256:
        body["sha256"] = sha256
    if args.records is not None:
        body["records"] = args.records
    if args.description is not None:
        body["description"] = args.description
    version = client.post(f"/datasets/{dataset['id']}/versions", body)
    session.emit({"action": "created", "dataset_version": version},
                 f"registered dataset {dataset['name']}@{version['version_tag']} (dataset version id {version['id']})\n"
                 + output.render_record([("location", version.get("location")), ("records", version.get("records")),
                                         ("sha256", version.get("sha256"))]))
    return OK


def add_dataset_commands(command: Any, common: argparse.ArgumentParser) -> None:
    """The `dataset` command group (argparse wiring, called by govhub_cli.main)."""
    group = command("dataset", "datasets a model version is trained, validated or tested on (EU AI Act Art. 10)", "")
    group.set_defaults(handler=None, usage_parser=group)
    sub = group.add_subparsers(title="dataset commands", metavar="COMMAND")
    register = command("register", "register a dataset with its datasheet (Annex IV 2(d))", "dataset_register", sub=sub)
    register.add_argument("name", help="dataset name (unique, case-insensitive)")
    register.add_argument("--team", metavar="SLUG", help="the owning team (default: your only team)")
    register.add_argument("--description")
    register.add_argument("--source", help="provenance: where the data comes from and how it was obtained")
    register.add_argument("--licence")
    register.add_argument("--collection-period", help="e.g. 2024-01 to 2025-12")
    register.add_argument("--geographic-scope")
    register.add_argument("--demographic-scope")
    register.add_argument("--labelling-procedure")
    register.add_argument("--personal-data", action="store_true", help="the dataset holds personal data")
    register.add_argument("--special-categories", action="store_true", help="special categories of personal data (Art. 10(5))")
    register.add_argument("--known-limitations")
    register.add_argument("--bias-examined", metavar="TEXT", help="what was examined for possible biases (Art. 10(2)(f))")
    register.add_argument("--bias-outcome", metavar="TEXT", help="what the bias examination found")
    register.add_argument("--reason", help="recorded in the audit trail")
    register.add_argument("--exist-ok", action="store_true", help="succeed if a dataset with this name exists")
    version = command("version", "register a version of a dataset: location, size, SHA-256", "dataset_version", sub=sub)
    version.add_argument("name", help="dataset name")
    version.add_argument("--tag", required=True, help="version tag, unique per dataset")
    version.add_argument("--location", required=True, metavar="S3_URI", help="where it lives, e.g. s3://bucket/prefix/")
    version.add_argument("--records", type=int, metavar="N", help="size in records")
    digest = version.add_mutually_exclusive_group()
    digest.add_argument("--sha256", metavar="DIGEST", help="SHA-256 (64 hex characters; MLflow's `sha256:<hex>` accepted)")
    digest.add_argument("--file", metavar="PATH", help="compute the SHA-256 from this local copy")
    version.add_argument("--description")


def add_version_inputs(version: argparse.ArgumentParser) -> None:
    """`govhub version` options that declare what the version was built from."""
    version.add_argument("--dataset", action="append", metavar="ROLE=NAME@TAG",
                         help="a dataset version it was trained, validated or tested on (ROLE: training, validation, testing); repeatable")
    version.add_argument("--base-model", metavar="NAME@TAG", help="the registered model version it was built from")
    version.add_argument("--external-base-model", metavar="PROVIDER/NAME[@VERSION]", help="a third-party base model")
    version.add_argument("--gpai", action="store_true", help="the external base model is a general-purpose AI model")
    version.add_argument("--base-model-docs", metavar="URL", help="the external base model's documentation (Annex XII)")
