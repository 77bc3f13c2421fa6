"""A tutor process killed with SIGKILL mid-quiz and mid-reminder-run, then a new process over the same store (SQLite
file and PostgreSQL): the open quiz question is still there to answer, no review is doubled or half-written, and
a reminder run cut short reaches every learner, never re-sending one whose send was recorded (the one send
delivered but not yet recorded when the process died is sent once more: the documented uncertain window).

The processes are real (tests/kill_worker.py); each is killed at a point it announces on its stdout, not after a
sleep."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from entrypoints.bootstrap import build
from tests.conftest import FIXTURE_QUIZZES, make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.domain import Incoming
from tutor.messages import t
from tutor.quiz.items import load_banks
from tutor.store.db import make_engine
from tutor.store.models import AskedQuestion, Card, Learner, ReminderSend, ReviewLog

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "kill_worker.py"
QUIZ_DAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
MORNING = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Paris: the learners' 08:30 reminder is not due yet
REPLY_WITHIN_S = 60.0  # a worker that says nothing for this long has hung: fail rather than wait forever


class Worker:
    """A tutor process driven line by line; killed with SIGKILL, never stopped cleanly."""

    def __init__(self, url: str, tmp: Path, now: datetime) -> None:
        self.log = tmp / f"worker-{time.monotonic_ns()}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER), url, str(tmp / "worker-data"), now.isoformat()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=tmp,  # no .env of the developer's
                env=env,
                text=True,
            )

    def call(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.read()

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], REPLY_WITHIN_S)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise AssertionError(f"the worker said nothing (rc {self.process.poll()}):\n{self.log.read_text()}")
        return dict(json.loads(line))

    def replies(self, learner: str, **action: str) -> list[dict[str, Any]]:
        answer = self.call(learner=learner, **action)
        assert "replies" in answer, answer
        return list(answer["replies"])

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.close()


def _start(workers: list[Worker], url: str, tmp: Path, now: datetime) -> Worker:
    worker = Worker(url, tmp, now)
    workers.append(worker)
    return worker


def _prepare(url: str, tmp: Path) -> None:
    """The store the workers share: migrated, quiz items synced (new items waiting at level 1)."""
    app = build(make_settings(tmp, database_url=url), embedder=FakeEmbedder(), clock=FixedClock(QUIZ_DAY))
    try:
        app.quiz_store.sync_items(load_banks(FIXTURE_QUIZZES))
    finally:
        app.engine.dispose()


def _answer(question: dict[str, Any]) -> dict[str, str]:
    """The right answer to a quiz question of the fixture bank: option B, or the short answer typed."""
    assert question["text"].startswith("Question "), question
    options = [b for b in question["buttons"] if b.startswith("q:")]
    return {"press": options[1]} if options else {"say": "supervisé"}


def _quiz_rows(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "reviews": conn.scalar(sql_select(func.count(ReviewLog.id))) or 0,
                "answered": conn.scalar(
                    sql_select(func.count(AskedQuestion.token)).where(AskedQuestion.answered_at.is_not(None))
                )
                or 0,
                "cards": conn.scalar(sql_select(func.count(Card.id))) or 0,
                "reps": conn.scalar(sql_select(func.coalesce(func.sum(Card.reps), 0))) or 0,
                "distinct_tokens": conn.scalar(sql_select(func.count(func.distinct(ReviewLog.token)))) or 0,
            }
    finally:
        engine.dispose()


def _consistent(rows: dict[str, int], reviews: int, cards: int) -> None:
    assert rows == {
        "reviews": reviews,
        "answered": reviews,
        "cards": cards,
        "reps": reviews,
        "distinct_tokens": reviews,
    }


def test_a_process_killed_mid_quiz(database_url: str, tmp_path: Path, workers: list[Worker]) -> None:
    _prepare(database_url, tmp_path)
    correct = t("quiz_correct", "fr")
    first = _start(workers, database_url, tmp_path, QUIZ_DAY)
    [q1] = first.replies("ana", say="/quiz")
    [verdict] = first.replies("ana", **_answer(q1))
    assert verdict["text"].startswith(correct)
    [q2] = first.replies("ana", press="quiz:next")
    assert first.call(trap="before-commit") == {"armed": "before-commit"}
    q2_answer = _answer(q2)
    assert "say" in q2_answer  # the short-answer item: typed, taken as an answer only while the quiz is on
    assert first.call(learner="ana", **q2_answer) == {"trapped": "before-commit"}
    first.kill()  # inside the answer's transaction, its review row written but not committed
    _consistent(_quiz_rows(database_url), reviews=1, cards=1)  # nothing of the second answer is left

    second = _start(workers, database_url, tmp_path, QUIZ_DAY)
    [verdict] = second.replies("ana", **q2_answer)  # the open question resumes: the same answer again, recorded once
    assert verdict["text"].startswith(correct), verdict
    _consistent(_quiz_rows(database_url), reviews=2, cards=2)
    [q3] = second.replies("ana", press="quiz:next")
    assert q3["text"].startswith("Question 3/3"), q3
    assert second.call(trap="after-commit") == {"armed": "after-commit"}
    q3_answer = _answer(q3)
    assert second.call(learner="ana", **q3_answer) == {"trapped": "after-commit"}
    second.kill()  # committed, but the learner never saw the verdict
    _consistent(_quiz_rows(database_url), reviews=3, cards=3)

    third = _start(workers, database_url, tmp_path, QUIZ_DAY + timedelta(days=30))  # every card due again
    [again] = third.replies("ana", **q3_answer)  # pressed again: told, not recorded twice
    assert again["text"] == t("quiz_already", "fr"), again
    _consistent(_quiz_rows(database_url), reviews=3, cards=3)
    [q] = third.replies("ana", say="/quiz")  # a new run is cleanly offered
    [verdict] = third.replies("ana", **_answer(q))
    assert verdict["text"].startswith(correct), verdict
    _consistent(_quiz_rows(database_url), reviews=4, cards=3)  # the next answer is recorded once


def _subscribe(url: str, tmp: Path, n: int) -> list[str]:
    """n learners whose 08:30 reminder is set (through the tutor, at 08:00 Paris time), with quiz items waiting."""
    app = build(make_settings(tmp, database_url=url), embedder=FakeEmbedder(), clock=FixedClock(MORNING))
    names = [f"learner-{i}" for i in range(n)]
    try:
        app.quiz_store.sync_items(load_banks(FIXTURE_QUIZZES))

        async def subscribe() -> None:
            for name in names:
                [reply] = await app.assistant.handle(
                    Incoming("test", name, f"chat-{name}", text="/reminder 08:30", locale="fr")
                )
                assert reply.kind != "error", reply

        asyncio.run(subscribe())
    finally:
        app.engine.dispose()
    return names


def _delivered(log: Path) -> Counter[str]:
    return Counter(log.read_text().split()) if log.exists() else Counter()


def _statuses(url: str) -> dict[str, str]:
    """Each learner's reminder row status today."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sql_select(Learner.platform_user_id, ReminderSend.status).join(
                    ReminderSend, ReminderSend.learner_id == Learner.id
                )
            )
            return {who: status for who, status in rows}
    finally:
        engine.dispose()


