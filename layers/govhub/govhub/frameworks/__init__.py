"""Frameworks: the EU AI Act obligations crosswalked to ISO/IEC 42001:2023 Annex A controls and NIST AI RMF 1.0
subcategories, as a versioned document admins replace (shipped default: crosswalk.json, sources in
docs/frameworks.md); per model, what covers each control (records, evidence documents, attestations) and what is
open; the organisation's statement of applicability for ISO/IEC 42001."""
