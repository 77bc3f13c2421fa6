"""Schema of modules' front matter and of quiz banks (pydantic; ``tutor check-content --schema`` prints it)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Competency = Literal["human-centred-mindset", "ethics-of-ai", "ai-techniques-and-applications", "ai-system-design"]
ID = r"^l[1-3]-\d{2}-[a-z0-9-]+$"
RECAP_SECTION = "recap"  # the id of the section every module ends with


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    url: str | None = None


class ModuleMeta(BaseModel):
    """Front matter of a module file."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID)
    level: Literal[1, 2, 3]
    lang: Literal["fr", "en"]
    title: str = Field(min_length=3)
    summary: str = Field(min_length=10)
    objectives: list[str] = Field(min_length=2, max_length=6)
    competencies: list[Competency] = Field(min_length=1)
    sources: list[Source] = Field(default_factory=list)
    cohort: str | None = None
    url: str | None = None
    reviewed: date | None = None  # when a person last checked the module against its sources


class QuizText(BaseModel):
    """One language of a quiz item."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=5)
    options: list[str] | None = None
    answer: int | None = None
    accepted: list[str] | None = None
    explanation: str = Field(min_length=5, max_length=200)


class QuizItem(BaseModel):
    """A quiz item, in French and English."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^l[1-3]-\d{2}-q\d{2,3}$")
    section: str
    type: Literal["mcq", "short"]
    difficulty: Literal[1, 2, 3]
    fr: QuizText
    en: QuizText

    @model_validator(mode="after")
    def _shape(self) -> QuizItem:
        for text in (self.fr, self.en):
            if self.type == "mcq":
                if not text.options or not 3 <= len(text.options) <= 5:
                    raise ValueError(f"{self.id}: a multiple-choice item needs 3 to 5 options")
                if text.answer is None or not 0 <= text.answer < len(text.options):
                    raise ValueError(f"{self.id}: answer must be the index of one option")
                if len(set(o.strip().lower() for o in text.options)) != len(text.options):
                    raise ValueError(f"{self.id}: options must differ")
            elif not text.accepted:
                raise ValueError(f"{self.id}: a short-answer item needs accepted answers")
        if self.type == "mcq" and self.fr.answer != self.en.answer:
            raise ValueError(f"{self.id}: the correct option differs between fr and en")
        return self


class QuizBank(BaseModel):
    """A module's quiz items."""

    model_config = ConfigDict(extra="forbid")
    module: str = Field(pattern=ID)
    items: list[QuizItem]
