"""The database failing: no learner text in the logs, a reply even when the store hangs, a sentence for a bad URL."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from entrypoints.bootstrap import App
from tests.conftest import Template, app_from_template
from tests.fakes import FixedClock
from tutor.domain import Incoming
from tutor.messages import t

SECRET = "mon-secret-personnel-42"
ABORT = "SELECT RAISE(ABORT, 'x');"


async def test_a_failed_write_logs_no_learner_text(app: App, caplog: pytest.LogCaptureFixture) -> None:
    with app.engine.begin() as conn:  # every log insert now fails, with the learner's text as a parameter
        conn.execute(text(f"CREATE TRIGGER no_log BEFORE INSERT ON conversation_log BEGIN {ABORT} END"))
    caplog.set_level(logging.DEBUG)
    [reply] = await app.assistant.handle(Incoming("test", "alice", "c", text=f"Qu'est-ce que {SECRET} ?", locale="fr"))
    assert reply.text == t("internal_error", "fr")
    assert "x" in caplog.text and SECRET not in caplog.text


async def test_a_hanging_store_still_gets_a_reply(template: Template, tmp_path: Path, clock: FixedClock) -> None:
    app = app_from_template(template, tmp_path, clock, overrides={"reply_within_s": 0.5})
    release = threading.Event()
    find = app.learners.find

    def hang(*args: object) -> object:
        release.wait(10)  # a frozen connection
        return find(*args)  # type: ignore[arg-type]

    app.learners.find = hang  # type: ignore[method-assign]
    try:
        [reply] = await app.assistant.handle(Incoming("test", "alice", "c", text="Bonjour ?", locale="en"))
        assert reply.kind == "error" and reply.text == t("internal_error", "en")
    finally:
        release.set()
        app.engine.dispose()


def test_a_wrong_database_url_is_one_sentence(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u:pw@127.0.0.1:1/x"
    env = {**os.environ, "TUTOR_DATA_DIR": str(tmp_path), "TUTOR_DATABASE_URL": url}
    command = [sys.executable, "-c", f"from entrypoints.cli import app; app(['ingest', {str(tmp_path)!r}])"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Cannot open the database" in out and "Traceback" not in out and "pw" not in out
    assert len(out.strip().splitlines()) <= 4


def test_a_short_callback_secret_is_refused_at_start(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(tmp_path),
        "TUTOR_TELEGRAM_TOKEN": "123:abc",
        "TUTOR_CALLBACK_SECRET": "short",
    }
    env.pop("TUTOR_DATABASE_URL", None)
    command = [sys.executable, "-c", "from entrypoints.cli import app; app(['serve'])"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "TUTOR_CALLBACK_SECRET" in out and "16" in out and "Traceback" not in out
