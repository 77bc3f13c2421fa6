"""Ingest under stress: oversized files, over-long names on PostgreSQL, killed runs, learners writing meanwhile,
two ingests at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select

from tests.fakes import FakeEmbedder, InMemoryVectorIndex
from tutor.ingest.pipeline import IngestLimits, Ingestor
from tutor.store.course import CourseRepository
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.leadership import INGEST_LOCK_FILE, INGEST_LOCK_KEY, ReminderLeadership
from tutor.store.models import Chunk, Document

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
GOOD = "---\nid: l1-90-good\nlevel: 1\nlang: fr\ntitle: Bon\n---\n## Une section {#une}\n\nDu texte utile ici.\n"


def _module(title: str, heading: str, module_id: str = "l1-91-x") -> str:
    return f"---\nid: {module_id}\nlevel: 1\nlang: fr\ntitle: {title}\n---\n## {heading}\n\nUn paragraphe.\n"


ENGINES: list[Engine] = []


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    yield
    while ENGINES:
        ENGINES.pop().dispose()


def _ingestor(url: str, index: InMemoryVectorIndex, **limits: int) -> tuple[Ingestor, object]:
    engine = make_engine(url)
    ENGINES.append(engine)
    migrate(engine)
    sessions = session_factory(engine)
    return Ingestor(CourseRepository(sessions), FakeEmbedder(), index, IngestLimits(**limits)), sessions


def test_an_oversized_file_is_refused_and_the_others_go_in(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "good.md").write_text(GOOD, encoding="utf-8")
    (course / "big.md").write_text(GOOD + "mot " * 600, encoding="utf-8")
    many = "".join(f"## Section {n}\n\nTexte {n}.\n\n" for n in range(30))
    (course / "many.md").write_text(GOOD + many, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ingestor, _ = _ingestor(url, InMemoryVectorIndex(), max_bytes=2000, max_chunks=20)
    report = ingestor.ingest(course, NOW)
    assert report.added == [(course / "good.md").as_posix()]
    assert any("big.md" in e and "larger than" in e for e in report.errors)
    assert any("many.md" in e and "more than 20" in e for e in report.errors)


def test_long_headings_and_ids_on_both_databases(database_url: str, tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "good.md").write_text(GOOD, encoding="utf-8")
    (course / "long-heading.md").write_text(_module("T" * 300, "H" * 300), encoding="utf-8")
    (course / "long-id.md").write_text(_module("T", "Titre", module_id="l1-92-" + "x" * 200), encoding="utf-8")
    ingestor, sessions = _ingestor(database_url, InMemoryVectorIndex())
    report = ingestor.ingest(course, NOW)
    assert sorted(Path(p).name for p in report.added) == ["good.md", "long-heading.md"]
    assert len(report.errors) == 1 and "long-id.md" in report.errors[0] and "128" in report.errors[0]
    with sessions() as s:  # type: ignore[operator]
        titles = s.scalars(select(Chunk.section_title)).all()
        assert all(len(t) <= 256 for t in titles) and len(s.scalars(select(Document)).all()) == 2


def test_vectors_of_a_killed_ingest_are_removed(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "good.md").write_text(GOOD, encoding="utf-8")
    index = InMemoryVectorIndex()
    index.upsert(["gone.md#0"], np.ones((1, 8), dtype=np.float32), ["texte"], [{"lang": "fr"}])  # no registry row
    ingestor, _ = _ingestor(f"sqlite:///{tmp_path / 'db.sqlite3'}", index)
    ingestor.ingest(course, NOW)
    assert "gone.md#0" not in index.ids() and index.ids()


class _SlowEmbedder(FakeEmbedder):
    """Embeds only once a learner's write has gone through (or after 10 s)."""

    def __init__(self, written: threading.Event) -> None:
        super().__init__()
        self.written = written

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.written.wait(10)
        return super().embed_passages(texts)


def test_learners_write_while_a_file_is_embedded(tmp_path: Path) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "good.md").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "db.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    written = threading.Event()
    ingestor = Ingestor(CourseRepository(session_factory(engine)), _SlowEmbedder(written), InMemoryVectorIndex())
    errors: list[Exception] = []

    def learner_writes() -> None:
        try:
            conn = sqlite3.connect(db, timeout=2)  # a learner's write would give up after 2 s of lock
            with conn:
                conn.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
                conn.execute("INSERT INTO probe VALUES (1)")
            conn.close()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            written.set()

    ingest = threading.Thread(target=ingestor.ingest, args=(course, NOW))
    ingest.start()
    threading.Timer(0.3, learner_writes).start()
    ingest.join(30)
    assert errors == [] and written.is_set()
    engine.dispose()


def test_a_second_ingest_waits_for_the_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    engine = make_engine(f"sqlite:///{data / 'tutor.sqlite3'}")
    held = ReminderLeadership.for_engine(engine, INGEST_LOCK_KEY, INGEST_LOCK_FILE)
    assert held.try_acquire()
    try:
        env = {**os.environ, "TUTOR_DATA_DIR": str(data)}
        env.pop("TUTOR_DATABASE_URL", None)
        code = f"from entrypoints.cli import app; app(['ingest', {str(tmp_path)!r}])"
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 3, done.stdout + done.stderr
        assert "Another ingest" in done.stdout
    finally:
        held.close()
        engine.dispose()
