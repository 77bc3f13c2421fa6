"""Incremental ingestion: unchanged files are skipped by content hash, removed files leave the index."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tutor.domain import Passage
from tutor.ingest.chunking import chunk_markdown
from tutor.ingest.loaders import SUPPORTED, UnreadableFile, load
from tutor.ingest.metadata import document_fields
from tutor.ports import Embedder, VectorIndex
from tutor.retrieval.catalog import index_text
from tutor.store.course import CourseChunk, CourseDocument, CourseRepository

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


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
    """Keeps the registry (documents, chunks) and the vector index in step with the course files."""

    def __init__(self, course: CourseRepository, embedder: Embedder, index: VectorIndex) -> None:
        self._course = course
        self._embedder = embedder
        self._index = index

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
        self._remove_missing(root, seen, report)
        self._reindex_if_incomplete(report)
        return report

    def _ingest_file(self, path: Path, key: str, now: datetime, report: IngestReport) -> None:
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
        doc = CourseDocument(path=key, content_hash=digest, ingested_at=now, **fields)
        chunks = [CourseChunk(f"{key}#{n}", n, sec.section_id, sec.title, sec.text) for n, sec in enumerate(sections)]
        with self._course.replacing(doc, chunks) as old_ids:  # the registry commits once the index is in step
            self._index.delete(old_ids)
            self._embed(doc, chunks)
        (report.updated if existing is not None else report.added).append(key)
        report.chunks += len(sections)

    def _embed(self, doc: CourseDocument, chunks: list[CourseChunk]) -> None:
        passages = [
            Passage(c.id, c.text, doc.module_id, doc.title, c.section_id, c.section_title, doc.lang, doc.level, "")
            for c in chunks
        ]
        texts = [index_text(p) for p in passages]
        for start in range(0, len(passages), 64):
            batch = passages[start : start + 64]
            vectors = self._embedder.embed_passages(texts[start : start + 64])
            metas = [
                {"lang": doc.lang, "level": doc.level, "cohort": doc.cohort, "module": doc.module_id} for _ in batch
            ]
            self._index.upsert([p.chunk_id for p in batch], vectors, texts[start : start + 64], metas)

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
        if not documents:
            return
        known = self._index.ids()
        for doc, chunks in documents:
            missing = [c for c in chunks if c.id not in known]
            if missing:
                self._embed(doc, missing)
                report.chunks += len(missing)
