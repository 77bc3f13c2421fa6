"""The passages of the course as retrieval sees them, loaded from the store's registry.

BM25 indexes each passage together with the quiz questions of its section (question, right answer, explanation): the
document expansion of doc2query, with questions the course writers wrote anyway. Learners ask in words closer to a
quiz question than to the course's prose; the passage itself is unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tutor.domain import Passage
from tutor.quiz.items import texts_from_json
from tutor.retrieval.lexical import LexicalIndex
from tutor.store.course import CourseRepository
from tutor.store.query_adapters import QueryAdapterRepository

SectionKey = tuple[str, str, str]  # (module id, section id, language)


@dataclass
class PassageEntry:
    """A passage and the facts filters need."""

    passage: Passage
    cohort: str


@dataclass
class Catalog:
    """All passages, by id, with one BM25 index per language and the query adapter of the embedder (None: no adapter,
    or ``use_adapter`` off); reloaded when an ingest or a refit changed the store."""

    course: CourseRepository
    adapters: QueryAdapterRepository
    check_every_s: float = 10.0
    embedder: str = ""
    use_adapter: bool = True
    entries: dict[str, PassageEntry] = field(default_factory=dict)
    adapter: np.ndarray | None = None
    _fingerprint: tuple[object, ...] | None = None
    _checked_at: float = 0.0
    _documents: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # per language: ids, texts
    _lexical: dict[str, LexicalIndex] = field(default_factory=dict)
    _lexical_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def lexical(self) -> dict[str, LexicalIndex]:
        """One BM25 index per language, built on first use after a load (an ingest that only checks what changed
        never builds them)."""
        with self._lexical_lock:
            if self._documents:
                documents, self._documents = self._documents, {}
                self._lexical = {lang: LexicalIndex.build(lang, ids, texts) for lang, (ids, texts) in documents.items()}
            return self._lexical

    @property
    def version(self) -> object:
        """Changes whenever the passages or the quiz items loaded change (the registry's fingerprint)."""
        return self._fingerprint

    def refresh(self, force: bool = False) -> None:
        """Reload passages if the registry changed since the last load (checked at most every few seconds)."""
        now = time.monotonic()
        if not force and self._fingerprint is not None and now - self._checked_at < self.check_every_s:
            return
        self._checked_at = now
        snapshot = self.course.snapshot(self.embedder, unless=None if force else self._fingerprint)
        if snapshot is None:
            return
        self._load(snapshot.passages, _quiz_keys(snapshot.quiz_bodies))
        stored = self.adapters.get(self.embedder) if self.use_adapter else None
        self.adapter = stored.matrix if stored is not None else None
        self._fingerprint = snapshot.fingerprint

    def _load(self, rows: Sequence[tuple[Passage, str]], quiz_keys: dict[SectionKey, str]) -> None:
        entries = {p.chunk_id: PassageEntry(p, cohort) for p, cohort in rows}
        by_lang: dict[str, list[Passage]] = {}
        for e in entries.values():
            by_lang.setdefault(e.passage.lang, []).append(e.passage)
        documents = {
            lang: (
                [p.chunk_id for p in ps],
                [f"{index_text(p)}\n{quiz_keys.get((p.module_id, p.section_id, lang), '')}" for p in ps],
            )
            for lang, ps in by_lang.items()
        }
        with self._lexical_lock:
            self._documents, self._lexical = documents, {}
        self.entries = entries


def index_text(p: Passage) -> str:
    """What gets embedded and indexed for a passage: its titles give the words their context."""
    return f"{p.module_title} — {p.section_title}\n{p.text}"


def _quiz_keys(bodies: Sequence[tuple[str, str, str]]) -> dict[SectionKey, str]:
    """The active quiz items of each section and language, as one text: questions, right answers, explanations."""
    keys: dict[SectionKey, list[str]] = {}
    for module_id, section_id, body in bodies:
        for lang, t in texts_from_json(body).items():
            keys.setdefault((module_id, section_id, lang), []).append(t.search_text())
    return {k: "\n".join(v) for k, v in keys.items()}
