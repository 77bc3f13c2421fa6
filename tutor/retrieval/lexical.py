"""BM25 over the course passages, one index per language, with Snowball stemming and that language's stop words."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

logging.getLogger("bm25s").setLevel(logging.WARNING)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_STEMMERS = {"fr": "french", "en": "english"}
_STOPWORDS = {"fr": STOPWORDS_FRENCH, "en": STOPWORDS_EN}


def strip_accents(text: str) -> str:
    """Remove diacritics, so that 'donnees' finds 'données'."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


class Tokenizer:
    """Lower-case, split, drop stop words, stem, then drop accents (learners often type without them)."""

    def __init__(self, lang: str) -> None:
        self._stemmer = Stemmer.Stemmer(_STEMMERS.get(lang, "english"))
        self._stop = {strip_accents(w) for w in _STOPWORDS.get(lang, STOPWORDS_EN)}

    def __call__(self, text: str) -> list[str]:
        words = []
        for raw in _WORD.findall(text.lower()):
            for w in re.split(r"['’-]", raw):
                if len(w) > 1 and strip_accents(w) not in self._stop:
                    words.append(w)
        return [strip_accents(s) for s in self._stemmer.stemWords(words)]


@dataclass
class LexicalIndex:
    """BM25 scores of every passage of one language for a query."""

    lang: str
    ids: list[str]
    _bm25: bm25s.BM25 | None
    _tokenize: Tokenizer

    @classmethod
    def build(cls, lang: str, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
        """Index the passages of one language."""
        tokenize = Tokenizer(lang)
        corpus = [tokenize(t) or ["_"] for t in texts]
        bm25 = None
        if corpus:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
        return cls(lang, list(ids), bm25, tokenize)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage, in the order of ``ids``."""
        tokens = self._tokenize(query)
        if self._bm25 is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
