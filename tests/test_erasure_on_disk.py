"""Erasure reaches the disk: after /delete, a learner's words are in neither the SQLite file nor its log."""

from __future__ import annotations

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tutor.buttons import ConfirmDelete, decode

SECRET = "zebulon-confidence-8451"


def _on_disk(app: App) -> bytes:
    path = app.settings.sqlite_path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_deleted_words_leave_the_file_and_its_log(harness: Harness, app: App) -> None:
    for n in range(3):
        await harness.say(f"Pourquoi {SECRET} numéro {n} ?")
    assert SECRET.encode() in _on_disk(app)
    [confirm] = await harness.say("/delete")
    yes = next(b.data for b in confirm.buttons if isinstance(decode(b.data), ConfirmDelete))
    await harness.press(yes)
    assert app.learners.find("test", "alice") is None
    assert SECRET.encode() not in _on_disk(app)
