"""The compliance report PDF, read back the way a person or a tool would: text via pdftotext (poppler)."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_pdf import render_pdf
from report_samples import report_inputs, sample_content

from govhub.reports.content import build_report_content

SECTION_HEADINGS = [
    "1. General description and intended purpose",
    "2. Versions and artifacts",
    "3. Data sources and data governance",
    "4. Human oversight",
    "5. Validation, testing and fairness metrics",
    "6. Risk classification and risk management",
    "7. EU AI Act obligations",
    "8. Lifecycle changes and approval history",
    "9. Post-market monitoring and serious incidents",
    "10. Documentation gaps and findings",
]
MARKUP_NAME = '<font color="red">Модель Ωμέγα</font> & <a href="javascript:alert(1)">café</a> <b>naïve'
MARKUP_DESCRIPTION = (
    "Ünïcödé <i>unclosed & <br> tags </para> &amp; &nbsp; <img src=x> Παράδειγμα Пример Straße façade smörgåsbord"
)


def pdftotext(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page, as pdftotext extracts it."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make system-deps)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sample() -> tuple[dict, bytes]:
    content = sample_content(versions=3, metrics_per_version=10, audit_entries=120)
    return content, render_pdf(content)


@pytest.fixture
def pages(sample: tuple[dict, bytes], tmp_path: Path) -> list[str]:
    return pdftotext(sample[1], tmp_path)


def test_the_output_is_a_pdf(sample: tuple[dict, bytes]) -> None:
    assert sample[1].startswith(b"%PDF-") and sample[1].rstrip().endswith(b"%%EOF")


def test_every_section_heading_is_in_the_text(pages: list[str]) -> None:
    text = flat("\n".join(pages[2:]))
    for heading in SECTION_HEADINGS:
        assert heading in text


def test_the_cover_shows_model_risk_status_owner_generator_report_id_and_hash(
    sample: tuple[dict, bytes], pages: list[str]
) -> None:
    content = sample[0]
    cover = flat(pages[0])
    for expected in (
        "Compliance Report",
        "fraud-detector-v2",
        "HIGH RISK",
        "UNDER REVIEW",
        "ML Team",
        "2026-11-25 14:03:11 UTC",
        "clara.compliance · auditor",
        "rpt-2026-11-25-0007",
        content["content_sha256"],
        "Documentation gaps None",
        "Findings 2 high, 1 medium",
        "Policy thresholds (latest version) 2 of 3 failed",
        "30 metric value(s) on 3 version(s), 9 on fairness/bias",
        "Audit trail 120 record(s) · chain verified",
    ):
        assert expected in cover


def test_the_model_values_appear_in_their_sections(sample: tuple[dict, bytes], pages: list[str]) -> None:
    text = flat("\n".join(pages))
    model = report_inputs()["model"]
    for field in ("description", "intended_purpose", "data_sources", "oversight_plan", "risk_justification"):
        assert flat(model[field]) in text
    for version in report_inputs(versions=3)["versions"]:
        assert version["version_tag"] in text
        assert version["sha256"] in text.replace(" ", "")


def test_the_table_of_contents_gives_the_page_of_each_section(
    sample: tuple[dict, bytes], pages: list[str], tmp_path: Path
) -> None:
    contents = pdftotext(sample[1], tmp_path, layout=True)[1]
    assert "Contents" in contents
    for heading in SECTION_HEADINGS:
        match = re.search(re.escape(heading) + r"[ .]*(\d+)", contents)
        assert match, heading
        page_number = int(match.group(1))
        assert heading in flat(pages[page_number - 1])


def test_every_page_has_the_footer_page_x_of_y_and_body_pages_the_running_header(pages: list[str]) -> None:
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
    for page in pages[1:]:
        assert "EU AI Act compliance report" in page
        assert "fraud-detector-v2 · Report rpt-2026-11-25-0007" in page


def test_fairness_metrics_are_called_out_and_results_spelled_out(pages: list[str]) -> None:
    text = flat("\n".join(pages))
    assert "5.2 Fairness and bias metrics" in text
    assert "fairness/bias metric value(s)" in text
    assert "FAIRNESS" in text
    assert "PASS" in text and "FAIL" in text
    assert "Policy “High-risk credit models”" in text


def test_lifecycle_shows_the_chain_verification_head_hash_and_approvals(
    sample: tuple[dict, bytes], pages: list[str]
) -> None:
    text = flat("\n".join(pages))
    verification = next(s for s in sample[0]["sections"] if s["id"] == "lifecycle")["data"]["verification"]
    assert "Verified — hash chain intact over 120 records" in text
    assert verification["head_hash"] in text.replace(" ", "")
    assert "under review → approved" in text
    assert "Review cycle 2: moved to approved" in text


def test_the_gap_list_names_each_missing_annex_iv_item(tmp_path: Path) -> None:
    content = sample_content(oversight_plan="", data_sources=None)
    pages = pdftotext(render_pdf(content), tmp_path)
    cover = flat(pages[0])
    assert "Documentation gaps (3) — see section 10" in cover
    gaps_section = flat("\n".join(pages[2:]))
    gaps_section = gaps_section[gaps_section.rindex("10.1 Documentation gaps") :]
    for item in ("Data sources", "Human oversight plan", "Metrics required by policy"):
        assert item in gaps_section
    assert "3 Annex IV item(s) have no data in the registry yet." in gaps_section


def test_markup_and_non_latin_text_appear_literally(tmp_path: Path) -> None:
    content = sample_content(name=MARKUP_NAME, description=MARKUP_DESCRIPTION, owner="Équipe <ML> & Co")
    text = flat("\n".join(pdftotext(render_pdf(content), tmp_path)))
    assert flat(MARKUP_NAME) in text
    assert flat(MARKUP_DESCRIPTION) in text
    assert "Équipe <ML> & Co" in text


def test_the_unicode_fonts_are_embedded(sample: tuple[dict, bytes], tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(sample[1])
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    embedded = [line for line in fonts.splitlines() if "DejaVuSans" in line]
    assert embedded
    assert all(" yes " in line for line in embedded)  # the "emb" column


def test_a_30000_character_description_wraps_over_several_pages(tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(3600))
    description = f"DESCRIPTION-STARTS {words} DESCRIPTION-ENDS"
    assert len(description) > 30_000
    pages = pdftotext(render_pdf(sample_content(description=description)), tmp_path)
    first = next(i for i, page in enumerate(pages) if "DESCRIPTION-STARTS" in page)
    last = next(i for i, page in enumerate(pages) if "DESCRIPTION-ENDS" in page)
    assert last - first >= 3
    assert "word3599" in pages[last]


def test_unbreakable_text_control_characters_and_glyphs_missing_from_the_font_still_render(tmp_path: Path) -> None:
    content = sample_content(
        description="x" * 30_000,
        intended_purpose="bell\x07 null\x00 tab\tend 中文 🙂",
        oversight_plan="\ud800 lone surrogate",
    )
    pages = pdftotext(render_pdf(content), tmp_path)
    text = flat("\n".join(pages))
    assert "bell null tab end" in text
    assert "lone surrogate" in text


def test_a_huge_audit_reason_is_cut_in_its_table_cell_and_points_to_the_json(tmp_path: Path) -> None:
    inputs = report_inputs(audit_entries=3)
    inputs["audit_records"][1]["reason"] = "because " * 5000
    pages = pdftotext(render_pdf(build_report_content(**inputs)), tmp_path)
    assert "…" in flat("\n".join(pages))


def test_5000_audit_entries_render_on_page_sized_tables(tmp_path: Path) -> None:
    content = sample_content(versions=2, metrics_per_version=3, audit_entries=5000)
    pages = pdftotext(render_pdf(content), tmp_path, layout=True)
    text = "\n".join(pages)
    assert re.search(r"^\s*5000\s+2026-", text, re.MULTILINE)
    log_pages = [p for p in pages if "Changes (before → after)" in p]
    assert len(log_pages) > 50  # the header row repeats on every page of the audit log
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a_model_with_nothing_documented_renders_its_gaps(tmp_path: Path) -> None:
    content = build_report_content(
        model={"id": 1, "name": "bare", "risk_level": "high"},
        versions=[],
        metrics_by_version={},
        audit_records=[],
        verification=None,
        policy=None,
        generated_by={},
        generated_at=report_inputs()["generated_at"],
        report_id="r-1",
    )
    text = flat("\n".join(pdftotext(render_pdf(content), tmp_path)))
    assert f"Documentation gaps ({len(content['gaps'])}) — see section 10" in text
    assert "No version of the system is registered" in text
    assert "Not verified for this report" in text


_ALPHABET = st.sampled_from(
    list(string.ascii_letters + string.digits + string.punctuation)
    + list("ÄÖÜßéèçñåø")
    + list("ΑΒΓΔαβγδλμπωΩ")
    + list("АБВГДЖЗИЙКабвгджзийкЯя")
)
_WORD = st.text(_ALPHABET, min_size=1, max_size=24)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name_words=st.lists(_WORD, min_size=1, max_size=3), description_words=st.lists(_WORD, min_size=1, max_size=30))
def test_any_markup_like_text_in_latin_greek_or_cyrillic_reads_back_literally(
    name_words: list[str], description_words: list[str], tmp_path: Path
) -> None:
    name, description = " ".join(name_words), " ".join(description_words)
    text = flat("\n".join(pdftotext(render_pdf(sample_content(name=name, description=description)), tmp_path)))
    # pdftotext guesses word gaps from glyph positions: between narrow glyphs ("0 0") it may drop a space the PDF
    # has, so the words are compared without the gaps
    assert "".join(name.split()) in "".join(text.split())
    assert "".join(description.split()) in "".join(text.split())


# --- EU AI Act obligations ----------------------------------------------------------------------------------------


def obligations_section(pages: list[str]) -> str:
    """The text of section 7, from its heading (not the table of contents entry) to section 8."""
    text = flat("\n".join(pages[2:]))
    start = text.rindex("7. EU AI Act obligations")
    return text[start : text.index("8. Lifecycle changes and approval history", start)]


HIGH_RISK_ROWS = [
    "Art. 4 AI literacy",
    "Art. 9 Risk management system",
    "Art. 10 Data and data governance",
    "Art. 11, Annex IV Technical documentation",
    "Art. 12 Record-keeping",
    "Art. 13 Transparency and information to deployers",
    "Art. 14 Human oversight",
    "Art. 15 Accuracy, robustness and cybersecurity",
    "Art. 17 Quality management system",
    "Art. 43 Conformity assessment",
    "Art. 47, Art. 48 EU declaration of conformity and CE marking",
    "Art. 49(1) Registration in the EU database",
    "Art. 72 Post-market monitoring",
    "Art. 73 Reporting of serious incidents",
]


def test_the_obligations_section_lists_every_high_risk_article_with_its_status_and_evidence(pages: list[str]) -> None:
    section = obligations_section(pages)
    assert "Articles 4, 9–17, 43, 47–49, 72, 73; Annex IV" in section
    rows = [section.index(row) for row in HIGH_RISK_ROWS]
    assert rows == sorted(rows)  # in the order of the Act
    assert "3 EVIDENCED 1 OPEN 11 NOT IN FORCE" in section
    assert "for the operator role provider (assumed: none is recorded)" in section
    assert "NOT IN FORCE from 2027-12-02" in section and "OPEN from 2025-02-02" in section
    for evidence in (
        "✓ Human oversight plan: documented.",
        "✓ Risk justification: documented.",
        "✓ Policy rule high-risk-documentation: Intended_purpose, data_sources and oversight_plan are documented.",
        "✗ Policy rule accuracy-minimum: accuracy is 0.86, below the minimum 0.9.",
        "✗ Approval: Not approved yet (status under_review).",
        "✓ Hub: Every change to the model, its versions, metrics and the policy set is recorded",
        "→ Outside the hub: Report serious incidents to the market surveillance authority",
    ):
        assert evidence in section, evidence


def test_the_cover_counts_the_obligations_and_the_policy_check(pages: list[str]) -> None:
    cover = flat(pages[0])
    assert "EU AI Act obligations 15 for high risk: 3 evidenced, 1 open, 11 not in force" in cover
    assert "Policy check (next step: approved) 4 rule(s) fail" in cover


def test_the_policy_check_lists_each_rule_with_its_result_article_and_reason(pages: list[str]) -> None:
    section = obligations_section(pages)
    check = section[section.index("7.2 Policy check for the next step") :]
    assert "The step under review → approved, judged against policy v0 “EU AI Act baseline”." in check
    assert "4 rule(s) fail: the model cannot move to approved until they pass." in check
    for row in (
        "high-risk-documentation Art. 11, Annex IV PASS",
        "accuracy-minimum Art. 15 FAIL accuracy is 0.86, below the minimum 0.9.",
        "no-prohibited-practices Art. 5 N/A Applies to unacceptable risk; this model is high risk.",
        "four-eyes-approval Art. 14, Art. 17 N/A Who approves is checked at approval; this check names no approver.",
    ):
        assert row in check, row


@pytest.mark.parametrize(
    ("overrides", "rows", "evidence"),
    [
        (
            {"risk_level": "limited"},
            ["Art. 50 Transparency obligations"],
            ["EVIDENCED", "✓ Intended purpose: documented.", "✓ Policy rule limited-risk-transparency:"],
        ),
        (
            {"risk_level": "unacceptable", "compliance_status": "draft"},
            ["Art. 5 Prohibited AI practices"],
            ["✓ Policy rule no-prohibited-practices: Approval is blocked", "→ Outside the hub: Withdraw the system"],
        ),
        (
            {"risk_level": "minimal"},
            ["Art. 95 Voluntary codes of conduct (voluntary)"],
            ["OPEN from 2026-08-02", "No obligation is mandatory at this risk level."],
        ),
    ],
)
def test_the_obligations_section_follows_the_risk_level(
    overrides: dict, rows: list[str], evidence: list[str], tmp_path: Path
) -> None:
    content = sample_content(**overrides)
    section = obligations_section(pdftotext(render_pdf(content), tmp_path))
    for expected in rows + evidence:
        assert expected in section, expected
    for article in ("Art. 9 ", "Art. 43 ", "Art. 73 "):
        assert article not in section.split("7.2 Policy check")[0]


def test_an_approved_model_is_checked_as_the_policy_monitor_checks_it(tmp_path: Path) -> None:
    content = sample_content(compliance_status="approved", approved_by="ada.admin", approved_at="2026-06-01T10:00:00+00:00")
    pages = pdftotext(render_pdf(content), tmp_path)
    section = obligations_section(pages)
    assert "✓ Approval: Approved by ada.admin on 2026-06-01." in section
    assert "7.2 Policy check of the approved model" in section
    assert "the approved model no longer meets the policy set" in section
    assert "Policy check (approved model)" in flat(pages[0])


def test_a_retired_model_has_no_next_step_to_check(tmp_path: Path) -> None:
    section = obligations_section(pdftotext(render_pdf(sample_content(compliance_status="retired")), tmp_path))
    assert "The model is retired: no step follows" in section
    assert "accuracy-minimum" not in section.split("7.2 Policy check")[1]


def test_the_risk_classification_shows_the_questionnaire_its_basis_and_the_override(tmp_path: Path) -> None:
    inputs = report_inputs()
    inputs["classification"] = {
        "suggested_risk_level": "minimal", "questionnaire_version": "2026.12.1", "operator_role": "provider",
        "classified_by": "omar.owner", "classified_at": "2026-11-20T09:00:00+00:00", "override": True,
        "justification": "Analysts act on its flags <b>", "flags": {"registration_required": False, "gpai": True},
        "basis": [{"provision": "Art. 5, Art. 6, Art. 50", "reason": "No answer places the system in a prohibited practice.",
                   "question_id": None, "effect": "level"}],
    }
    text = flat("\n".join(pdftotext(render_pdf(build_report_content(**inputs)), tmp_path)[2:]))
    section = text[:text.index("Classification history")]
    section = section[section.rindex("6. Risk classification and risk management"):]
    for expected in ("Classification questionnaire", "Suggested level minimal", "Override Yes — justified: Analysts act on its flags <b>",
                     "Operator role provider", "version 2026.12.1, answered by omar.owner on 2026-11-20", "Flags gpai",
                     "Art. 5, Art. 6, Art. 50 No answer places the system in a prohibited practice."):
        assert expected in section, expected


def test_an_unclassified_model_says_so_in_its_risk_section(pages: list[str]) -> None:
    text = flat("\n".join(pages[2:]))
    section = text[:text.index("Classification history")]
    section = section[section.rindex("6. Risk classification and risk management"):]
    assert "The model is not classified with the questionnaire" in section


EVIDENCE = {
    "manifest": {"documents": [
        {"evidence_id": "20261201-abc", "title": "Risk management procedure, issue 3", "kind": "risk_management_procedure",
         "covers": ["art-9", "iso42001:A.5.2"], "status": "signed_off", "current": True, "sha256": "ab" * 32, "size": 1200,
         "valid_until": "2027-06-30T00:00:00+00:00", "signed_off_by": "olga.owner"},
        {"evidence_id": "20261202-def", "title": "Old instructions", "kind": "instructions_for_use", "covers": ["art-13"],
         "status": "withdrawn", "current": False, "sha256": "cd" * 32, "size": 900, "valid_until": None, "signed_off_by": None},
    ]},
    "library_version": 0,
    "frameworks": [{"framework": "iso42001", "title": "ISO/IEC 42001:2023 Annex A",
                    "summary": {"covered": 3, "partial": 1, "open": 5, "not_in_force": 0, "not_applicable": 29}}],
}


def test_the_evidence_index_names_each_document_with_its_hash_and_the_framework_coverage(tmp_path: Path) -> None:
    # Given a model with a current and a withdrawn document / When its report is rendered
    content = build_report_content(**report_inputs(), evidence=EVIDENCE)
    text = flat("\n".join(pdftotext(render_pdf(content), tmp_path)))
    # Then section 11 lists both with kind, covers, status, validity and SHA-256, and the coverage per framework
    assert "11. Evidence documents and framework coverage" in text
    assert "Risk management procedure, issue 3" in text and "art-9, iso42001:A.5.2" in text
    assert "ab" * 32 in text.replace(" ", "") and "2027-06-30" in text
    assert "withdrawn" in text.lower() and "signed off by olga.owner" in text
    assert "ISO/IEC 42001:2023 Annex A" in text


def test_a_model_without_evidence_says_so() -> None:
    content = build_report_content(**report_inputs())
    data = next(s for s in content["sections"] if s["id"] == "evidence")["data"]
    assert data == {"documents": [], "library_version": None, "frameworks": []}


def test_section_3_is_a_datasheet_per_dataset_version_with_the_gpai_base_model(tmp_path: Path) -> None:
    # Given the approved version declares a flagged training dataset and is built on a general-purpose model
    sheet = {
        "role": "training",
        "declared": {"dataset_name": "card-transactions", "version_tag": "2025.12", "sha256": "3f" * 32},
        "dataset": {"name": "card-transactions", "source": "Core banking ledger export", "licence": "internal",
                    "personal_data": True, "special_categories": False, "flagged": True,
                    "flag": {"reason": "labels leaked from the outcome", "by": "omar.owner"},
                    "bias_examination": {"examined": "Flag rates by age band", "outcome": "Within 2 points"}},
        "version": {"location": "s3://datasets/cards/2025.12/", "records": 4_200_000},
    }
    base = {"external": {"provider": "Mistral AI", "name": "mistral-small", "version": "3.1", "gpai": True,
                         "documentation_url": "https://docs.mistral.ai/"}}
    inputs = report_inputs()
    version = {**inputs["versions"][-1], "inputs": {"datasets": [], "base_model": base}}
    content = build_report_content(**inputs, datasheets=[sheet], data_version=version)
    # When the PDF is rendered
    text = " ".join(pdftotext(render_pdf(content), tmp_path))
    # Then section 3 shows the datasheet's facts, the flag, and the base model with its provider documentation
    for expected in ("card-transactions @ 2025.12", "Core banking ledger export", "4,200,000", "Within 2 points",
                     "FLAGGED: labels leaked from the outcome", "general-purpose AI model: Mistral AI mistral-small 3.1",
                     "https://docs.mistral.ai/"):
        assert expected in text, expected
