"""Extractive answers: the sentences of the retrieved passages that best match the question."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tutor.domain import Passage
from tutor.ports import Embedder
from tutor.retrieval.lexical import Tokenizer

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(\[A-ZÀ-Ý])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:art|arts|al|cf|p|pp|no|n°|vol|ch|e\.g|i\.e|etc|M|Dr|Mr|Mrs|St|vs)|\b[A-Z])\.$", re.I
)


def _sentences(block: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_END.split(block):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, without Markdown markers."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )", text):
        block = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", block.strip()).replace("\n", " ")
        block = re.sub(r"\*\*|__|`", "", block)
        out.extend(s.strip() for s in _sentences(block) if len(s.strip()) > 25)
    return out


@dataclass(frozen=True)
class Extract:
    """A sentence chosen for the answer and the passage it comes from (index into the passages)."""

    sentence: str
    passage_index: int


def extract(
    question: str,
    passages: list[Passage],
    embedder: Embedder,
    lang: str,
    max_sentences: int = 3,
    query_vector: np.ndarray | None = None,
) -> list[Extract]:
    """The sentences that best answer the question, in reading order within each passage; ``query_vector`` is the
    question as retrieval embedded it (embedded here only when not given)."""
    candidates = [(i, s) for i, p in enumerate(passages) for s in split_sentences(p.text)]
    if not candidates:
        return []
    qv = query_vector if query_vector is not None else embedder.embed_query(question)
    sv = embedder.embed_passages([s for _, s in candidates])
    tokenize = Tokenizer(lang)
    q_terms = set(tokenize(question))
    scores = sv @ qv + np.array([_overlap(q_terms, tokenize(s)) for _, s in candidates]) * 0.1
    # passages earlier in the ranking are more likely to answer: favour them gently
    scores -= np.array([0.01 * i for i, _ in candidates])
    best = sorted(np.argsort(-scores)[:max_sentences])
    return [Extract(candidates[j][1], candidates[j][0]) for j in best]


def _overlap(q_terms: set[str], s_terms: list[str]) -> float:
    return len(q_terms & set(s_terms)) / len(q_terms) if q_terms else 0.0
