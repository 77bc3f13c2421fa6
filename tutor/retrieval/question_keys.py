"""The course's own quiz questions as extra search keys for the sections that teach them.

A learner's question looks more like a quiz question than like a paragraph of the course, so each quiz item (question,
right answer and explanation, per language) is embedded and points at its section: the technique of indexing passages
by the questions they answer (doc2query), with questions the course writers wrote anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tutor.ports import Embedder, VectorIndex
from tutor.quiz.items import Item
from tutor.retrieval.embedders import embed_queries

Section = tuple[str, str]  # (module id, section id)
NEAREST = 60


def key_text(item: Item, lang: str) -> str:
    """What a quiz item says, as one searchable text: the question, its answer, the explanation."""
    return item.texts[lang].search_text()


def key_id(item: Item, lang: str, text: str) -> str:
    """Changes when the text or the section does, so that a sync re-embeds exactly the keys that changed and none
    keeps pointing at a section its item left."""
    digest = hashlib.sha256(f"{item.module_id}#{item.section_id}\0{text}".encode()).hexdigest()[:12]
    return f"{item.id}:{lang}:{digest}"


Wanted = dict[str, tuple[str, dict[str, Any]]]  # key id -> (text, metadata)


class QuestionKeys:
    """Quiz questions in their own vector indexes (Chroma collections): as passages (question, answer, explanation),
    searched alongside the chunks; and, when a second index is given, the bare questions embedded as queries, which
    fit the query adapter."""

    def __init__(self, embedder: Embedder, index: VectorIndex, queries: VectorIndex | None = None) -> None:
        self.embedder = embedder
        self.index = index
        self.queries = queries

    def sync(self, items: Sequence[Item]) -> tuple[int, int]:
        """Embeds the keys of new or changed items, removes those of items gone; returns (embedded, removed)."""
        keys: Wanted = {}
        questions: Wanted = {}
        for item in items:
            for lang, texts in item.texts.items():
                meta = {"module": item.module_id, "section": item.section_id, "lang": lang, "level": item.level}
                text = key_text(item, lang)
                keys[key_id(item, lang, text)] = (text, meta | {"cohort": ""})
                questions[key_id(item, lang, texts.question)] = (texts.question, meta | {"cohort": ""})
        result = _sync(self.index, keys, self.embedder.embed_passages)
        if self.queries is not None:
            _sync(self.queries, questions, lambda texts: embed_queries(self.embedder, texts))
        return result

    def question_vectors(self) -> list[tuple[str, np.ndarray, str, str]]:
        """Each quiz question embedded as a query: (key id, vector, "module#section", language)."""
        if self.queries is None:
            return []
        rows = self.queries.everything()
        return [(i, v, f"{m.get('module')}#{m.get('section')}", str(m.get("lang"))) for i, v, m in rows]

    def best_by_section(self, query_vector: np.ndarray, where: dict[str, Any]) -> dict[Section, float]:
        """For each section with a quiz question near the query, the similarity of its nearest one."""
        best: dict[Section, float] = {}
        for _, score, meta in self.index.query_with_metadata(query_vector, NEAREST, where):
            section = (str(meta.get("module")), str(meta.get("section")))
            best[section] = max(best.get(section, -1.0), score)
        return best


def _sync(index: VectorIndex, wanted: Wanted, embed: Callable[[list[str]], np.ndarray]) -> tuple[int, int]:
    stored = index.ids()
    new = [i for i in wanted if i not in stored]
    gone = [i for i in stored if i not in wanted]
    index.delete(gone)
    if new:
        texts = [wanted[i][0] for i in new]
        index.upsert(new, embed(texts), texts, [wanted[i][1] for i in new])
    return len(new), len(gone)
