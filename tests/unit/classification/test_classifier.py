"""The questionnaire's branches: answer sets → the suggested level and the provisions of its basis."""

from __future__ import annotations

import pytest

from govhub.classification.classifier import classify
from govhub.classification.questionnaire import questionnaire
from govhub.domain.lifecycle import RiskLevel
from govhub.errors import ValidationFailedError


def run(answers: dict[str, bool]):  # noqa: ANN201
    return classify(questionnaire().validate_answers(answers))


def level_provisions(answers: dict[str, bool]) -> tuple[str, list[str]]:
    result = run(answers)
    return result.suggested_risk_level.value, [b.provision for b in result.basis if b.effect == "level"]


CV_SCREENING = {"annex3_4_a_recruitment": True}
TABLE = [
    # (case, answers, expected level, the provisions that decide it)
    ("nothing", {}, "minimal", ["Art. 5, Art. 6, Art. 50"]),
    ("CV screening", CV_SCREENING, "high", ["Annex III 4(a)"]),
    ("customer-service chatbot", {"art50_1_interacts_with_people": True}, "limited", ["Art. 50(1)"]),
    ("social scoring", {"art5_1_c_social_scoring": True}, "unacceptable", ["Art. 5(1)(c)"]),
    ("profiling with a procedural-task derogation", {**CV_SCREENING, "art6_3_a_narrow_procedural_task": True, "art6_3_profiling": True},
     "high", ["Annex III 4(a)", "Art. 6(3), last subparagraph"]),
    ("profiling without a derogation claimed", {**CV_SCREENING, "art6_3_profiling": True}, "high", ["Annex III 4(a)", "Art. 6(3), last subparagraph"]),
    ("procedural-task derogation, no profiling", {**CV_SCREENING, "art6_3_a_narrow_procedural_task": True}, "minimal", ["Art. 6(3), Art. 50"]),
    ("derogation and a chatbot", {"annex3_5_b_credit_scoring": True, "art6_3_d_preparatory_task": True, "art50_1_interacts_with_people": True},
     "limited", ["Art. 50(1)"]),
    ("Annex I safety component needing third-party assessment", {"annex1_safety_component": True, "annex1_third_party_assessment": True},
     "high", ["Art. 6(1), Annex I"]),
    ("Annex I safety component without third-party assessment", {"annex1_safety_component": True}, "minimal", ["Art. 5, Art. 6, Art. 50"]),
    ("third-party assessment asked only for a safety component", {"annex1_third_party_assessment": True}, "minimal", ["Art. 5, Art. 6, Art. 50"]),
    ("a prohibited practice outranks everything", {"art5_1_f_emotion_workplace": True, **CV_SCREENING, "art50_2_synthetic_content": True},
     "unacceptable", ["Art. 5(1)(f)"]),
    ("high risk with a transparency case", {**CV_SCREENING, "art50_1_interacts_with_people": True}, "high", ["Annex III 4(a)"]),
    ("derogations are asked only for Annex III systems", {"art6_3_a_narrow_procedural_task": True}, "minimal", ["Art. 5, Art. 6, Art. 50"]),
    ("a general-purpose model alone is minimal", {"gpai_is_model": True}, "minimal", ["Art. 5, Art. 6, Art. 50"]),
]
TABLE += [(f"every Art. 5 practice: {q.id}", {q.id: True}, "unacceptable", [q.provision])
          for q in questionnaire().questions if q.section == "prohibited"]
TABLE += [(f"every Annex III point: {q.id}", {q.id: True}, "high", [q.provision])
          for q in questionnaire().questions if q.section == "annex_iii"]
TABLE += [(f"every Art. 50 case: {q.id}", {q.id: True}, "limited", [q.provision])
          for q in questionnaire().questions if q.section == "transparency"]
