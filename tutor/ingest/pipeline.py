"""Incremental ingestion: unchanged files are skipped by content hash, removed files leave the index."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from tutor.answering.extractive import split_sentences
from tutor.domain import Passage
from tutor.ingest.chunking import chunk_markdown
from tutor.ingest.loaders import SUPPORTED, UnreadableFile, load
from tutor.ingest.metadata import document_fields
from tutor.ports import Embedder, VectorIndex
from tutor.retrieval.catalog import index_text
from tutor.retrieval.embedders import sentence_key
from tutor.store.course import CourseChunk, CourseDocument, CourseRepository

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
# Column sizes of the registry (tutor/store/models.py): what does not fit is refused or shortened here, the same on
# SQLite (which would accept it) and PostgreSQL (which would not).
MAX_PATH, MAX_CHUNK_ID, MAX_SECTION_ID, MAX_TITLE = 512, 256, 128, 256
BATCH = 64  # texts per encoder call: enough for every core, small enough for the progress bar to move


@dataclass(frozen=True)
class IngestLimits:
    """What one file may weigh: a bigger one is refused, not embedded for hours while learners wait."""

    max_bytes: int = 20 * 1024 * 1024
    max_chunks: int = 5000


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks: int = 0


def course_files(root: Path) -> Iterator[Path]:
    """Every supported file under root (or root itself), in a stable order, skipping hidden files."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUPPORTED and not any(p.startswith(".") for p in path.parts):
            yield path


