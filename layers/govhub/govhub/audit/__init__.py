"""The tamper-evident audit trail: record format, hash chain, as-of replay and export bundles.

Pure Python (no AWS): ``audit_stream`` builds and seals records with it, the audit API verifies
and replays them, the export builds bundles that ``govhub audit verify`` checks offline.
"""

from govhub.audit.asof import state_as_of
from govhub.audit.bundle import (
    BUNDLE_FORMAT,
    build_bundle,
    bundle_to_zip,
    record_file_name,
)
from govhub.audit.chain import (
    GENESIS_HASH,
    HASH_RULE,
    SCHEMA,
    CanonicalJSONError,
    ChainVerification,
    RecordFormatError,
    canonical_json,
    encode_record,
    load_record,
    record_hash,
    seal,
    verify_chain,
)
from govhub.audit.record import (
    audit_model_prefix,
    audit_record_key,
    field_changes,
    new_record,
    parse_audit_record_key,
)

__all__ = [
    "BUNDLE_FORMAT",
    "GENESIS_HASH",
    "HASH_RULE",
    "SCHEMA",
    "CanonicalJSONError",
    "ChainVerification",
    "RecordFormatError",
    "audit_model_prefix",
    "audit_record_key",
    "build_bundle",
    "bundle_to_zip",
    "canonical_json",
    "encode_record",
    "field_changes",
    "load_record",
    "new_record",
    "parse_audit_record_key",
    "record_file_name",
    "record_hash",
    "seal",
    "state_as_of",
    "verify_chain",
]
