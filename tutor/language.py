"""Guessing whether a text is French or English, from its function words and accents."""

from __future__ import annotations

import re

_FR = set(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "sont",
        "que",
        "qui",
        "quoi",
        "pourquoi",
        "comment",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "ce",
        "cette",
        "ces",
        "dans",
        "pour",
        "pas",
        "avec",
        "sur",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "elles",
        "mon",
        "ma",
        "mes",
        "son",
        "sa",
        "ses",
        "au",
        "aux",
        "ou",
        "où",
        "mais",
        "donc",
        "c'est",
        "qu'est-ce",
        "est-ce",
        "peut",
        "faut",
        "être",
        "avoir",
        "fait",
        "très",
        "aussi",
        "plus",
        "moins",
        "entre",
        "sans",
        "chez",
    ]
)
_EN = set(
    [
        "the",
        "a",
        "an",
        "and",
        "is",
        "are",
        "that",
        "which",
        "what",
        "why",
        "how",
        "who",
        "this",
        "these",
        "those",
        "in",
        "for",
        "not",
        "with",
        "on",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "my",
        "your",
        "his",
        "her",
        "its",
        "of",
        "to",
        "or",
        "but",
        "so",
        "can",
        "does",
        "do",
        "did",
        "be",
        "have",
        "has",
        "very",
        "also",
        "more",
        "less",
        "between",
        "without",
        "about",
        "from",
        "it",
        "there",
    ]
)
_WORD = re.compile(r"[a-zà-ÿ'’-]+")
LANGUAGES = ("fr", "en")  # the languages the tutor answers in


def detect_language(text: str) -> str | None:
    """'fr', 'en', or None when the text gives no clear signal (too short, mixed, emoji...)."""
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    fr: float = sum(w in _FR or w.split("'")[0] + "'" in {"l'", "d'", "qu'", "n'", "j'", "s'", "c'"} for w in words)
    en = sum(w in _EN for w in words)
    fr += len(re.findall(r"[éèêàçùûôî]", text.lower())) * 0.5
    if fr == en or max(fr, en) < 1:
        return None
    if fr > en * 1.5:
        return "fr"
    if en > fr * 1.5:
        return "en"
    return None
