"""The vector index lost or corrupt: learners get a clear sentence, the operator gets the fix (`tutor ingest`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from chromadb.api.client import SharedSystemClient

from entrypoints.bootstrap import build
from entrypoints.cli import index_problem
from tests.conftest import FIXTURE_COURSE, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.domain import Incoming
from tutor.messages import t
from tutor.retrieval.vector_index import ChromaIndex


async def test_a_corrupt_index_gets_a_clear_reply_and_a_diagnosis(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = build(settings, embedder=FakeEmbedder(), clock=FixedClock())
    try:
        app.ingestor.ingest(FIXTURE_COURSE, app.assistant.clock.now())
        assert index_problem(app) is None
    finally:
        app.engine.dispose()
    SharedSystemClient.clear_system_cache()  # as in a new process: Chroma caches its clients per path
    shutil.rmtree(settings.chroma_path)
    settings.chroma_path.mkdir()
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    broken = build(settings, embedder=FakeEmbedder(), clock=FixedClock())
    try:
        assert "cannot be read" in (index_problem(broken) or "")
        [reply] = await broken.assistant.handle(
            Incoming("test", "ana", "c", text="Qu'est-ce que le biais d'automatisation ?", locale="en")
        )
        assert reply.kind == "error" and reply.text == t("index_unavailable", "en")
        [quiz] = await broken.assistant.handle(Incoming("test", "ana", "c", text="/help", locale="en"))
        assert quiz.kind != "error"  # everything that does not read the course still works
    finally:
        broken.engine.dispose()


def test_a_lost_index_is_diagnosed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = build(settings, embedder=FakeEmbedder(), clock=FixedClock())
    try:
        app.ingestor.ingest(FIXTURE_COURSE, app.assistant.clock.now())
        emptied = ChromaIndex(FakeEmbedder().name, path=settings.chroma_path)
        emptied.delete(sorted(emptied.ids()))
        assert "holds 0 of the" in (index_problem(app) or "")
        app.ingestor.ingest(FIXTURE_COURSE, app.assistant.clock.now())  # the fix the message names
        assert index_problem(app) is None
    finally:
        app.engine.dispose()
