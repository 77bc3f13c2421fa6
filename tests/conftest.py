"""Shared fixtures: a tutor wired on fakes over a fresh data directory, and a conversation harness."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from entrypoints.bootstrap import App, build
from tests.fakes import FakeEmbedder, FixedClock
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
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def app(tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = build(make_settings(tmp_path), embedder=FakeEmbedder(), clock=clock)
    report = a.ingestor.ingest(FIXTURE_COURSE, clock.now())
    assert not report.errors
    a.sync_quizzes(load_banks(FIXTURE_QUIZZES))
    yield a
    a.engine.dispose()


class Harness:
    """Say something as a learner, get the tutor's replies."""

    def __init__(self, app: App, learner: str = "alice", locale: str | None = "fr") -> None:
        self.app = app
        self.learner = learner
        self.locale = locale

    async def say(self, text: str) -> list[Reply]:
        return await self.app.tutor.handle(Incoming("test", self.learner, "chat-1", text=text, locale=self.locale))

    async def press(self, data: str) -> list[Reply]:
        return await self.app.tutor.handle(Incoming("test", self.learner, "chat-1", button=data, locale=self.locale))


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
