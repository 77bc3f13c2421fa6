"""Vectors shipped with the course: the packaged course's passages, sentences and quiz questions embedded once by the
project (``tutor vectors export``) and read back at ingest, so a class's first ``tutor ingest`` does not spend minutes
re-computing what every other class computed. A text the file lacks (an edited section, an institution's own
document) goes to the encoder as before; a file made by another version of the encoder is refused by a probe.

File format (``.npz``): ``keys`` (16-byte digests of "kind\\0text", kind = passage or query, one row each),
``vectors`` (float16, one row per key), ``probe`` (a text) and ``probe_vector`` (the encoder's vector for it when the
file was made).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from tutor.ports import Embedder
from tutor.retrieval.embedders import embed_queries, query_future

log = logging.getLogger(__name__)

PROBE = "passage probe: L'IA générative prédit le mot suivant; elle ne vérifie pas les faits."
# The same encoder gives the same vector to within float16 rounding; another model or version gives another one.
SAME_ENCODER = 0.999


def shipped_path(knowledge_dir: Path, embedder_name: str) -> Path:
    """Where the course's vectors for this embedder are shipped."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", Path(embedder_name).name).strip("-_")[:40] or "default"
    return knowledge_dir / "vectors" / f"{slug}.npz"


def vector_key(kind: str, text: str) -> bytes:
    """The shipped file's key of a text embedded as ``kind`` ("passage" or "query")."""
    return hashlib.sha256(f"{kind}\0{text}".encode()).digest()[:16]


def write_vectors(path: Path, rows: Iterable[tuple[str, str, np.ndarray]], encoder: Embedder) -> int:
    """Write (kind, text, vector) rows, each text once, with the encoder's probe; returns the rows written."""
    keys: dict[bytes, np.ndarray] = {}
    for kind, text, vector in rows:
        keys.setdefault(vector_key(kind, text), np.asarray(vector, dtype=np.float32))
    ordered = sorted(keys)
    probe_vector = encoder.embed_passages([PROBE])[0].astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        np.savez_compressed(
            out,
            keys=np.frombuffer(b"".join(ordered), dtype=np.uint8).reshape(len(ordered), 16),  # "S16" drops final NULs
            vectors=np.stack([keys[k] for k in ordered]).astype(np.float16),
            probe=np.array(PROBE),
            probe_vector=probe_vector,
        )
    partial.replace(path)  # readers see the old file or the new one, never half of one
    return len(ordered)


class ShippedVectors:
    """An embedder that answers passages and batches of queries from the shipped file where it can and asks the
    inner encoder for the rest, in one call; single queries (learners' questions) go straight to the encoder."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = path
        self.found = 0  # texts answered from the file
        self.computed = 0  # texts the encoder embedded
        self._table: dict[bytes, np.ndarray] | None = None
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages: the file's where it has them, the encoder's for the others."""
        return self._embed("passage", texts, self.inner.embed_passages)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for several queries (quiz questions at ingest)."""
        return self._embed("query", texts, lambda missing: embed_queries(self.inner, missing))

    def embed_query(self, text: str) -> np.ndarray:
        """A learner's question: never in the file."""
        return self.inner.embed_query(text)

    def submit_query(self, text: str) -> Future[np.ndarray] | None:
        """The inner embedder's future for a learner's question, when it batches."""
        return query_future(self.inner, text)

    def _embed(self, kind: str, texts: Sequence[str], compute: Any) -> np.ndarray:
        if not texts:
            return np.asarray(compute([]), dtype=np.float32)
        table = self._loaded()
        vectors: list[np.ndarray | None] = [table.get(vector_key(kind, t)) for t in texts]
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            for i, v in zip(missing, compute([texts[i] for i in missing]), strict=True):
                vectors[i] = np.asarray(v, dtype=np.float32)
        self.found += len(texts) - len(missing)
        self.computed += len(missing)
        return np.stack([v for v in vectors if v is not None])

    def _loaded(self) -> dict[bytes, np.ndarray]:
        with self._lock:
            if self._table is None:
                self._table = self._read()
            return self._table

    def _read(self) -> dict[bytes, np.ndarray]:
        try:
            with self.path.open("rb") as file, np.load(file, allow_pickle=False) as data:  # closed even when invalid
                keys, vectors = data["keys"], data["vectors"].astype(np.float32)
                probe, probe_vector = str(data["probe"]), data["probe_vector"].astype(np.float32)
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            log.warning("shipped vectors %s not used: %s", self.path.name, type(exc).__name__)
            return {}
        if len(keys) != len(vectors) or not self._same_encoder(probe, probe_vector):
            log.warning("shipped vectors %s were made by another encoder: not used", self.path.name)
            return {}
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)  # float16 rounding undone
        return {bytes(key): vector for key, vector in zip(keys, vectors, strict=True)}

    def _same_encoder(self, probe: str, probe_vector: np.ndarray) -> bool:
        live = np.asarray(self.inner.embed_passages([probe])[0], dtype=np.float32)
        if live.shape != probe_vector.shape:
            return False
        cosine = float(live @ probe_vector / max(np.linalg.norm(live) * np.linalg.norm(probe_vector), 1e-12))
        return cosine >= SAME_ENCODER
