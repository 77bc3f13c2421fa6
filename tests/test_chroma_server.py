"""Server mode: the same index code against a real ``chroma run`` on 127.0.0.1, started by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from entrypoints.bootstrap import build
from tests.conftest import FIXTURE_COURSE, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.domain import Incoming
from tutor.retrieval.vector_index import ChromaIndex


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
                    response.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        _close_connections_to(port)
        proc.terminate()
        proc.wait(timeout=10)


def _close_connections_to(port: int) -> None:
    """chromadb keeps one HTTP client per server for the whole process and never closes its connection pool, not even
    in ``Client.close()``: close the pool that reaches the test's server, and forget that server's client."""
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = SharedSystemClient._identifier_to_system
    for key, system in list(systems.items()):
        if system.settings.chroma_server_http_port == port:
            for component in system.components():
                session = getattr(component, "_session", None)
                if session is not None:
                    session.close()
            del systems[key]


def test_index_round_trip_on_server(chroma_url: str) -> None:
    index = ChromaIndex("fake-roundtrip", url=chroma_url)
    vectors = np.eye(3, 8, dtype=np.float32)
    metas = [{"lang": "fr", "level": 1, "cohort": "", "module": "m"}] * 2 + [
        {"lang": "en", "level": 1, "cohort": "", "module": "m"}
    ]
    index.upsert(["a", "b", "c"], vectors, ["x", "y", "z"], metas)
    assert index.count() == 3
    hits = index.query(vectors[1], 5, {"lang": "fr"})
    assert hits[0][0] == "b" and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert {h[0] for h in hits} == {"a", "b"}
    index.delete(["a"])
    assert index.ids() == {"b", "c"}


async def test_tutor_answers_with_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    clock = FixedClock()
    app = build(make_settings(tmp_path, chroma_url=chroma_url), embedder=FakeEmbedder(), clock=clock)
    try:
        app.ingestor.ingest(FIXTURE_COURSE, clock.now())
        assert not (tmp_path / "data" / "chroma").exists()
        [reply] = await app.assistant.handle(
            Incoming("test", "u1", "c1", text="C'est quoi le biais d'automatisation ?")
        )
        assert reply.kind == "answer" and reply.citations[0].section_id == "automation-bias"
    finally:
        app.engine.dispose()