class Ingestor:
    """Keeps the registry (documents, chunks) and the vector index in step with the course files; with a
    ``sentences`` index, also embeds once the sentences an extractive answer may quote (keyed by their text), so that
    no answer has to."""

    def __init__(
        self,
        course: CourseRepository,
        embedder: Embedder,
        index: VectorIndex,
        limits: IngestLimits | None = None,
        sentences: VectorIndex | None = None,
    ) -> None:
        self._course = course
        self._embedder = embedder
        self._index = index
        self._limits = limits or IngestLimits()
        self._sentences = sentences

    def ingest(self, root: Path, now: datetime, progress: Progress | None = None) -> IngestReport:
        """Bring the index in line with the files under root; a bad file is reported and skipped."""
        report = IngestReport()
        files = list(course_files(root))
        seen: set[str] = set()
        for n, path in enumerate(files, start=1):
            key = path.as_posix()
            seen.add(key)
            if progress:
                progress(key, n, len(files))
            try:
                self._ingest_file(path, key, now, report)
            except UnreadableFile as exc:
                report.errors.append(f"{key}: {exc}")
            except Exception as exc:  # the store or the index refused this file: the others still go in
                log.debug("ingest of a file failed", exc_info=True)
                report.errors.append(f"{key}: could not be stored ({type(exc).__name__}); the other files were")
        self._remove_missing(root, seen, report)
        self._reindex_if_incomplete(report)
        return report

    def _ingest_file(self, path: Path, key: str, now: datetime, report: IngestReport) -> None:
        if len(key) > MAX_PATH:
            raise UnreadableFile(f"path longer than {MAX_PATH} characters")
        if path.stat().st_size > self._limits.max_bytes:
            raise UnreadableFile(f"larger than {self._limits.max_bytes // 2**20} MB: split it or raise the limit")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        existing = self._course.content_hash(key)
        if existing == digest:
            report.unchanged.append(key)
            return
        loaded = load(path)
        fields = document_fields(path, loaded)
        sections = chunk_markdown(loaded.markdown)
        if not sections:
            raise UnreadableFile("no text found")
        if len(sections) > self._limits.max_chunks:
            raise UnreadableFile(f"{len(sections)} passages, more than {self._limits.max_chunks}: split the file")
        doc = CourseDocument(path=key, content_hash=digest, ingested_at=now, **fields)
        chunks = [
            CourseChunk(_chunk_id(key, n), n, _fit_id(sec.section_id), sec.title[:MAX_TITLE], sec.text)
            for n, sec in enumerate(sections)
        ]
        embedded = self._embed(doc, chunks)  # before the registry's transaction: no write lock while embedding
        self._upsert([e for e in embedded if e.sentences])  # a cache keyed by text: kept even if the registry fails
        with self._course.replacing(doc, chunks) as old_ids:  # the registry commits once the index is in step
            self._index.delete(old_ids)
            self._upsert([e for e in embedded if not e.sentences])
        (report.updated if existing is not None else report.added).append(key)
        report.chunks += len(sections)

    def _embed(
        self, doc: CourseDocument, chunks: list[CourseChunk], sentences_of: list[CourseChunk] | None = None
    ) -> list[_Embedded]:
        """Vectors for the chunks' passages and for the sentences of ``sentences_of`` (the same chunks by default)
        that the sentence index lacks."""
        passages = [
            Passage(c.id, c.text, doc.module_id, doc.title, c.section_id, c.section_title, doc.lang, doc.level, "")
            for c in chunks
        ]
        texts = [index_text(p) for p in passages]
        meta = {"lang": doc.lang, "level": doc.level, "cohort": doc.cohort, "module": doc.module_id}
        sentences = self._new_sentences(chunks if sentences_of is None else sentences_of)
        every = texts + sentences  # passages and sentences in the same encoder calls
        if not every:
            return []
        vectors = self._embed_balanced(every)
        out = []
        for start in range(0, len(passages), BATCH):
            ids = [p.chunk_id for p in passages[start : start + BATCH]]
            out.append(
                _Embedded(
                    ids,
                    vectors[: len(texts)][start : start + BATCH],
                    texts[start : start + BATCH],
                    [dict(meta) for _ in ids],
                )
            )
        if sentences:
            keys = [sentence_key(t) for t in sentences]
            out.append(_Embedded(keys, vectors[len(texts) :], sentences, [{"chars": len(t)} for t in sentences], True))
        return out

    def _embed_balanced(self, texts: list[str]) -> np.ndarray:
        """Vectors of the texts in their order, computed in batches whose shares (one contiguous share per core in
        the encoder) hold texts of similar lengths: long passages and short sentences no longer leave a core idle."""
        order = _balanced(texts, BATCH, os.cpu_count() or 1)
        parts = [
            self._embedder.embed_passages([texts[i] for i in order[start : start + BATCH]])
            for start in range(0, len(order), BATCH)
        ]
        vectors = np.empty_like(np.concatenate(parts))
        vectors[order] = np.concatenate(parts)
        return vectors

    def _new_sentences(self, chunks: list[CourseChunk]) -> list[str]:
        """The quotable sentences of these chunks that the sentence index does not hold yet, each once."""
        if self._sentences is None:
            return []
        wanted = list(dict.fromkeys(s for c in chunks for s in split_sentences(c.text)))
        held = self._sentences.vectors([sentence_key(t) for t in wanted]) if wanted else {}
        return [t for t in wanted if sentence_key(t) not in held]

    def _upsert(self, embedded: list[_Embedded]) -> None:
        for batch in embedded:
            target = self._sentences if batch.sentences else self._index
            if target is not None:
                target.upsert(batch.ids, batch.vectors, batch.texts, batch.metas)

    def _remove_missing(self, root: Path, seen: set[str], report: IngestReport) -> None:
        prefix = root.as_posix().rstrip("/")

        def gone(path: str) -> bool:
            under_root = path == prefix or path.startswith(prefix + "/")
            return under_root and path not in seen

        with self._course.removing(gone) as removed:
            for path, chunk_ids in removed:
                self._index.delete(chunk_ids)
                report.removed.append(path)

    def _reindex_if_incomplete(self, report: IngestReport) -> None:
        """A new embedder or a lost index directory: embed again what the registry holds but the index lacks."""
        documents = [(doc, chunks) for doc, chunks in self._course.documents() if chunks]
        known = self._index.ids()
        for doc, chunks in documents:
            missing = [c for c in chunks if c.id not in known]
            if missing:
                self._upsert(self._embed(doc, missing))
                report.chunks += len(missing)
        if self._sentences is not None and documents and self._sentences.count() == 0:  # a new or lost sentence index
            for doc, chunks in documents:
                self._upsert(self._embed(doc, [], sentences_of=chunks))
        registered = {c.id for _, chunks in documents for c in chunks}
        orphans = sorted(known - registered)  # written by an ingest killed before its registry committed
        if orphans:
            self._index.delete(orphans)
            log.info("removed %d passages of the index that no document holds", len(orphans))


@dataclass(frozen=True)
class _Embedded:
    ids: list[str]
    vectors: np.ndarray
    texts: list[str]
    metas: list[dict[str, object]]
    sentences: bool = False  # for the sentence index, not the passages'


def _balanced(texts: list[str], batch: int, workers: int) -> list[int]:
    """Indexes of the texts, longest first, dealt within each batch so that its ``workers`` contiguous shares weigh
    about the same."""
    by_length = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out: list[int] = []
    for start in range(0, len(by_length), batch):
        group = by_length[start : start + batch]
        out += [i for w in range(workers) for i in group[w::workers]]
    return out


def _chunk_id(key: str, n: int) -> str:
    """``path#n``, or a digest of a path too long for the column."""
    plain = f"{key}#{n}"
    return plain if len(plain) <= MAX_CHUNK_ID else f"{hashlib.sha256(key.encode()).hexdigest()}#{n}"


def _fit_id(section_id: str) -> str:
    """A section id that fits its column, still unique (a digest of the whole replaces the tail)."""
    if len(section_id) <= MAX_SECTION_ID:
        return section_id
    return section_id[: MAX_SECTION_ID - 13] + "-" + hashlib.sha256(section_id.encode()).hexdigest()[:12]
