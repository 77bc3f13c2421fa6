"""The course's own quiz questions as extra search keys for the sections that teach them.

A learner's question looks more like a quiz question than like a paragraph of the course, so each quiz item (question,
right answer and explanation, per language) is embedded and points at its section: the technique of indexing passages
by the questions they answer (doc2query), with questions the course writers wrote anyway.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.ports import Embedder, IndexUnavailable, VectorIndex
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


@dataclass(frozen=True)
class _Keys:
    """The quiz keys' vectors in memory, with the metadata searches filter on (a few thousand rows at most)."""

    vectors: np.ndarray  # one normalised row per key
    sections: list[Section]
    langs: np.ndarray
    cohorts: np.ndarray
    levels: np.ndarray

    @classmethod
    def of(cls, rows: list[tuple[str, np.ndarray, dict[str, Any]]]) -> _Keys:
        vectors = np.stack([v for _, v, _ in rows]).astype(np.float32) if rows else np.zeros((0, 1), np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        metas = [m for _, _, m in rows]
        return cls(
            vectors,
            [(str(m.get("module")), str(m.get("section"))) for m in metas],
            np.array([str(m.get("lang")) for m in metas]),
            np.array([str(m.get("cohort", "")) for m in metas]),
            np.array([int(m.get("level", 0)) for m in metas]),
        )


class QuestionKeys:
    """Quiz questions in their own vector indexes (Chroma collections): as passages (question, answer, explanation),
    searched alongside the chunks; and, when a second index is given, the bare questions embedded as queries, which
    fit the query adapter."""

    def __init__(
        self, embedder: Embedder, index: VectorIndex, queries: VectorIndex | None = None, reload_every_s: float = 300.0
    ) -> None:
        self.embedder = embedder
        self.index = index
        self.queries = queries
        self.reload_every_s = reload_every_s  # another process's quiz sync is seen within this, or at a new version
        self._keys: _Keys | None = None
        self._loaded: tuple[object, float] = (None, 0.0)
        self._lock = threading.Lock()

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
        with self._lock:
            self._keys = None
        if self.queries is not None:
            _sync(self.queries, questions, lambda texts: embed_queries(self.embedder, texts))
        return result

    def question_vectors(self) -> list[tuple[str, np.ndarray, str, str]]:
        """Each quiz question embedded as a query: (key id, vector, "module#section", language)."""
        if self.queries is None:
            return []
        rows = self.queries.everything()
        return [(i, v, f"{m.get('module')}#{m.get('section')}", str(m.get("lang"))) for i, v, m in rows]

    def best_by_section(
        self,
        query_vector: np.ndarray,
        lang: str,
        cohort: str | None = None,
        levels: Sequence[int] | None = None,
        version: object = None,
    ) -> dict[Section, float]:
        """For each section with one of the ``NEAREST`` quiz keys nearest the query (among those of this language,
        of the shared material or the cohort's, of these levels), the cosine of its nearest one. The keys are
        searched in memory; ``version`` (the catalog's) changing reloads them from the index."""
        keys = self._current(version)
        allowed = (keys.langs == lang) & np.isin(keys.cohorts, ["", cohort or ""])
        if levels is not None:
            allowed &= np.isin(keys.levels, list(levels))
        rows = np.flatnonzero(allowed)
        if not len(rows):
            return {}
        q = np.asarray(query_vector, dtype=np.float32)
        scores = keys.vectors[rows] @ (q / max(float(np.linalg.norm(q)), 1e-12))
        best: dict[Section, float] = {}
        for j in np.argsort(-scores, kind="stable")[:NEAREST]:
            section = keys.sections[rows[j]]
            best[section] = max(best.get(section, -1.0), float(scores[j]))
        return best

    def _current(self, version: object) -> _Keys:
        with self._lock:
            loaded_version, loaded_at = self._loaded
            stale = version != loaded_version or time.monotonic() - loaded_at > self.reload_every_s
            if self._keys is None or stale:
                try:
                    self._keys = _Keys.of(self.index.everything())
                except Exception as exc:  # a missing or corrupt index: the same clear error as a vector query's
                    raise IndexUnavailable(f"the quiz keys cannot be read: {type(exc).__name__}") from exc
                self._loaded = (version, time.monotonic())
            return self._keys


def _sync(index: VectorIndex, wanted: Wanted, embed: Callable[[list[str]], np.ndarray]) -> tuple[int, int]:
    stored = index.ids()
    new = [i for i in wanted if i not in stored]
    gone = [i for i in stored if i not in wanted]
    index.delete(gone)
    if new:
        texts = [wanted[i][0] for i in new]
        index.upsert(new, embed(texts), texts, [wanted[i][1] for i in new])
    return len(new), len(gone)
