"""What the quiz store hands the core: asked questions, quiz runs and the outcome of an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tutor.quiz.items import Item


@dataclass(frozen=True)
class AskedQuestion:
    """A question put to a learner in a quiz run; answered once at most."""

    token: str
    learner_id: int
    item_id: str
    run_id: int
    lang: str
    asked_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class QuizRun:
    """A run of questions started by /quiz (a "session" in the store)."""

    id: int
    module_id: str | None
    asked: int
    correct: int
    length: int
    closed: bool


@dataclass(frozen=True)
class Outcome:
    """What happened to an answer: recorded, or why not."""

    status: str  # recorded | unknown | not_yours | stale (its run ended) | already_answered | removed
    item: Item | None = None
    correct: bool = False
    lapses: int = 0
    run: QuizRun | None = None


@dataclass(frozen=True)
class CardState:
    """One of a learner's FSRS cards, as progress needs it."""

    module_id: str
    item_id: str
    card_json: str
    lapses: int
