"""The deterministic classifier: answers → suggested risk level, the basis (each conclusion with the answer that
caused it) and flags. Pure: the same answers and questionnaire always give the same result.

Order of the law: a prohibited practice (Art. 5) is unacceptable; a safety component of an Annex I product that
needs third-party assessment (Art. 6(1)) or an Annex III use (Art. 6(2)) is high, unless an Art. 6(3) derogation
applies, which it never does when the system profiles natural persons; otherwise an Art. 50 case is limited,
and anything else minimal. GPAI and registration are flags beside the level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from govhub.classification.questionnaire import Questionnaire, questionnaire
from govhub.domain.lifecycle import RiskLevel

Effect = Literal["level", "derogation", "flag"]
# Annex III point 2 systems are registered at national level (Art. 49(5)), not in the EU database
NATIONAL_REGISTRATION = "annex3_2_critical_infrastructure"


@dataclass(frozen=True)
class Basis:
    provision: str
    reason: str
    question_id: str | None = None
    effect: Effect = "level"

    def as_json(self) -> dict[str, Any]:
        return {"provision": self.provision, "reason": self.reason, "question_id": self.question_id, "effect": self.effect}


@dataclass(frozen=True)
class Classification:
    suggested_risk_level: RiskLevel
    basis: tuple[Basis, ...]
    questionnaire_version: str
    high_risk_route: Literal["annex_i", "annex_iii"] | None = None
    flags: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "suggested_risk_level": self.suggested_risk_level.value,
            "questionnaire_version": self.questionnaire_version,
            "basis": [b.as_json() for b in self.basis],
            "flags": dict(self.flags, high_risk_route=self.high_risk_route),
        }


def classify(answers: dict[str, bool], document: Questionnaire | None = None) -> Classification:
    """`answers` as validated by `Questionnaire.validate_answers` (every id present, unasked ones false)."""
    document = document or questionnaire()

    def yes(section: str) -> list[str]:
        return [qid for qid in document.ids(section) if answers.get(qid)]

    def because(qid: str, effect: Effect = "level", prefix: str = "") -> Basis:
        q = document.question(qid)
        return Basis(q.provision, f"{prefix}Answered yes to '{qid}': {q.text}", qid, effect)

    prohibited = yes("prohibited")
    annex_i = bool(answers.get("annex1_safety_component") and answers.get("annex1_third_party_assessment"))
    annex_iii = yes("annex_iii")
    profiling = bool(answers.get("art6_3_profiling"))
    derogations = [qid for qid in yes("derogations") if qid != "art6_3_profiling"]
    transparency = yes("transparency")
    gpai = [qid for qid in ("gpai_is_model", "gpai_builds_on") if answers.get(qid)]
    systemic = bool(answers.get("gpai_systemic_risk"))

    basis: list[Basis] = []
    route: Literal["annex_i", "annex_iii"] | None = None
    derogated = False
    if prohibited:
        level = RiskLevel.UNACCEPTABLE
        basis += [because(qid) for qid in prohibited]
    else:
        annex_iii_high = bool(annex_iii) and (profiling or not derogations)
        if annex_i:
            basis.append(Basis("Art. 6(1), Annex I",
                               "Answered yes to 'annex1_safety_component' and 'annex1_third_party_assessment': a safety component "
                               "of an Annex I product that needs third-party conformity assessment is high risk.",
                               "annex1_third_party_assessment"))
        if annex_iii_high:
            basis += [because(qid) for qid in annex_iii]
            if profiling and derogations:
                listed = ", ".join(derogations)
                basis.append(Basis("Art. 6(3), last subparagraph",
                                   f"Answered yes to 'art6_3_profiling': a system of Annex III that profiles natural persons is always "
                                   f"high risk, so the derogation(s) claimed ({listed}) do not apply.", "art6_3_profiling"))
            elif profiling:
                basis.append(because("art6_3_profiling", prefix="Profiling of natural persons keeps it high risk (no derogation can apply). "))
        elif annex_iii:
            derogated = True
            points = ", ".join(document.question(qid).provision for qid in annex_iii)
            basis += [because(qid, "derogation",
                              prefix=f"Not high risk despite {points}, as it does not pose a significant risk of harm (Art. 6(3)). ")
                      for qid in derogations]
        if annex_i or annex_iii_high:
            level = RiskLevel.HIGH
            route = "annex_iii" if annex_iii_high else "annex_i"  # both: the earlier Annex III date governs
        elif transparency:
            level = RiskLevel.LIMITED
        else:
            level = RiskLevel.MINIMAL
        if level is not RiskLevel.HIGH:
            basis += [because(qid) for qid in transparency]
        else:
            basis += [because(qid, "flag", prefix="Transparency duties apply besides: ") for qid in transparency]
    if level is RiskLevel.MINIMAL and not derogated:
        basis.append(Basis("Art. 5, Art. 6, Art. 50",
                           "No answer places the system in a prohibited practice, a high-risk category or a transparency case."))
    elif level is RiskLevel.MINIMAL:
        basis.append(Basis("Art. 6(3), Art. 50", "With the Art. 6(3) derogation and no transparency case, the system is minimal risk."))
    basis += [because(qid, "flag", prefix="General-purpose AI duties (Chapter V) apply: ") for qid in gpai]
    if systemic and gpai:
        basis.append(because("gpai_systemic_risk", "flag", prefix="Systemic-risk duties (Art. 55) apply: "))

    eu_points = [qid for qid in annex_iii if qid != NATIONAL_REGISTRATION]
    registration = derogated or (level is RiskLevel.HIGH and route == "annex_iii" and bool(eu_points))
    if level is RiskLevel.HIGH and route == "annex_iii" and not eu_points:
        basis.append(Basis("Art. 49(5)", "Annex III point 2 systems are registered at national level, not in the EU database.",
                           NATIONAL_REGISTRATION, "flag"))
    if registration:
        provision = "Art. 49(2)" if derogated else "Art. 49(1)"
        why = ("a provider who concludes that an Annex III system is not high risk registers it before placing it on the market"
               if derogated else "a high-risk system of Annex III is registered in the EU database before it is placed on the market")
        basis.append(Basis(provision, f"Registration required: {why}.", None, "flag"))
    flags = {
        "registration_required": registration,
        "national_registration": level is RiskLevel.HIGH and route == "annex_iii" and not eu_points,
        "art6_3_derogation": derogated,
        "derogations": derogations if derogated else [],
        "annex_iii_points": [document.question(qid).provision for qid in annex_iii],
        "profiling": profiling,
        "transparency": [document.question(qid).provision for qid in transparency],
        "gpai": bool(gpai),
        "gpai_systemic_risk": systemic and bool(gpai),
        "prohibited": bool(prohibited),
    }
    return Classification(level, tuple(basis), document.version, route, flags)