def test_a_reminder_run_killed_part_way(database_url: str, tmp_path: Path, workers: list[Worker]) -> None:
    learners = _subscribe(database_url, tmp_path, 8)
    log = tmp_path / "delivered.txt"
    now = MORNING + timedelta(hours=1)

    def remind(worker: Worker, name: str, trap: str | None, deliver: int | None = None) -> dict[str, Any]:
        return worker.call(remind={"log": str(log), "deliver": deliver, "trap": trap, "batch": 2, "name": name})

    first = _start(workers, database_url, tmp_path, now)
    assert remind(first, "first", "in-send", deliver=2) == {"trapped": "in-send"}
    first.kill()  # the first batch sent and recorded; the second batch's sends in flight, nothing of it delivered
    delivered, statuses = _delivered(log), _statuses(database_url)
    assert len(delivered) == 2 and set(delivered) == {w for w, s in statuses.items() if s == "sent"}
    assert set(statuses) == set(learners) and set(statuses.values()) <= {"sent", "sending", "claimed"}

    second = _start(workers, database_url, tmp_path, now + timedelta(minutes=2))
    report = remind(second, "second", None)["report"]
    assert report["sent"] == 0  # the dead run's claims are still within their lease: nobody is sent twice
    assert second.call(advance={"minutes": 4})["now"]  # the lease has expired
    assert remind(second, "second", "after-send", deliver=2) == {"trapped": "after-send"}
    second.kill()  # two more sent and recorded; the next one delivered but killed before its row was marked
    delivered, statuses = _delivered(log), _statuses(database_url)
    recorded = {w for w, s in statuses.items() if s == "sent"}
    uncertain = set(delivered) - recorded
    assert (len(recorded), len(uncertain)) == (4, 1) and all(n == 1 for n in delivered.values())

    third = _start(workers, database_url, tmp_path, now + timedelta(minutes=12))
    report = remind(third, "third", None)["report"]
    delivered = _delivered(log)
    assert report["sent"] == len(learners) - len(recorded)
    assert set(delivered) == set(learners)  # nobody's reminder is lost
    assert {w: n for w, n in delivered.items() if n > 1} == dict.fromkeys(uncertain, 2)  # the uncertain one, once more
    assert set(_statuses(database_url).values()) == {"sent"}
    report = remind(third, "third", None)["report"]
    assert report["sent"] == 0 and _delivered(log) == delivered  # and a later run sends nothing more
