"""The classification questionnaire: versioned data shipped with the hub, each question citing its provision."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from govhub.errors import ValidationFailedError

SectionId = Literal["prohibited", "annex_i", "annex_iii", "derogations", "transparency", "gpai", "context"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Frozen):
    id: SectionId
    title: Text
    provision: Text


class Question(_Frozen):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,80}$")]
    section: SectionId
    provision: Text
    text: Text
    help: Text | None = None
    area: str | None = None
    # asked only when this question (or any of these) is answered yes; unasked questions count as no
    ask_if: str | tuple[str, ...] | None = None

    def asked(self, answers: dict[str, bool]) -> bool:
        if self.ask_if is None:
            return True
        conditions = (self.ask_if,) if isinstance(self.ask_if, str) else self.ask_if
        return any(answers.get(condition, False) for condition in conditions)


class Questionnaire(_Frozen):
    schema_id: Literal["govhub.classification.questionnaire/1"] = Field(alias="schema")
    version: Text
    title: Text
    law: Text
    answer_type: Text
    sections: tuple[Section, ...]
    areas: dict[str, str]
    questions: tuple[Question, ...]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def ids(self, section: str) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if q.section == section)

    def validate_answers(self, raw: dict[str, Any]) -> dict[str, bool]:
        """Answers keyed by question id, each true or false; unknown ids and other values are refused (422).

        A question asked only on a condition that is not met counts as no, whatever was sent."""
        known = {q.id for q in self.questions}
        problems = [{"field": f"answers.{key}", "message": "no such question in questionnaire " + self.version, "type": "unknown_question"}
                    for key in raw if key not in known]
        problems += [{"field": f"answers.{key}", "message": "answer true (yes) or false (no)", "type": "bool_type"}
                     for key, value in raw.items() if key in known and not isinstance(value, bool)]
        if problems:
            raise ValidationFailedError("Some answers do not fit the questionnaire.", problems)
        answers = {q.id: bool(raw.get(q.id, False)) for q in self.questions}
        for q in self.questions:  # in document order: a condition is always asked before what it conditions
            if not q.asked(answers):
                answers[q.id] = False
        return answers


@lru_cache(maxsize=1)
def questionnaire() -> Questionnaire:
    text = resources.files("govhub.classification").joinpath("questionnaire.json").read_text(encoding="utf-8")
    return Questionnaire.model_validate(json.loads(text))
