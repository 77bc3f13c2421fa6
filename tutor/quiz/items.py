"""Quiz items as the core uses them, and loading the YAML banks of ``knowledge/quizzes`` into the store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor import yamlfile
from tutor.content.schema import QuizBank


@dataclass(frozen=True)
class ItemText:
    """One language of an item."""

    question: str
    explanation: str
    options: tuple[str, ...] = ()
    answer: int | None = None
    accepted: tuple[str, ...] = ()

    def correct_text(self) -> str:
        """The right answer as a learner would read it."""
        if self.answer is not None:
            return self.options[self.answer]
        return self.accepted[0] if self.accepted else ""

    def search_text(self) -> str:
        """What the item says, as one searchable text: the question, its right answer, the explanation."""
        return f"{self.question} {self.correct_text()}. {self.explanation}".strip()


@dataclass(frozen=True)
class Item:
    """A quiz item with its texts per language."""

    id: str
    module_id: str
    section_id: str
    kind: str
    difficulty: int
    level: int
    texts: dict[str, ItemText]

    def text(self, lang: str) -> ItemText:
        """The item in ``lang``, or in French when it has no such language."""
        return self.texts.get(lang) or self.texts.get("fr") or next(iter(self.texts.values()))

    def body_json(self) -> str:
        """The texts as stored."""
        return json.dumps({lang: t.__dict__ for lang, t in self.texts.items()}, ensure_ascii=False)


def texts_from_json(body: str) -> dict[str, ItemText]:
    """Texts per language from the stored JSON."""
    data: dict[str, dict[str, Any]] = json.loads(body)
    return {
        lang: ItemText(
            question=t["question"],
            explanation=t.get("explanation", ""),
            options=tuple(t.get("options") or ()),
            answer=t.get("answer"),
            accepted=tuple(t.get("accepted") or ()),
        )
        for lang, t in data.items()
    }


def _level(module_id: str) -> int:
    return int(module_id[1]) if module_id[:1] == "l" and module_id[1:2].isdigit() else 1


def load_banks(folder: Path) -> list[Item]:
    """Every item of every bank in the folder (banks are validated by the content schema)."""
    items = []
    for path in sorted(folder.glob("*.yaml")):
        bank = QuizBank.model_validate(yamlfile.safe_load(path.read_text(encoding="utf-8")))
        for it in bank.items:
            texts = {
                lang: ItemText(
                    question=t.question,
                    explanation=t.explanation,
                    options=tuple(t.options or ()),
                    answer=t.answer,
                    accepted=tuple(t.accepted or ()),
                )
                for lang, t in (("fr", it.fr), ("en", it.en))
            }
            items.append(Item(it.id, bank.module, it.section, it.type, it.difficulty, _level(bank.module), texts))
    return items
