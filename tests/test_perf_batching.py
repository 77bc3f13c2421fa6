"""The query batcher: each caller gets its own vector, errors reach the caller whose text failed, no deadlock."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from entrypoints.bootstrap import build
from tests.conftest import FIXTURE_COURSE, make_settings
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex
from tutor.domain import Incoming, Reply
from tutor.retrieval.embedders import QueryBatcher


class BatchingFake(FakeEmbedder):
    """The fake embedder with a batch call that takes a while, so that callers pile up; "boom" fails."""

    def __init__(self) -> None:
        super().__init__()
        self.batch_sizes: list[int] = []
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.batch_sizes.append(len(texts))
        threading.Event().wait(0.02)
        if "boom" in texts:
            raise RuntimeError("the encoder refused a batch")
        return np.stack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if text == "boom":
            raise ValueError("boom")
        return super().embed_query(text)


def test_each_caller_gets_its_own_vector_and_callers_share_batches() -> None:
    inner = BatchingFake()
    batcher = QueryBatcher(inner, window_s=0.005)
    texts = [f"question number {n} about risk level {n % 7}" for n in range(120)]
    with ThreadPoolExecutor(max_workers=40) as pool:
        vectors = list(pool.map(batcher.embed_query, texts))
    for text, vector in zip(texts, vectors, strict=True):
        assert np.array_equal(vector, FakeEmbedder()._vec(text))
    assert sum(batcher.batches) == 120  # every text embedded once (a batch of one goes through embed_query)
    assert sum(inner.batch_sizes) + len(inner.queries) == 120
    assert max(batcher.batches) > 1  # concurrent callers were embedded together
    assert len(batcher.batches) < 120


def test_an_error_reaches_only_the_caller_whose_text_failed() -> None:
    batcher = QueryBatcher(BatchingFake(), window_s=0.02)
    texts = ["first question", "boom", "third question", "fourth question"]
    results: dict[str, object] = {}

    def ask(text: str) -> None:
        try:
            results[text] = batcher.embed_query(text)
        except ValueError as exc:
            results[text] = exc

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert isinstance(results["boom"], ValueError)
    for text in ("first question", "third question", "fourth question"):
        assert np.array_equal(results[text], FakeEmbedder()._vec(text))  # type: ignore[arg-type]


def test_a_lone_caller_and_an_embedder_without_batches() -> None:
    inner = FakeEmbedder()
    batcher = QueryBatcher(inner, window_s=0.0)
    assert np.array_equal(batcher.embed_query("what is a model"), inner._vec("what is a model"))
    with pytest.raises(AttributeError):
        batcher.embed_query(None)  # type: ignore[arg-type]
    assert np.array_equal(batcher.embed_query("still working"), inner._vec("still working"))  # the worker survived


def test_no_deadlock_under_many_threads_and_rounds() -> None:
    batcher = QueryBatcher(BatchingFake(), window_s=0.001, max_batch=8)
    done = threading.Event()

    def rounds() -> None:
        with ThreadPoolExecutor(max_workers=16) as pool:
            for r in range(5):
                list(pool.map(batcher.embed_query, [f"round {r} learner {n}" for n in range(50)]))
        done.set()

    threading.Thread(target=rounds, daemon=True).start()
    assert done.wait(30), "the batcher stopped answering"
    assert max(batcher.batches) <= 8


def test_learners_asking_at_once_share_an_encoder_call_however_few_worker_threads(tmp_path: Path) -> None:
    """A question's embedding is awaited, not run in a worker thread: with 2 threads for 12 learners, the 12 queries
    still reach the encoder together (before, at most 2 could, one per thread)."""
    inner = BatchingFake()
    batcher = QueryBatcher(inner, window_s=0.05)
    indexes: dict[str, InMemoryVectorIndex] = {}
    a = build(
        make_settings(tmp_path),
        embedder=batcher,
        clock=FixedClock(),
        index_factory=lambda kind: indexes.setdefault(kind, InMemoryVectorIndex()),
    )
    try:
        assert not a.ingestor.ingest(FIXTURE_COURSE, a.assistant.clock.now()).errors
        batcher.batches.clear()

        async def everyone() -> list[list[Reply]]:
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=2))
            asks = [
                a.assistant.handle(Incoming("test", f"learner-{n}", "c", text="C'est quoi l'apprentissage supervisé ?"))
                for n in range(12)
            ]
            return await asyncio.gather(*asks)

        replies = asyncio.run(everyone())
    finally:
        a.engine.dispose()
    assert all(r and r[0].kind != "error" and r[0].citations for r in replies)
    assert max(batcher.batches) > 2


def test_a_caller_who_gave_up_does_not_stop_the_others() -> None:
    """An answer that timed out cancels its query's future: the batch goes on for everyone else."""
    inner = BatchingFake()
    batcher = QueryBatcher(inner, window_s=0.2)
    gave_up = batcher.submit_query("a learner who left")
    waiting = [batcher.submit_query(f"question {n}") for n in range(3)]
    assert gave_up.cancel()
    vectors = [f.result(timeout=5) for f in waiting]
    assert all(np.array_equal(v, FakeEmbedder()._vec(f"question {n}")) for n, v in enumerate(vectors))
    assert batcher.embed_query("still answering") is not None  # the worker is alive
    assert "a learner who left" not in inner.queries


async def test_an_answer_cancelled_while_its_query_waits_leaves_the_batcher_working() -> None:
    batcher = QueryBatcher(BatchingFake(), window_s=0.2)
    waiter = asyncio.ensure_future(asyncio.wrap_future(batcher.submit_query("cancelled while waiting")))
    other = asyncio.wrap_future(batcher.submit_query("another learner"))
    await asyncio.sleep(0)
    waiter.cancel()
    assert np.array_equal(await asyncio.wait_for(other, 5), FakeEmbedder()._vec("another learner"))
