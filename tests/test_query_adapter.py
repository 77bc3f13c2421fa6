"""The query adapter: its fit learns a distortion between questions and passages and generalises to questions it never
saw; the app refits it only when the course or the quiz changed, keeps it in the store, and searches through it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from entrypoints.bootstrap import App, build
from tests.conftest import FIXTURE_COURSE, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.quiz.items import Item, ItemText
from tutor.retrieval.hybrid import Filters
from tutor.retrieval.query_adapter import (
    MIN_QUESTIONS,
    FitSettings,
    TrainingSet,
    _gradient,
    adapt,
    fit_adapter,
    training_set,
)
from tutor.store.models import QueryAdapter

DIM, SECTIONS = 24, 12


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _distorted_questions(rng: np.random.Generator, passages: np.ndarray, distortion: np.ndarray, n: int) -> list:
    sections = rng.integers(0, SECTIONS, n)
    vectors = _unit((passages[sections] + 0.25 * rng.standard_normal((n, DIM))) @ distortion.T)
    return [(v, f"m#s{s}", "fr") for v, s in zip(vectors, sections, strict=True)]


def _accuracy(matrix: np.ndarray | None, questions: list, passages: np.ndarray) -> float:
    best = [int(np.argmax(passages @ adapt(matrix, v))) for v, _, _ in questions]
    return float(np.mean([f"m#s{b}" == s for b, (_, s, _) in zip(best, questions, strict=True)]))


def test_the_fit_learns_a_distortion_and_generalises_to_unseen_questions() -> None:
    rng = np.random.default_rng(7)
    passages = _unit(rng.standard_normal((SECTIONS, DIM)))
    distortion = np.eye(DIM) + 2.0 * rng.standard_normal((DIM, DIM)) / np.sqrt(DIM)
    train = _distorted_questions(rng, passages, distortion, 200)
    unseen = _distorted_questions(rng, passages, distortion, 200)
    data = training_set(train, [(p, f"m#s{j}", "fr") for j, p in enumerate(passages)])
    assert data is not None
    matrix = fit_adapter(data, FitSettings(steps=300, learning_rate=1e-2, l2=0.0))
    before, after = _accuracy(None, unseen, passages), _accuracy(matrix, unseen, passages)
    assert after >= before + 0.3, (before, after)


def test_the_gradient_is_the_derivative_of_the_loss() -> None:
    rng = np.random.default_rng(1)
    data = TrainingSet(
        _unit(rng.standard_normal((5, 6))),
        _unit(rng.standard_normal((8, 6))),
        np.eye(5, 8, dtype=bool) | np.eye(5, 8, k=3, dtype=bool),
        np.ones((5, 8), dtype=bool),
    )
    fit = FitSettings(temperature=0.5, l2=0.1)
    w = np.eye(6) + 0.1 * rng.standard_normal((6, 6))

    def loss(m: np.ndarray) -> float:
        q = data.queries @ m.T
        s = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ data.passages.T / fit.temperature
        right = np.log(np.where(data.answers, np.exp(s), 0).sum(1))
        return float(np.mean(np.log(np.exp(s).sum(1)) - right) + fit.l2 * ((m - np.eye(6)) ** 2).sum())

    numeric = np.zeros_like(w)
    for i, j in np.ndindex(*w.shape):
        step = np.zeros_like(w)
        step[i, j] = 1e-6
        numeric[i, j] = (loss(w + step) - loss(w - step)) / 2e-6
    assert np.allclose(_gradient(w, data, fit), numeric, atol=1e-5)


def test_too_few_questions_or_questions_without_passages_give_no_map() -> None:
    v = _unit(np.ones(DIM))
    passages = [(v, "m#a", "fr")]
    assert training_set([(v, "m#a", "fr")] * (MIN_QUESTIONS - 1), passages) is None
    assert training_set([(v, "m#b", "fr")] * MIN_QUESTIONS, passages) is None  # no passage teaches section b
    assert training_set([(v, "m#a", "en")] * MIN_QUESTIONS, passages) is None  # nor in English
    assert training_set([(v, "m#a", "fr")] * MIN_QUESTIONS, passages) is not None
    assert adapt(None, v) is v


class NarrowFakeEmbedder(FakeEmbedder):
    """The fake embedder in few enough dimensions for a full map."""

    name = "fake-narrow"
    dim = 256


def _items(n: int) -> list[Item]:
    topics = {
        "automation-bias": ("Pourquoi croit-on la machine, cas {k} ?", "Why trust the machine, case {k}?"),
        "supervised-learning": ("Exemples étiquetés, cas {k} ?", "Labelled examples, case {k}?"),
    }
    items = []
    for k in range(n):
        section = list(topics)[k % 2]
        fr, en = (t.format(k=k) for t in topics[section])
        texts = {"fr": ItemText(fr, "", accepted=("oui",)), "en": ItemText(en, "", accepted=("yes",))}
        items.append(Item(f"l1-99-q{k:02d}", "l1-99-sample", section, "short", 1, 1, texts))
    return items


@pytest.fixture
def narrow_app(tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = build(make_settings(tmp_path), embedder=NarrowFakeEmbedder(), clock=clock)
    assert not a.ingestor.ingest(FIXTURE_COURSE, clock.now()).errors
    yield a
    a.engine.dispose()


def _stored(app: App) -> QueryAdapter | None:
    with app.sessions() as s:
        return s.execute(select(QueryAdapter)).scalar_one_or_none()


def test_the_app_fits_the_map_once_and_searches_through_it(narrow_app: App, clock: FixedClock) -> None:
    items = _items(16)  # 32 questions with both languages
    narrow_app.sync_quizzes(items)
    row = _stored(narrow_app)
    assert row is not None and row.questions == 32 and row.dim == 256
    assert narrow_app.retriever.catalog.adapter is not None
    c = narrow_app.retriever.candidate_scores("Pourquoi croit-on la machine ?", Filters("fr"), "hybrid")
    assert not np.allclose(c.adapted, c.dense)  # ranked through the map; confidence keeps the plain cosine

    clock.advance(minutes=5)
    narrow_app.sync_quizzes(items)
    again = _stored(narrow_app)
    assert again is not None and again.fitted_at == row.fitted_at  # nothing changed, nothing refitted

    narrow_app.sync_quizzes(items[:5])  # 10 questions: too few, the map is dropped
    assert _stored(narrow_app) is None and narrow_app.retriever.catalog.adapter is None


def test_switched_off_there_is_no_map(tmp_path: Path, clock: FixedClock) -> None:
    a = build(make_settings(tmp_path, query_adapter=False), embedder=NarrowFakeEmbedder(), clock=clock)
    assert not a.ingestor.ingest(FIXTURE_COURSE, clock.now()).errors
    a.sync_quizzes(_items(16))
    assert _stored(a) is None and a.retriever.catalog.adapter is None
    c = a.retriever.candidate_scores("Pourquoi croit-on la machine ?", Filters("fr"), "hybrid")
    assert np.array_equal(c.adapted, c.dense)
    a.engine.dispose()
