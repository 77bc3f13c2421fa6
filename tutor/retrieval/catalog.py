"""The passages of the course as retrieval sees them, loaded from the store's registry."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Passage
from tutor.retrieval.lexical import LexicalIndex
from tutor.store.models import Chunk, Document


@dataclass
class PassageEntry:
    """A passage and the facts filters need."""

    passage: Passage
    cohort: str


@dataclass
class Catalog:
    """All passages, by id, with one BM25 index per language; reloaded when an ingest changed the registry."""

    sessions: sessionmaker[Session]
    check_every_s: float = 10.0
    entries: dict[str, PassageEntry] = field(default_factory=dict)
    lexical: dict[str, LexicalIndex] = field(default_factory=dict)
    _fingerprint: tuple[object, ...] | None = None
    _checked_at: float = 0.0

    def _current_fingerprint(self, s: Session) -> tuple[object, ...]:
        return tuple(
            s.execute(select(func.count(Document.id), func.max(Document.ingested_at), func.sum(Document.id))).one()
        )

    def refresh(self, force: bool = False) -> None:
        """Reload passages if the registry changed since the last load (checked at most every few seconds)."""
        now = time.monotonic()
        if not force and self._fingerprint is not None and now - self._checked_at < self.check_every_s:
            return
        self._checked_at = now
        with self.sessions() as s:
            fp = self._current_fingerprint(s)
            if fp == self._fingerprint and not force:
                return
            rows = s.execute(select(Chunk, Document).join(Document).order_by(Document.id, Chunk.ordinal)).all()
            self._load(rows)
            self._fingerprint = fp

    def _load(self, rows: Sequence[Row[Chunk, Document]]) -> None:
        entries: dict[str, PassageEntry] = {}
        for chunk, doc in rows:
            source = doc.source_url or f"{doc.path}#{chunk.section_id}"
            p = Passage(
                chunk.id,
                chunk.text,
                doc.module_id,
                doc.title,
                chunk.section_id,
                chunk.section_title,
                doc.lang,
                doc.level,
                source,
            )
            entries[chunk.id] = PassageEntry(p, doc.cohort)
        by_lang: dict[str, list[Passage]] = {}
        for e in entries.values():
            by_lang.setdefault(e.passage.lang, []).append(e.passage)
        self.lexical = {
            lang: LexicalIndex.build(lang, [p.chunk_id for p in ps], [index_text(p) for p in ps])
            for lang, ps in by_lang.items()
        }
        self.entries = entries


def index_text(p: Passage) -> str:
    """What gets embedded and indexed for a passage: its titles give the words their context."""
    return f"{p.module_title} — {p.section_title}\n{p.text}"
