"""The course registry: the documents ingested, their chunks, and what retrieval loads from the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Passage
from tutor.store.models import Chunk, Document, QueryAdapter, QuizItem

SessionFactory = sessionmaker[Session]


@dataclass(frozen=True)
class CourseDocument:
    """A course file as ingested: its path, content hash and what its front matter says."""

    path: str
    content_hash: str
    module_id: str
    title: str
    lang: str
    level: int
    cohort: str
    source_url: str
    ingested_at: datetime


@dataclass(frozen=True)
class CourseChunk:
    """A passage of a document, as embedded and indexed."""

    id: str
    ordinal: int
    section_id: str
    section_title: str
    text: str


@dataclass(frozen=True)
class CourseSnapshot:
    """What retrieval loads: every passage with its document's cohort (documents in registry order, chunks in reading
    order), the (module, section, JSON body) of every active quiz item, and the fingerprint they were read under."""

    fingerprint: tuple[object, ...]
    passages: tuple[tuple[Passage, str], ...]
    quiz_bodies: tuple[tuple[str, str, str], ...]


def _document(doc: Document) -> CourseDocument:
    return CourseDocument(
        doc.path,
        doc.content_hash,
        doc.module_id,
        doc.title,
        doc.lang,
        doc.level,
        doc.cohort,
        doc.source_url,
        doc.ingested_at,
    )


def _chunk(c: Chunk) -> CourseChunk:
    return CourseChunk(c.id, c.ordinal, c.section_id, c.section_title, c.text)


class CourseRepository:
    """Documents and chunks in the store; the vector index is kept in step by the ingestor, inside the transactions
    that ``replacing`` and ``removing`` hold open."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    # -- what retrieval reads

    def fingerprint(self, embedder: str) -> tuple[object, ...]:
        """Changes when an ingest, a quiz sync or a refit of the embedder's query adapter changed the store."""
        with self.sessions() as s:
            return self._fingerprint(s, embedder)

    @staticmethod
    def _fingerprint(s: Session, embedder: str) -> tuple[object, ...]:
        documents = s.execute(select(func.count(Document.id), func.max(Document.ingested_at), func.sum(Document.id)))
        items = s.execute(
            select(func.count(QuizItem.id), func.sum(func.length(QuizItem.body))).where(QuizItem.active.is_(True))
        )
        fitted = s.execute(select(QueryAdapter.fitted_at).where(QueryAdapter.embedder == embedder))
        return (*documents.one(), *items.one(), fitted.scalar_one_or_none())

    def snapshot(self, embedder: str, unless: tuple[object, ...] | None = None) -> CourseSnapshot | None:
        """Passages and quiz bodies, read together with their fingerprint; None when the fingerprint is ``unless``
        (nothing changed since that read)."""
        with self.sessions() as s:
            fp = self._fingerprint(s, embedder)
            if unless is not None and fp == unless:
                return None
            rows = s.execute(select(Chunk, Document).join(Document).order_by(Document.id, Chunk.ordinal)).all()
            passages = tuple(
                (
                    Passage(
                        chunk.id,
                        chunk.text,
                        doc.module_id,
                        doc.title,
                        chunk.section_id,
                        chunk.section_title,
                        doc.lang,
                        doc.level,
                        doc.source_url or f"{doc.path}#{chunk.section_id}",
                    ),
                    doc.cohort,
                )
                for chunk, doc in rows
            )
            quiz = s.execute(
                select(QuizItem.module_id, QuizItem.section_id, QuizItem.body).where(QuizItem.active.is_(True))
            )
            return CourseSnapshot(fp, passages, tuple((m, sec, body) for m, sec, body in quiz))

    # -- what the ingestor reads and writes

    def content_hash(self, path: str) -> str | None:
        """The content hash the document at this path was ingested with, or None when it is not in the registry."""
        with self.sessions() as s:
            return s.scalar(select(Document.content_hash).where(Document.path == path))

    @contextmanager
    def replacing(self, document: CourseDocument, chunks: Sequence[CourseChunk]) -> Iterator[list[str]]:
        """Put the document and its chunks in place of the one at the same path, if any; yields the ids of the old
        chunks. Committed when the block ends normally, rolled back when it raises."""
        with self.sessions.begin() as s:
            old = s.scalar(select(Document).where(Document.path == document.path))
            old_ids = [c.id for c in old.chunks] if old is not None else []
            if old is not None:
                s.delete(old)
                s.flush()
            doc = Document(
                path=document.path,
                content_hash=document.content_hash,
                module_id=document.module_id,
                title=document.title,
                lang=document.lang,
                level=document.level,
                cohort=document.cohort,
                source_url=document.source_url,
                ingested_at=document.ingested_at,
            )
            doc.chunks = [
                Chunk(id=c.id, ordinal=c.ordinal, section_id=c.section_id, section_title=c.section_title, text=c.text)
                for c in chunks
            ]
            s.add(doc)
            s.flush()
            yield old_ids

    @contextmanager
    def removing(self, chosen: Callable[[str], bool]) -> Iterator[list[tuple[str, list[str]]]]:
        """Delete the documents whose path is chosen; yields (path, chunk ids) of each. Committed when the block ends
        normally, rolled back when it raises."""
        with self.sessions.begin() as s:
            gone: list[tuple[str, list[str]]] = []
            for doc in s.scalars(select(Document)).all():
                if chosen(doc.path):
                    gone.append((doc.path, [c.id for c in doc.chunks]))
                    s.delete(doc)
            yield gone

    def module_ids(self) -> set[str]:
        """The ids of every module ingested."""
        with self.sessions() as s:
            return set(s.scalars(select(Document.module_id).distinct()))

    def documents(self) -> list[tuple[CourseDocument, list[CourseChunk]]]:
        """Every document with its chunks, in reading order."""
        with self.sessions() as s:
            return [(_document(d), [_chunk(c) for c in d.chunks]) for d in s.scalars(select(Document)).all()]
