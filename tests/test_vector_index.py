"""The VectorIndex port: the in-memory fake answers as embedded Chroma does for the same data (so that tests on the
fake stay honest), and Chroma opens its client once when many threads ask at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.fakes import InMemoryVectorIndex
from tutor.ports import VectorIndex
from tutor.retrieval.hybrid import Filters
from tutor.retrieval.vector_index import ChromaIndex

DIM = 16


def _data() -> tuple[list[str], np.ndarray, list[str], list[dict[str, Any]]]:
    rng = np.random.default_rng(3)
    n = 24
    ids = [f"c{j:02d}" for j in range(n)]
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)  # not normalised: both must compare by cosine
    metas = [
        {"lang": ("fr", "en")[j % 2], "level": 1 + j % 3, "cohort": ("", "", "acme")[j % 3], "module": f"m{j % 4}"}
        for j in range(n)
    ]
    return ids, vectors, [f"text {i}" for i in ids], metas


WHERES: list[dict[str, Any] | None] = [
    None,
    {"lang": "fr"},
    {"cohort": {"$in": ["", "acme"]}},
    {"level": {"$in": [1, 3]}},
    {"$and": [{"lang": "en"}, {"cohort": {"$in": [""]}}]},
    Filters("fr").where(),
    Filters("en", cohort="acme", levels=(2, 3)).where(),
    {"$and": [{"lang": "de"}, {"cohort": {"$in": [""]}}]},  # nothing matches
]


def _memory(tmp_path: Path) -> VectorIndex:
    return InMemoryVectorIndex()


def _chroma(tmp_path: Path) -> VectorIndex:
    return ChromaIndex("contract", path=tmp_path / "chroma")


@pytest.fixture(params=[_memory, _chroma], ids=["memory", "chroma"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> VectorIndex:
    make: Callable[[Path], VectorIndex] = request.param
    ids, vectors, texts, metas = _data()
    idx = make(tmp_path)
    idx.upsert(ids, vectors, texts, metas)
    return idx


def _expected(vector: np.ndarray, k: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
    """Brute force: cosine over the rows the filter keeps, best first."""
    from tests.fakes import matches

    ids, vectors, _, metas = _data()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    q = vector / np.linalg.norm(vector)
    rows = [(i, float(u @ q)) for i, u, m in zip(ids, unit, metas, strict=True) if matches(m, where)]
    return sorted(rows, key=lambda r: -r[1])[:k]


@pytest.mark.parametrize("where", WHERES, ids=[str(n) for n in range(len(WHERES))])
def test_queries_answer_the_exact_nearest_neighbours(index: VectorIndex, where: dict[str, Any] | None) -> None:
    q = np.random.default_rng(11).standard_normal(DIM).astype(np.float32)
    for k in (1, 5, 100):
        got = index.query(q, k, where)
        want = _expected(q, k, where)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-5)
        with_meta = index.query_with_metadata(q, k, where)
        assert [(i, pytest.approx(s, abs=1e-5)) for i, s, _ in with_meta] == got
        metas = dict(zip(_data()[0], _data()[3], strict=True))
        assert all(m == metas[i] for i, _, m in with_meta)


def test_stored_vectors_ids_and_count(index: VectorIndex) -> None:
    ids, vectors, _, metas = _data()
    assert index.count() == len(ids) and index.ids() == set(ids)
    got = index.vectors(["c03", "c07", "missing"])
    assert set(got) == {"c03", "c07"}
    assert np.allclose(got["c03"], vectors[3], atol=1e-6)  # as given, not normalised
    everything = {i: (v, m) for i, v, m in index.everything()}
    assert set(everything) == set(ids)
    assert np.allclose(everything["c07"][0], vectors[7], atol=1e-6) and everything["c07"][1] == metas[7]
    assert index.vectors([]) == {}


def test_upsert_replaces_and_delete_removes(index: VectorIndex) -> None:
    ids, vectors, _, metas = _data()
    index.upsert(["c00"], vectors[5:6], ["moved"], [metas[1]])  # c00 now looks like c05, filed as c01 is
    assert index.count() == len(ids)
    [(best, score, meta)] = index.query_with_metadata(vectors[5], 1, {"lang": metas[1]["lang"]})
    assert best in ("c00", "c05") and score == pytest.approx(1.0, abs=1e-5) and meta["lang"] == metas[1]["lang"]
    index.delete(["c00", "c01", "not-there"])
    index.delete([])
    assert index.count() == len(ids) - 2 and "c00" not in index.ids() and "c01" not in index.ids()
    assert [i for i, _ in index.query(vectors[1], 3)][0] != "c01"


def test_both_refuse_a_one_clause_and(index: VectorIndex) -> None:
    with pytest.raises(ValueError):
        index.query(np.ones(DIM, dtype=np.float32), 3, {"$and": [{"lang": "fr"}]})


def test_an_empty_index_answers_nothing(tmp_path: Path) -> None:
    q = np.ones(DIM, dtype=np.float32)
    for idx in (InMemoryVectorIndex(), ChromaIndex("empty", path=tmp_path / "chroma")):
        assert idx.count() == 0 and idx.ids() == set() and idx.everything() == []
        assert idx.query(q, 5) == [] and idx.query_with_metadata(q, 5, {"lang": "fr"}) == []


def test_the_fake_and_chroma_give_the_same_answers(tmp_path: Path) -> None:
    ids, vectors, texts, metas = _data()
    fake, chroma = InMemoryVectorIndex(), ChromaIndex("same", path=tmp_path / "chroma")
    for idx in (fake, chroma):
        idx.upsert(ids, vectors, texts, metas)
        idx.delete(["c04"])
    for q in np.random.default_rng(5).standard_normal((6, DIM)).astype(np.float32):
        for where in WHERES:
            a, b = fake.query(q, 7, where), chroma.query(q, 7, where)
            assert [i for i, _ in a] == [i for i, _ in b]
            assert np.allclose([s for _, s in a], [s for _, s in b], atol=1e-5)
    assert fake.ids() == chroma.ids()


def test_the_fake_clones_independently() -> None:
    ids, vectors, texts, metas = _data()
    a = InMemoryVectorIndex()
    a.upsert(ids, vectors, texts, metas)
    b = a.clone()
    b.delete(["c00"])
    assert a.count() == len(ids) and b.count() == len(ids) - 1


def _first_queries_at_once(index: ChromaIndex, vectors: np.ndarray, metas: list[dict[str, Any]]) -> list[object]:
    """Eight threads query the index at the same moment; each one's hits, or the exception it met."""
    start = threading.Barrier(8)
    results: list[object] = [None] * 8

    def ask(n: int) -> None:
        start.wait()
        try:
            results[n] = index.query(vectors[n], 3, {"lang": metas[n]["lang"]})
        except Exception as exc:  # recorded for the assertions
            results[n] = exc

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_threads_opening_a_fresh_chroma_index_at_once_all_succeed(tmp_path: Path) -> None:
    """Eight first queries at the same moment on an index no thread has opened yet: one client, no error. Without
    the lock, Chroma's shared system for a path this process never opened is built by several threads at once and
    most of them fail."""
    ids, vectors, texts, metas = _data()
    untouched = _first_queries_at_once(ChromaIndex("threads", path=tmp_path / "untouched"), vectors, metas)
    assert untouched == [[]] * 8

    ChromaIndex("threads", path=tmp_path / "filled").upsert(ids, vectors, texts, metas)
    filled = _first_queries_at_once(ChromaIndex("threads", path=tmp_path / "filled"), vectors, metas)
    assert all(isinstance(r, list) and r[0][0] == ids[n] for n, r in enumerate(filled)), filled
