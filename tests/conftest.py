"""Shared fixtures: a tutor wired on fakes over a fresh data directory, and a conversation harness.

The fixture course is ingested and the quiz banks synced once per test session, into a template: a migrated SQLite
file and in-memory vector indexes. Each test's ``app`` starts from a copy of both, without migrating or ingesting.
Tests that need Chroma itself build their app with ``build`` (Chroma is the default index)."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from entrypoints.bootstrap import App, build
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex
from tutor.domain import Incoming, Reply
from tutor.quiz.items import load_banks
from tutor.settings import Settings

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
FIXTURE_QUIZZES = Path(__file__).parent / "fixtures" / "quizzes"
PG_ADMIN_URL = os.environ.get("TUTOR_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def make_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp / "data",
        "min_confidence": 0.18,  # both thresholds on the fake embedder's scale
        "cross_lingual_min_confidence": 0.15,
        "knowledge_dir": tmp / "knowledge",
        "quizzes_dir": FIXTURE_QUIZZES,
        "quiz_session_length": 3,
        "messages_per_minute": 0,  # the fixed clock never moves: tests/test_rate_limit.py checks the limit
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@dataclass(frozen=True)
class Template:
    """The fixture course ingested and the quiz banks synced, with the fake embedder: the SQLite file and the
    vector indexes by kind, to be copied by each test."""

    sqlite: Path
    indexes: dict[str, InMemoryVectorIndex]

    def indexes_copy(self) -> dict[str, InMemoryVectorIndex]:
        return {kind: index.clone() for kind, index in self.indexes.items()}


def _memory_indexes(indexes: dict[str, InMemoryVectorIndex]) -> Callable[[str], InMemoryVectorIndex]:
    return lambda kind: indexes.setdefault(kind, InMemoryVectorIndex())


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    settings = make_settings(tmp_path_factory.mktemp("template"))
    indexes: dict[str, InMemoryVectorIndex] = {}
    a = build(settings, embedder=FakeEmbedder(), clock=FixedClock(), index_factory=_memory_indexes(indexes))
    try:
        report = a.ingestor.ingest(FIXTURE_COURSE, a.assistant.clock.now())
        assert not report.errors
        a.sync_quizzes(load_banks(FIXTURE_QUIZZES))
    finally:
        a.engine.dispose()  # the last connection closed: SQLite folds its write-ahead log into the file
    return Template(settings.sqlite_path, indexes)


def app_from_template(
    template: Template, tmp: Path, clock: FixedClock, overrides: dict[str, object] | None = None, **build_args: Any
) -> App:
    """An app over a copy of the template: the SQLite file in tmp's data directory, the indexes cloned
    (``overrides``: settings, e.g. ``knowledge_dir`` for the real scenarios)."""
    settings = make_settings(tmp, **(overrides or {}))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.sqlite, settings.sqlite_path)
    indexes = template.indexes_copy()
    return build(settings, embedder=FakeEmbedder(), clock=clock, index_factory=_memory_indexes(indexes), **build_args)


@pytest.fixture
def app(template: Template, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = app_from_template(template, tmp_path, clock)
    yield a
    a.engine.dispose()


class Harness:
    """Say something as a learner, get the tutor's replies."""

    def __init__(self, app: App, learner: str = "alice", locale: str | None = "fr") -> None:
        self.app = app
        self.learner = learner
        self.locale = locale

    async def say(self, text: str) -> list[Reply]:
        return await self.app.assistant.handle(Incoming("test", self.learner, "chat-1", text=text, locale=self.locale))

    async def press(self, data: str) -> list[Reply]:
        return await self.app.assistant.handle(
            Incoming("test", self.learner, "chat-1", button=data, locale=self.locale)
        )


@pytest.fixture
def harness(app: App) -> Harness:
    return Harness(app)


def _pg_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but nothing answers on 127.0.0.1:5432")
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    name = f"tutor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
