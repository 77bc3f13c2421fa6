"""Hybrid retrieval: dense (the vector index) and BM25 candidates, fused by a tuned convex combination of normalised
scores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from tutor.content.schema import RECAP_SECTION
from tutor.domain import Passage
from tutor.ports import Embedder, VectorIndex
from tutor.retrieval.catalog import Catalog
from tutor.retrieval.query_adapter import adapt
from tutor.retrieval.question_keys import QuestionKeys

Mode = Literal["hybrid", "dense", "bm25"]
MAX_KEPT_VECTORS = 50_000  # 75 MB at 384 dimensions: past this (a very large deployment), the cache starts over


@dataclass(frozen=True)
class Filters:
    """What a learner may be answered from: one language, their cohort's material, some levels."""

    lang: str
    cohort: str | None = None
    levels: tuple[int, ...] | None = None

    def allows(self, passage: Passage, cohort: str) -> bool:
        """Whether a passage passes these filters."""
        return (
            passage.lang == self.lang
            and cohort in ("", self.cohort or "")
            and (self.levels is None or passage.level in self.levels)
        )

    def where(self) -> dict[str, Any]:
        """The same filters as a ``where`` clause of the vector index (Chroma's syntax)."""
        clauses: list[dict[str, Any]] = [{"lang": self.lang}, {"cohort": {"$in": sorted({"", self.cohort or ""})}}]
        if self.levels is not None:
            clauses.append({"level": {"$in": list(self.levels)}})
        return {"$and": clauses}


