"""Chroma behind the VectorIndex port: embedded files by default, a Chroma server by URL."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from tutor.ports import IndexUnavailable


def _collection_name(embedder_name: str, kind: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", Path(embedder_name).name).strip("-_")[:40] or "default"
    return f"{kind}-{slug}"


# Chroma keeps one shared system per path or server in the process, and builds it unsafely when two threads open a
# client at once ("Could not connect to tenant default_tenant"): every index opens its client under this one lock.
_OPENING = threading.Lock()


class ChromaIndex:
    """The real VectorIndex: one collection per embedder and kind (course chunks, quiz questions), cosine space;
    vectors always come from our embedder, never Chroma's. The client is opened on first use, once even when several
    threads ask at the same moment."""

    def __init__(
        self, embedder_name: str, path: Path | None = None, url: str | None = None, kind: str = "chunks"
    ) -> None:
        self._name = _collection_name(embedder_name, kind)
        self._path = path
        self._url = url
        self._collection: Any = None

    def _col(self) -> Any:
        if self._collection is not None:
            return self._collection
        with _OPENING:
            if self._collection is None:
                self._collection = self._open()
        return self._collection

    def _open(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        if self._url:
            u = urlparse(self._url)
            client = chromadb.HttpClient(
                host=u.hostname or "localhost", port=u.port or 8000, ssl=u.scheme == "https", settings=settings
            )
        else:
            assert self._path is not None
            self._path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(self._path), settings=settings)
        return client.get_or_create_collection(
            self._name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        """Add or replace vectors."""
        if ids:
            self._col().upsert(ids=list(ids), embeddings=vectors, documents=list(texts), metadatas=list(metadatas))

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""
        if ids:
            self._col().delete(ids=list(ids))

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest vectors as (id, cosine similarity), best first."""
        return [(i, score) for i, score, _ in self.query_with_metadata(vector, k, where)]

    def query_with_metadata(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """The k nearest vectors as (id, cosine similarity, metadata), best first."""
        if k <= 0:
            return []
        try:  # Chroma returns fewer than k when it holds fewer: no count() round trip per query
            res = self._col().query(
                query_embeddings=[vector], n_results=k, where=where or None, include=["distances", "metadatas"]
            )
        except (ValueError, TypeError):  # a malformed query is our bug, not the index's
            raise
        except Exception as exc:  # a missing or corrupt index folder, an unreachable server: one clear error
            raise IndexUnavailable(f"the vector index {self._name} cannot be read: {type(exc).__name__}") from exc
        rows = zip(res["ids"][0], res["distances"][0], res["metadatas"][0], strict=True)
        return [(i, 1.0 - float(d), dict(m or {})) for i, d, m in rows]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id."""
        if not ids:
            return {}
        res = self._col().get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(res["ids"], res["embeddings"], strict=True)}

    def everything(self) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
        """Every stored vector as (id, vector, metadata)."""
        res = self._col().get(include=["embeddings", "metadatas"])
        rows = zip(res["ids"], res["embeddings"], res["metadatas"], strict=True)
        return [(i, np.asarray(e, dtype=np.float32), dict(m or {})) for i, e, m in rows]

    def documents(self) -> list[tuple[str, np.ndarray]]:
        """Every stored text with its vector (what ``tutor vectors`` ships)."""
        res = self._col().get(include=["embeddings", "documents"])
        return [(d, np.asarray(e, dtype=np.float32)) for d, e in zip(res["documents"], res["embeddings"], strict=True)]

    def ids(self) -> set[str]:
        """Every id stored."""
        return set(self._col().get(include=[])["ids"])

    def count(self) -> int:
        """How many vectors are stored."""
        try:
            return int(self._col().count())
        except Exception as exc:  # see query_with_metadata
            raise IndexUnavailable(f"the vector index {self._name} cannot be read: {type(exc).__name__}") from exc
