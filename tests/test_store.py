"""The store on SQLite and on PostgreSQL: migrations, learners, conversation log, registry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from tests.fakes import FakeEmbedder
from tutor.domain import Citation
from tutor.ingest.pipeline import Ingestor
from tutor.retrieval.catalog import Catalog
from tutor.retrieval.vector_index import ChromaIndex
from tutor.store.course import CourseRepository
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.learners import LearnerStore
from tutor.store.query_adapters import QueryAdapterRepository

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> LearnerStore:
    return LearnerStore(session_factory(engine))


def test_migrations_create_tables_and_are_idempotent(engine: Engine) -> None:
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"learners", "conversation_log", "documents", "chunks", "unanswered_questions"} <= tables


def test_the_cheap_head_check_agrees_with_alembic(engine: Engine) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tutor.store.db import MIGRATIONS
    from tutor.store.schema import at_head, heads

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert heads() == frozenset(ScriptDirectory.from_config(cfg).get_heads())
    assert at_head(engine)  # the fixture migrated it
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not at_head(engine)


def test_an_empty_database_is_not_at_head(tmp_path: Path) -> None:
    from tutor.store.schema import at_head

    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert not at_head(empty)
    empty.dispose()


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tutor.store.models import Base

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_a_query_adapter_round_trips_on_both_databases(engine: Engine) -> None:
    import numpy as np

    from tutor.store.models import QueryAdapter

    matrix = np.arange(9, dtype=np.float32).reshape(3, 3) / 7
    sessions = session_factory(engine)
    with sessions.begin() as s:
        s.add(QueryAdapter(embedder="e", fingerprint="f", dim=3, matrix=matrix.tobytes(), questions=20, fitted_at=NOW))
    catalog = Catalog(CourseRepository(sessions), QueryAdapterRepository(sessions), embedder="e")
    catalog.refresh(force=True)
    assert catalog.adapter is not None and np.array_equal(catalog.adapter, matrix)
    assert Catalog(CourseRepository(sessions), QueryAdapterRepository(sessions), embedder="other").adapter is None


def test_learner_created_once_and_updated(store: LearnerStore) -> None:
    a = store.get_or_create("telegram", "42", "fr", 1, NOW)
    b = store.get_or_create("telegram", "42", "en", 2, NOW)
    assert a.id == b.id and b.lang == "fr"
    store.update(a.id, lang="en", level=3)
    found = store.find("telegram", "42")
    assert found is not None and (found.lang, found.level) == ("en", 3)
    assert found.created_at == NOW


def test_log_keeps_order_and_citations_and_forget_deletes_all(store: LearnerStore) -> None:
    learner = store.get_or_create("discord", "7", "fr", 1, NOW)
    other = store.get_or_create("discord", "8", "fr", 1, NOW)
    cite = Citation("m", "Module", "s", "Section", "path#s")
    store.log(learner.id, "learner", "question ?", NOW)
    store.log(learner.id, "assistant", "réponse", NOW, kind="answer", citations=(cite,))
    store.log(other.id, "learner", "autre", NOW)
    store.record_unanswered(learner.id, "hors sujet", "fr", 0.1, NOW)
    log = store.transcript(learner.id)
    assert [(e.role, e.text) for e in log] == [("learner", "question ?"), ("assistant", "réponse")]
    assert log[1].citations == (cite,) and log[0].citations == ()
    store.forget(learner.id)
    assert store.find("discord", "7") is None
    assert store.transcript(learner.id) == []
    assert store.unanswered() == []
    assert [e.text for e in store.transcript(other.id)] == ["autre"]


def test_registry_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    sessions = session_factory(engine)
    course = tmp_path / "course"
    course.mkdir()
    (course / "a.md").write_text(
        "---\nid: m-a\nlang: fr\nlevel: 2\ntitle: A\n---\n## Un {#un}\nDu texte sur les données.\n"
    )
    ingestor = Ingestor(CourseRepository(sessions), FakeEmbedder(), ChromaIndex("fake", path=tmp_path / "chroma"))
    first = ingestor.ingest(course, NOW)
    again = ingestor.ingest(course, NOW)
    assert (first.added, again.unchanged) == (
        [course.joinpath("a.md").as_posix()],
        [course.joinpath("a.md").as_posix()],
    )
