"""Grading typed answers: normalised, tolerant of typos in proportion to length, strict about negation."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from tutor.retrieval.lexical import strip_accents

_ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "the", "a", "an"}
_NEGATIONS = {
    "not",
    "no",
    "non",
    "pas",
    "ne",
    "n",
    "sans",
    "without",
    "never",
    "jamais",
    "aucun",
    "aucune",
    "none",
    "nor",
    "ni",
    "isn",
    "aren",
    "don",
    "doesn",
    "t",
}


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, no leading article, single spaces."""
    words = re.sub(r"[^\w]+", " ", strip_accents(text.lower())).split()
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def _negated(text: str) -> bool:
    return bool(_NEGATIONS & set(text.split()))


def typo_tolerance(answer: str) -> int:
    """How many edits a typed answer may differ by: none for short words, more for long phrases."""
    n = len(answer)
    return 0 if n <= 3 else 1 if n <= 7 else 2 if n <= 14 else 3


def is_correct(typed: str, accepted: tuple[str, ...]) -> bool:
    """Whether a typed answer matches one of the accepted answers."""
    given = normalise(typed)
    if not given:
        return False
    for candidate in accepted:
        expected = normalise(candidate)
        if not expected or _negated(given) != _negated(expected):
            continue
        if Levenshtein.distance(given, expected) <= typo_tolerance(expected):
            return True
        contained = len(expected) >= 4 and fuzz.partial_ratio(expected, given) >= 90
        if contained and len(given) <= 3 * len(expected) + 12:
            return True
    return False