def _minmax(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.ones_like(values) if hi > 0 else np.zeros_like(values)
    return (values - lo) / (hi - lo)


@dataclass(frozen=True)
class Candidates:
    """The chunks worth ranking for a query, with every score that may rank them."""

    ids: list[str]
    dense: np.ndarray  # cosine of the query and the chunk: the confidence the tutor answers with
    bm25: np.ndarray
    questions: np.ndarray  # cosine of the query and the nearest quiz question of the chunk's section (else dense)
    adapted: np.ndarray  # cosine of the query through the query adapter and the chunk (dense, without an adapter)


def fuse(c: Candidates, mode: Mode, bm25_weight: float, question_weight: float = 0.0) -> np.ndarray:
    """Dense alone, BM25 alone, or hybrid: the chunk's dense score (through the query adapter) mixed with its section's
    nearest quiz question, then a convex combination with BM25 after min-max normalisation over the candidates.
    Adapted cosines spread wider than plain ones, so the mix leans on them; the weights are tuned on the eval set."""
    if mode == "dense":
        return c.adapted
    if mode == "bm25":
        return c.bm25
    dense = (1 - question_weight) * c.adapted + question_weight * c.questions
    return (1 - bm25_weight) * _minmax(dense) + bm25_weight * _minmax(c.bm25)


class HybridRetriever:
    """Finds the passages that best answer a question."""

    def __init__(
        self,
        embedder: Embedder,
        index: VectorIndex,
        catalog: Catalog,
        bm25_weight: float = 0.3,
        cross_lingual_bm25_weight: float = 0.0,
        candidates: int = 100,
        questions: QuestionKeys | None = None,
        question_weight: float = 0.0,
        expand: Callable[[str], str] | None = None,
    ) -> None:
        self.embedder = embedder
        self.index = index
        self.catalog = catalog
        self.bm25_weight = bm25_weight
        self.cross_lingual_bm25_weight = cross_lingual_bm25_weight
        self.candidates = candidates
        self.questions = questions
        self.question_weight = question_weight
        self.expand = expand  # the glossary's other names for the terms of a query, for BM25 (issue 13)
        self._vectors: dict[str, np.ndarray] = {}  # passage vectors already read, for the catalog version below
        self._vectors_version: object = None
        self._vectors_lock = threading.Lock()

    def search(
        self,
        query: str,
        filters: Filters,
        k: int = 5,
        mode: Mode = "hybrid",
        query_lang: str | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Passage]:
        """The k best passages for the query, best first, each with its fused and dense scores. ``query_vector``: the
        query already embedded (``embed_query``) by the caller, who needs it again; embedded here when not given."""
        c = self.candidate_scores(query, filters, mode, query_vector)
        if not c.ids:
            return []
        w = self.bm25_weight if query_lang in (None, filters.lang) else self.cross_lingual_bm25_weight
        fused = fuse(c, mode, w, self.question_weight)
        order = self.one_per_section(c.ids, np.argsort(-fused, kind="stable"), k)
        return [self._passage(c, j, float(fused[j])) for j in order]

    def one_per_section(self, ids: list[str], ranked: np.ndarray, k: int) -> list[int]:
        """The best chunk of each section, so that k results cover k different sections; recaps come last."""
        seen: set[tuple[str, str]] = set()
        teaching: list[int] = []
        recaps: list[int] = []
        for j in ranked:
            p = self.catalog.entries[ids[j]].passage
            if (p.module_id, p.section_id) not in seen:
                seen.add((p.module_id, p.section_id))
                # a recap restates its module's sections in brief: the section that teaches is the better citation
                (recaps if p.section_id == RECAP_SECTION else teaching).append(int(j))
                if len(teaching) == k:
                    break
        return (teaching + recaps)[:k]

    def candidate_scores(
        self, query: str, filters: Filters, mode: Mode, query_vector: np.ndarray | None = None
    ) -> Candidates:
        """Candidate ids from dense and BM25 search, with every score for each (0 where a mode is off);
        ``query_vector`` as in ``search``."""
        self.catalog.refresh()
        qv = None if mode == "bm25" else query_vector if query_vector is not None else self.embedder.embed_query(query)
        av = adapt(self.catalog.adapter, qv) if qv is not None else None
        near = dict(self.index.query(av, self.candidates, filters.where())) if av is not None else {}
        lexical = self._bm25(query, filters) if mode != "dense" else {}
        ids = [i for i in dict.fromkeys([*near, *lexical]) if i in self.catalog.entries]
        b = np.array([lexical.get(i, 0.0) for i in ids], dtype=np.float32)
        if qv is None or av is None:
            zero = np.zeros(len(ids), dtype=np.float32)
            return Candidates(ids, zero, b, zero, zero)
        d, a = self._dense_scores(qv, av, ids, near)
        return Candidates(ids, d, b, self._question_scores(qv, filters, ids, d), a)

    def _dense_scores(
        self, qv: np.ndarray, av: np.ndarray, ids: list[str], near: dict[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cosines of every candidate with the query, plain and through the adapter."""
        if self.catalog.adapter is None:  # the vector query already gave the plain cosines of its hits
            missing = self._stored_vectors([i for i in ids if i not in near])
            plain = near | {i: float(v @ qv) for i, v in missing.items()}
            d = np.array([plain.get(i, 0.0) for i in ids], dtype=np.float32)
            return d, d
        stored = self._stored_vectors(ids)
        m = np.zeros((len(ids), len(qv)), dtype=np.float32)  # a chunk the index lacks scores 0, as before
        for j, i in enumerate(ids):
            if i in stored:
                m[j] = stored[i]
        return m @ qv, m @ av

    def _stored_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The passages' vectors, read from the index once per catalog version (not once per question)."""
        with self._vectors_lock:
            version = self.catalog.version
            if self._vectors_version != version or len(self._vectors) > MAX_KEPT_VECTORS:
                self._vectors, self._vectors_version = {}, version
            kept = self._vectors
            missing = [i for i in ids if i not in kept]
        read = self.index.vectors(missing) if missing else {}
        with self._vectors_lock:
            if self._vectors_version == version:  # not kept when the catalog moved on while they were read
                self._vectors.update(read)
        return {i: v for i in ids if (v := read.get(i, kept.get(i))) is not None}

    def _question_scores(self, qv: np.ndarray | None, filters: Filters, ids: list[str], d: np.ndarray) -> np.ndarray:
        """Each chunk's section scored by its nearest quiz question; a section without one keeps its dense score."""
        if qv is None or self.questions is None:
            return d
        best = self.questions.best_by_section(
            qv, filters.lang, filters.cohort, filters.levels, version=self.catalog.version
        )
        passages = [self.catalog.entries[i].passage for i in ids]
        sections = [(p.module_id, p.section_id) for p in passages]
        return np.array([best.get(s, float(d[j])) for j, s in enumerate(sections)], dtype=np.float32)

    def _bm25(self, query: str, filters: Filters) -> dict[str, float]:
        lex = self.catalog.lexical.get(filters.lang)
        if lex is None:
            return {}
        scores = lex.scores(self.expand(query) if self.expand else query)
        allowed = [
            j
            for j, i in enumerate(lex.ids)
            if scores[j] > 0 and filters.allows(self.catalog.entries[i].passage, self.catalog.entries[i].cohort)
        ]
        best = sorted(allowed, key=lambda j: -scores[j])[: self.candidates]
        return {lex.ids[j]: float(scores[j]) for j in best}

    def _passage(self, c: Candidates, j: int, fused: float) -> Passage:
        p = self.catalog.entries[c.ids[j]].passage
        scores = {
            "dense": float(c.dense[j]),
            "adapted": float(c.adapted[j]),
            "bm25": float(c.bm25[j]),
            "questions": float(c.questions[j]),
        }
        return replace(p, score=fused, dense_score=scores["dense"], scores=scores)
