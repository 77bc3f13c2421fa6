"""A tutor process for tests/test_process_kill.py to kill with SIGKILL at a point it marks.

Usage: python tests/kill_worker.py DATABASE_URL DATA_DIR NOW_ISO

Reads one JSON command a line on stdin and answers each with one JSON line on stdout:
  {"learner": "ana", "say": "/quiz"} or {"learner": "ana", "press": "q:..."}  ->  {"replies": [{kind, text, buttons}]}
  {"trap": "before-commit" | "after-commit"}  ->  {"armed": ...}: the next quiz answer stops inside its transaction
      once its review row is written, or just after its commit (before the learner has the reply)
  {"remind": {"log": PATH, "deliver": N, "trap": "in-send" | "after-send" | null, "batch": B, "name": NAME}}
      ->  {"report": {...}}: one dispatcher run whose Outbox appends each delivered learner to PATH (fsync'd); with a
      trap, once N reminders are delivered the next send stops before (in-send) or after (after-send) delivery, and
      the other sends of its batch before delivery
  {"advance": {"minutes": M}}  ->  {"now": ...}: the worker's fixed clock moves on
When a trap is reached the process writes {"trapped": ...} and waits, never going further, until it is killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from entrypoints.bootstrap import App, build  # noqa: E402
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex  # noqa: E402
from tutor.domain import Delivery, Incoming, Recipient, Reply  # noqa: E402
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher  # noqa: E402
from tutor.reminders.rate_limit import NoRateLimit  # noqa: E402
from tutor.settings import Settings  # noqa: E402
from tutor.store.models import ReviewLog  # noqa: E402

FIXTURE_QUIZZES = ROOT / "tests" / "fixtures" / "quizzes"
_out_lock = threading.Lock()


def emit(message: dict[str, Any]) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def stop_here(point: str) -> None:
    """The marked point: tell the test, then never go on (the test kills this process)."""
    emit({"trapped": point})
    threading.Event().wait()


class QuizTrap:
    """Stops the next quiz answer's unit of work before or just after its commit."""

    def __init__(self) -> None:
        self.armed: str | None = None
        event.listen(Session, "after_flush", self._after_flush)
        event.listen(Session, "after_commit", self._after_commit)

    def _after_flush(self, session: Session, _context: object) -> None:
        if self.armed is None or not any(isinstance(row, ReviewLog) for row in session.new):
            return
        if self.armed == "before-commit":
            stop_here("before-commit")  # the review row is written, the transaction still open
        session.info["review_written"] = True

    def _after_commit(self, session: Session) -> None:
        if self.armed == "after-commit" and session.info.pop("review_written", False):
            stop_here("after-commit")


class FileOutbox:
    """Delivers by appending the learner to a file, synced to disk before the send returns."""

    def __init__(self, log: Path, deliver: int | None, trap: str | None) -> None:
        self.log, self.deliver, self.trap = log, deliver, trap
        self.delivered = 0
        self.stopped = False

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        if self.stopped:  # another send of the batch, once the trap is reached: it never delivers
            await asyncio.Event().wait()
        self.stopped = self.trap is not None and self.deliver is not None and self.delivered >= self.deliver
        if self.stopped and self.trap == "in-send":
            await self._stop("in-send")
        with self.log.open("a") as f:
            f.write(recipient.learner_id + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.delivered += 1
        if self.stopped:
            await self._stop("after-send")
        return Delivery.SENT

    @staticmethod
    async def _stop(point: str) -> None:
        emit({"trapped": point})
        await asyncio.Event().wait()  # never set: this send goes no further, the process goes on until killed


def make_app(url: str, data_dir: Path, now: datetime) -> App:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=url,
        knowledge_dir=data_dir / "knowledge",
        quizzes_dir=FIXTURE_QUIZZES,
        quiz_session_length=3,
        messages_per_minute=0,
    )
    indexes: dict[str, InMemoryVectorIndex] = {}
    return build(
        settings,
        FakeEmbedder(),
        FixedClock(now),
        index_factory=lambda kind: indexes.setdefault(kind, InMemoryVectorIndex()),
    )


async def remind(app: App, options: dict[str, Any]) -> dict[str, int]:
    outbox = FileOutbox(Path(options["log"]), options.get("deliver"), options.get("trap"))
    rules = DispatchRules(batch_size=options.get("batch", 2), lease=timedelta(minutes=5))
    dispatcher = ReminderDispatcher(app.sessions, outbox, app.assistant.clock, NoRateLimit(), rules, options["name"])
    return asdict(await dispatcher.tick())


async def serve(app: App) -> None:
    trap = QuizTrap()
    for line in sys.stdin:
        command = json.loads(line)
        if "trap" in command:
            trap.armed = command["trap"]
            emit({"armed": trap.armed})
        elif "advance" in command:
            clock = app.assistant.clock
            assert isinstance(clock, FixedClock)
            clock.advance(**command["advance"])
            emit({"now": clock.now().isoformat()})
        elif "remind" in command:
            emit({"report": await remind(app, command["remind"])})
        else:
            action = {"text": command["say"]} if "say" in command else {"button": command["press"]}
            who = command["learner"]
            replies = await app.assistant.handle(Incoming("test", who, f"chat-{who}", locale="fr", **action))
            emit(
                {"replies": [{"kind": r.kind, "text": r.text, "buttons": [b.data for b in r.buttons]} for r in replies]}
            )


def main() -> None:
    url, data_dir, now = sys.argv[1], Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    app = make_app(url, data_dir, now)
    try:
        asyncio.run(serve(app))
    finally:
        app.engine.dispose()


if __name__ == "__main__":
    main()