TABLE += [(f"every derogation: {qid}", {**CV_SCREENING, qid: True}, "minimal", ["Art. 6(3), Art. 50"])
          for qid in ("art6_3_a_narrow_procedural_task", "art6_3_b_improves_human_activity", "art6_3_c_detects_patterns", "art6_3_d_preparatory_task")]


@pytest.mark.parametrize(("answers", "level", "provisions"), [case[1:] for case in TABLE], ids=[case[0] for case in TABLE])
def test_each_answer_set_gives_its_level_and_basis(answers: dict[str, bool], level: str, provisions: list[str]) -> None:
    assert level_provisions(answers) == (level, provisions)


def test_each_conclusion_names_the_answer_that_caused_it() -> None:
    result = run({**CV_SCREENING, "art6_3_a_narrow_procedural_task": True, "art6_3_profiling": True})
    assert [b.question_id for b in result.basis if b.effect == "level"] == ["annex3_4_a_recruitment", "art6_3_profiling"]
    assert "art6_3_a_narrow_procedural_task" in result.basis[1].reason and "always high risk" in result.basis[1].reason


def test_registration_is_required_for_annex_iii_high_risk_and_for_a_derogation() -> None:
    assert run(CV_SCREENING).flags["registration_required"] is True
    derogated = run({**CV_SCREENING, "art6_3_b_improves_human_activity": True})
    assert derogated.flags["registration_required"] is True and derogated.flags["art6_3_derogation"] is True
    assert [b.provision for b in derogated.basis if b.effect == "flag"] == ["Art. 49(2)"]
    assert run({"annex1_safety_component": True, "annex1_third_party_assessment": True}).flags["registration_required"] is False
    assert run({"art50_1_interacts_with_people": True}).flags["registration_required"] is False


def test_critical_infrastructure_is_registered_nationally() -> None:
    result = run({"annex3_2_critical_infrastructure": True})
    assert (result.suggested_risk_level, result.flags["registration_required"], result.flags["national_registration"]) == (RiskLevel.HIGH, False, True)


def test_gpai_and_systemic_risk_are_flags_beside_the_level() -> None:
    result = run({"gpai_builds_on": True, "gpai_systemic_risk": True, "art50_2_synthetic_content": True})
    assert result.suggested_risk_level is RiskLevel.LIMITED
    assert (result.flags["gpai"], result.flags["gpai_systemic_risk"]) == (True, True)
    assert run({"gpai_systemic_risk": True}).flags["gpai_systemic_risk"] is False  # asked only for a GPAI model or system


def test_the_high_risk_route_dates_the_obligations() -> None:
    assert run({"annex1_safety_component": True, "annex1_third_party_assessment": True}).high_risk_route == "annex_i"
    assert run({**CV_SCREENING, "annex1_safety_component": True, "annex1_third_party_assessment": True}).high_risk_route == "annex_iii"


def test_unknown_questions_and_non_boolean_answers_are_refused() -> None:
    with pytest.raises(ValidationFailedError) as refused:
        questionnaire().validate_answers({"vibes": True, "annex3_4_a_recruitment": "yes"})
    assert [(p["field"], p["type"]) for p in refused.value.details] == [("answers.vibes", "unknown_question"),
                                                                       ("answers.annex3_4_a_recruitment", "bool_type")]


def test_the_questionnaire_covers_the_act_and_cites_a_provision_for_each_question() -> None:
    document = questionnaire()
    provisions = {q.provision for q in document.questions}
    assert {f"Art. 5(1)({p})" for p in "abcdefgh"} <= provisions
    assert {"Annex III 1(a)", "Annex III 2", "Annex III 4(a)", "Annex III 5(b)", "Annex III 5(c)", "Annex III 6(e)", "Annex III 7(d)",
            "Annex III 8(b)"} <= provisions
    assert {f"Art. 6(3)({p})" for p in "abcd"} | {"Art. 50(1)", "Art. 50(2)", "Art. 50(3)", "Art. 50(4)"} <= provisions
    assert len({q.id for q in document.questions}) == len(document.questions) and document.version == "2026.12.1"
