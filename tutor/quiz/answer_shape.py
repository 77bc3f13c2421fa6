"""Whether a text typed during a quiz answers the open question, or is something else (a question, a remark).

A learner in the middle of a quiz may ask about the course instead of answering; grading that as a wrong answer
would be unfair, so only a text shaped like an answer is graded: a letter for multiple choice; for a short answer,
a text that is not a question and not much longer than the answers the item accepts.
"""

from __future__ import annotations

import re

from tutor.quiz.grading import normalise
from tutor.quiz.items import Item

LETTERS = "ABCDE"
MIN_WORDS_ALLOWED = 12  # a short answer may be a phrase; past this many words (or 3x the accepted answer) it is prose
_QUESTION_STARTS = re.compile(
    r"^(comment|pourquoi|quel|quelle|quels|quelles|qu\s?est\s?ce|est\s?ce\s?que|c\s?est\s?quoi|combien|quand|ou est"
    r"|what|why|how|who|when|where|which|can you|could you|explain|tell me|expliqu)\b"
)


def chosen_letter(text: str) -> int | None:
    """The option a typed letter names ("B", "b)", "B."), or None."""
    choice = text.strip().upper().rstrip(").")
    return LETTERS.index(choice) if len(choice) == 1 and choice in LETTERS else None


def is_question(text: str) -> bool:
    """A text that asks something: it ends with a question mark or starts with an interrogative word."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_STARTS.match(normalise(stripped)))


def looks_like_answer(text: str, item: Item, lang: str) -> bool:
    """Whether a typed text should be graded as the answer to this item."""
    if item.kind == "mcq":
        return chosen_letter(text) is not None
    if is_question(text):
        return False
    accepted = item.text(lang).accepted
    longest = max((len(a.split()) for a in accepted), default=1)
    return len(text.split()) <= max(MIN_WORDS_ALLOWED, 3 * longest)


# Asking for the open question's answer rather than answering it: "la bonne réponse ?", "which option is it?"
_SEEKS_ANSWER = re.compile(
    r"\b(reponses?|solutions?|corrige|bonne option|quelle option|quelle lettre|laquelle|lequel|indice"
    r"|aide moi a repondre|answers?|which option|which letter|which one|correct option|right option|hint"
    r"|help me answer)\b"
)
OVERLAP_SHARE = 0.5  # a text sharing half the question's content words restates the question


def seeks_answer(text: str, item: Item) -> bool:
    """Whether a text, typed while ``item`` waits for an answer, asks for its answer: it names the answer or an
    option, or restates the question (in either language) to have the course answer it."""
    said = normalise(text)
    if _SEEKS_ANSWER.search(said):
        return True
    words = set(_content_words(said))
    for lang in ("fr", "en"):
        if lang not in item.texts:
            continue
        asked = set(_content_words(normalise(item.text(lang).question)))
        shared = asked & words
        if len(shared) >= 2 and len(shared) >= OVERLAP_SHARE * len(asked):
            return True
    return False


def _content_words(text: str) -> list[str]:
    return [w for w in text.split() if len(w) > 3]
