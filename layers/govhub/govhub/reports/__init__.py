"""Compliance report assembly (pure data; the PDF rendering lives in the reports function)."""

from govhub.reports.content import (
    REPORT_SCHEMA,
    build_report_content,
    canonical_json,
    classify_metric,
)

__all__ = ["REPORT_SCHEMA", "build_report_content", "canonical_json", "classify_metric"]
