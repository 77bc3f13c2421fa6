"""The query adapters fitted for each embedder (see tutor.retrieval.query_adapter), kept for every process to load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from tutor.store.models import QueryAdapter


@dataclass(frozen=True, eq=False)
class StoredAdapter:
    """A fitted query map: the d × d matrix, what it was fitted on (fingerprint), on how many questions, and when."""

    embedder: str
    fingerprint: str
    matrix: np.ndarray
    questions: int
    fitted_at: datetime


class QueryAdapterRepository:
    """One row per embedder, replaced by each refit."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, embedder: str) -> StoredAdapter | None:
        """The embedder's map, or None when none is stored."""
        with self.sessions() as s:
            row = s.get(QueryAdapter, embedder)
            if row is None:
                return None
            matrix = np.frombuffer(row.matrix, dtype=np.float32).reshape(row.dim, row.dim).copy()
            return StoredAdapter(row.embedder, row.fingerprint, matrix, row.questions, row.fitted_at)

    def fingerprint(self, embedder: str) -> tuple[str, int] | None:
        """(fingerprint, questions) of the embedder's stored map, without loading the matrix."""
        with self.sessions() as s:
            row = s.get(QueryAdapter, embedder)
            return (row.fingerprint, row.questions) if row is not None else None

    def save(self, adapter: StoredAdapter) -> None:
        """Store the map, replacing the embedder's previous one."""
        with self.sessions.begin() as s:
            row = s.get(QueryAdapter, adapter.embedder) or QueryAdapter(embedder=adapter.embedder)
            row.fingerprint, row.dim, row.questions = adapter.fingerprint, adapter.matrix.shape[0], adapter.questions
            row.fitted_at = adapter.fitted_at
            row.matrix = np.ascontiguousarray(adapter.matrix, dtype=np.float32).tobytes()
            s.add(row)

    def delete(self, embedder: str) -> None:
        """Drop the embedder's map, if there is one."""
        with self.sessions.begin() as s:
            row = s.get(QueryAdapter, embedder)
            if row is not None:
                s.delete(row)
