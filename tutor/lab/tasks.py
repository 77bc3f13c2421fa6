"""The lab's tasks: small labelled datasets in ``knowledge/lab/<task-id>.yaml``, French and English in one file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tutor import yamlfile

LANGS = ("fr", "en")
TASK_ID = r"^[a-z][a-z0-9-]{2,19}$"  # short: it travels in every button of the task, with the example id
Split = Literal["train", "test", "pool"]  # pool: unlabelled, for the learner to label


class TaskText(BaseModel):
    """One language of a task: what the learner reads."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=3, max_length=40)
    intro: str = Field(min_length=20, max_length=400)
    labels: dict[str, str]
    skew: str = Field(min_length=20, max_length=500)


class Group(BaseModel):
    """The words that mark one group in the texts, per language; the proxy a fix can remove."""

    model_config = ConfigDict(extra="forbid")
    fr: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)

    def words(self, lang: str) -> list[str]:
        """The group's words in a language (French for an unknown one)."""
        return self.en if lang == "en" else self.fr


class Question(BaseModel):
    """A reflection question that closes the task, and the course section that helps answer it."""

    model_config = ConfigDict(extra="forbid")
    section: str = Field(pattern=r"^l[1-3]-\d{2}-[a-z0-9-]+#[a-z0-9-]+$")  # <module-id>#<section-id>
    fr: str = Field(min_length=10, max_length=300)
    en: str = Field(min_length=10, max_length=300)

    def text(self, lang: str) -> str:
        """The question in a language (French for an unknown one)."""
        return self.en if lang == "en" else self.fr


class Pair(BaseModel):
    """A counterfactual pair per language: the same text with one word changed."""

    model_config = ConfigDict(extra="forbid")
    fr: tuple[str, str]
    en: tuple[str, str]


class Skew(BaseModel):
    """The deliberate skew of the shipped data: which groups, and the pair that shows it."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["proxy", "under-represented"]
    groups: list[Group] = Field(min_length=1, max_length=3)
    pair: Pair


class Example(BaseModel):
    """One short text in both languages; ``label`` is the historical decision (none in the pool)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9]{1,4}$")
    split: Split
    label: str | None = None
    fr: str = Field(min_length=5, max_length=200)
    en: str = Field(min_length=5, max_length=200)

    def text(self, lang: str) -> str:
        """The text in a language (French for an unknown one)."""
        return self.en if lang == "en" else self.fr


class LabTask(BaseModel):
    """A task of the lab: its labels, texts, skew, reflection questions and examples."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=TASK_ID)
    labels: list[str] = Field(min_length=2, max_length=3)
    skew: Skew
    reflection: list[Question] = Field(min_length=2, max_length=3)
    fr: TaskText
    en: TaskText
    examples: list[Example] = Field(min_length=40, max_length=150)

    @model_validator(mode="after")
    def _consistent(self) -> LabTask:
        for lang in LANGS:
            if set(self.text(lang).labels) != set(self.labels):
                raise ValueError(f"{self.id}: the {lang} label names must be exactly {self.labels}")
        ids = [e.id for e in self.examples]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.id}: example ids must be unique")
        for e in self.examples:
            if (e.split == "pool") != (e.label is None) or (e.label is not None and e.label not in self.labels):
                raise ValueError(f"{self.id}: {e.id}: a pool example has no label, others one of {self.labels}")
        return self

    def text(self, lang: str) -> TaskText:
        """The task's texts in a language (French for an unknown one)."""
        return self.en if lang == "en" else self.fr

    def split(self, split: Split) -> list[Example]:
        """The examples of one split, in file order."""
        return [e for e in self.examples if e.split == split]

    @cached_property
    def by_id(self) -> dict[str, Example]:
        """Examples by id."""
        return {e.id: e for e in self.examples}


def read_task(path: Path) -> LabTask:
    """One task file; raises ValueError with the reason when it does not load."""
    try:
        return LabTask.model_validate(yamlfile.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {str(exc).splitlines()[0]} {str(exc).splitlines()[1:3]}") from exc


class LabTasks:
    """The shipped tasks, read from their folder on first use and kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._tasks: dict[str, LabTask] | None = None

    def all(self) -> list[LabTask]:
        """Every task, by file name."""
        if self._tasks is None:
            paths = sorted(self.folder.glob("*.yaml")) if self.folder.is_dir() else []
            self._tasks = {task.id: task for task in map(read_task, paths)}
        return list(self._tasks.values())

    def get(self, task_id: str) -> LabTask | None:
        """A task by id."""
        return next((task for task in self.all() if task.id == task_id), None)
