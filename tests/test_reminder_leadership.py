"""One reminder scheduler per deployment: the leadership locks, and two real `tutor serve` processes on one
PostgreSQL database, serving Telegram against the fake Bot API, that remind each learner exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from entrypoints.bootstrap import App, build
from tests.conftest import FIXTURE_QUIZZES, make_settings
from tests.fakes import FakeEmbedder
from tests.telegram_fake_server import TOKEN, FakeTelegram
from tutor.quiz.items import load_banks
from tutor.store.db import make_engine
from tutor.store.leadership import (
    LOCK_FILE,
    LOCK_KEY,
    AdvisoryLockLeadership,
    FileLockLeadership,
    ReminderLeadership,
)
from tutor.store.models import Learner, ReminderSend

ROOT = Path(__file__).resolve().parent.parent
EVERY_S = 0.5  # the reminder interval of the served processes


# the locks


def test_advisory_lock_one_leader_and_takeover(postgres_url: str) -> None:
    engines = [make_engine(postgres_url), make_engine(postgres_url)]
    first, second = (ReminderLeadership.for_engine(e) for e in engines)
    assert isinstance(first, AdvisoryLockLeadership)
    try:
        assert first.try_acquire()
        assert first.try_acquire()  # still leads
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
        # the leader's session dies (its process was killed, say): PostgreSQL drops the lock
        [pid] = _lock_holders(engines[0])
        with engines[0].connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):  # the terminated backend lets go of its lock as it exits, a moment later
            if not _lock_holders(engines[0]):
                break
            time.sleep(0.05)
        assert first.try_acquire()
        assert not second.try_acquire()  # it notices its lock went with its connection
        assert not second.leading
        first.close()
        assert not first.try_acquire()  # closed for good
        assert second.try_acquire()
        second.release()
        assert _lock_holders(engines[0]) == []
    finally:
        first.close()
        second.close()
        for engine in engines:
            engine.dispose()


def test_file_lock_one_leader_and_takeover(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'tutor.sqlite3'}")
    first, second = ReminderLeadership.for_engine(engine), ReminderLeadership.for_engine(engine)
    assert isinstance(first, FileLockLeadership)
    assert first.path == tmp_path / "data" / LOCK_FILE
    try:
        assert first.try_acquire()
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.path.read_text().strip() == str(os.getpid())
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
        second.close()
        assert first.try_acquire()
        assert not second.try_acquire()
    finally:
        first.close()
        second.close()
        engine.dispose()


def test_file_lock_is_released_when_its_process_dies(tmp_path: Path) -> None:
    path = tmp_path / LOCK_FILE
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'w'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    leadership = FileLockLeadership(path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert not leadership.try_acquire()
        holder.kill()
        holder.wait(timeout=10)
        assert leadership.try_acquire()
    finally:
        leadership.close()
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def test_in_memory_sqlite_always_leads() -> None:
    engine = make_engine("sqlite://")
    try:
        assert ReminderLeadership.for_engine(engine).try_acquire()
    finally:
        engine.dispose()


# two `tutor serve` processes on one PostgreSQL database


# The sessions holding the reminder lock in this database (pg_locks covers the whole server): a bigint key shows
# as classid (high half) and objid (low half).
HOLDERS = (
    "pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key"
)


def _lock_holders(engine: Engine) -> list[int]:
    """Backend pids holding the reminder lock."""
    with engine.connect() as conn:
        return list(
            conn.scalars(
                text(f"SELECT l.pid FROM {HOLDERS}"),
                {"key": LOCK_KEY},
            )
        )


def _leader_pid(engine: Engine) -> int | None:
    """The OS pid of the `tutor serve` process that leads, from its lock connection's application_name."""
    with engine.connect() as conn:
        names = list(
            conn.scalars(
                text(f"SELECT a.application_name FROM {HOLDERS}"),
                {"key": LOCK_KEY},
            )
        )
    assert len(names) <= 1, names
    return int(names[0].rsplit("-", 1)[1]) if names else None


class Deployment:
    """The fake Telegram, the seeded database, and the `tutor serve` processes on it."""

    def __init__(self, app: App, fake: FakeTelegram, url: str, tmp: Path) -> None:
        self.app, self.fake, self.url, self.tmp = app, fake, url, tmp
        self.processes: list[subprocess.Popen[bytes]] = []
        self.ended: set[int] = set()  # pids this test stopped or killed
        self._next_user = 900001

    def add_learners(self, n: int) -> list[int]:
        """n Telegram learners whose daily reminder is due now, with new quiz items waiting (none answered yet)."""
        now = datetime.now(UTC)
        ids = list(range(self._next_user, self._next_user + n))
        self._next_user += n
        with self.app.sessions.begin() as s:
            for uid in ids:
                s.add(
                    Learner(
                        platform="telegram",
                        platform_user_id=str(uid),
                        chat_id=str(uid),
                        lang="fr",
                        level=1,
                        created_at=now,
                        last_seen_at=now,
                        timezone="Europe/Paris",
                        reminder_time="08:30",
                        next_reminder_at=now - timedelta(minutes=1),
                    )
                )
        for uid in ids:
            self.fake.add_private_chat({"id": uid, "first_name": f"L{uid}"})
        return ids

    def start(self) -> subprocess.Popen[bytes]:
        n = len(self.processes)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
        env.update(
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
            TUTOR_TELEGRAM_TOKEN=TOKEN,
            TUTOR_TELEGRAM_API_URL=self.fake.base_url,
            TUTOR_DATABASE_URL=self.url,
            TUTOR_DATA_DIR=str(self.tmp / f"serve-{n}"),
            TUTOR_REMINDER_EVERY_S=str(EVERY_S),
            TUTOR_QUIET_HOURS_START="",  # no quiet hours: the test may run at any hour
            TUTOR_QUIET_HOURS_END="",
            TUTOR_DASHBOARD_ENABLED="false",  # several workers on one host: one dashboard at most, not started here
        )
        log = (self.tmp / f"serve-{n}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve"],
            cwd=self.tmp,  # no .env of the developer's
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- serve-{n} (pid {p.pid}, rc {p.poll()}):\n{(self.tmp / f'serve-{n}.log').read_text(errors='replace')}"
            for n, p in enumerate(self.processes)
        )

    def dispatchers(self, chats: list[int]) -> set[str]:
        """The dispatchers (one per process) that claimed these learners' reminders."""
        with self.app.sessions() as s:
            query = (
                select(ReminderSend.claimed_by)
                .join(Learner, Learner.id == ReminderSend.learner_id)
                .where(Learner.platform_user_id.in_([str(c) for c in chats]))
            )
            return set(s.scalars(query))

    def reminders(self) -> Counter[int]:
        """Reminders received, by chat."""
        return Counter(c.params["chat_id"] for c in self.fake.calls_to("sendMessage"))

    async def wait_reminded(self, chats: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(self.reminders()[c] for c in chats):
            for p in self.processes:
                assert p.pid in self.ended or p.poll() is None, f"a process died\n{self.logs()}"
            if time.monotonic() > deadline:
                missing = [c for c in chats if not self.reminders()[c]]
                raise AssertionError(f"{len(missing)} learner(s) not reminded within {timeout}s\n{self.logs()}")
            await asyncio.sleep(0.1)

    async def wait_leader(self, among: list[subprocess.Popen[bytes]], timeout: float) -> subprocess.Popen[bytes]:
        deadline = time.monotonic() + timeout
        while True:
            pid = await asyncio.to_thread(_leader_pid, self.app.engine)
            leader = next((p for p in among if p.pid == pid), None)
            if leader is not None:
                return leader
            if time.monotonic() > deadline:
                raise AssertionError(f"no leader among {[p.pid for p in among]} (holder: {pid})\n{self.logs()}")
            await asyncio.sleep(0.1)

    async def stop(self, process: subprocess.Popen[bytes], timeout: float = 8.0) -> int:
        """SIGTERM, then wait for a clean exit."""
        self.ended.add(process.pid)
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"pid {process.pid} still running {timeout}s after SIGTERM\n{self.logs()}")
            await asyncio.sleep(0.05)
        return process.returncode


@pytest.fixture
async def deployment(postgres_url: str, tmp_path: Path) -> AsyncIterator[Deployment]:
    app = build(make_settings(tmp_path, database_url=postgres_url), embedder=FakeEmbedder())
    app.quiz_store.sync_items(load_banks(FIXTURE_QUIZZES))  # new items waiting at level 1
    fake = FakeTelegram()
    await fake.start()
    deployment = Deployment(app, fake, postgres_url, tmp_path)
    try:
        yield deployment
    finally:
        for process in deployment.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        await fake.close()
        app.engine.dispose()


async def test_two_serve_processes_remind_each_learner_once_and_fail_over(deployment: Deployment) -> None:
    learners = deployment.add_learners(40)
    first, second = deployment.start(), deployment.start()

    # both serve Telegram, one dispatches: every learner reminded exactly once
    await deployment.wait_reminded(learners, timeout=30)
    leader = await deployment.wait_leader([first, second], timeout=5)
    await asyncio.sleep(4 * EVERY_S)
    reminded = deployment.reminders()
    assert {chat: reminded[chat] for chat in learners} == dict.fromkeys(learners, 1)
    assert len(reminded) == len(learners)
    assert len(await asyncio.to_thread(_lock_holders, deployment.app.engine)) == 1
    [first_dispatcher] = deployment.dispatchers(learners)  # one process dispatched them all

    # the leader is killed: the other process takes over within about one interval
    survivor = second if leader is first else first
    deployment.ended.add(leader.pid)
    leader.send_signal(signal.SIGKILL)
    leader.wait(timeout=10)
    [late] = deployment.add_learners(1)
    await deployment.wait_reminded([late], timeout=10)
    assert await deployment.wait_leader([survivor], timeout=5) is survivor
    [survivor_dispatcher] = deployment.dispatchers([late])
    assert survivor_dispatcher != first_dispatcher
    third = deployment.start()  # a new process joins as a follower

    # the survivor stops cleanly (SIGTERM) and gives the lock up: the newcomer takes over
    await asyncio.sleep(4 * EVERY_S)
    assert await deployment.stop(survivor) == 0, deployment.logs()
    [later] = deployment.add_learners(1)
    await deployment.wait_reminded([later], timeout=20)
    assert await deployment.wait_leader([third], timeout=5) is third
    await asyncio.sleep(4 * EVERY_S)
    reminded = deployment.reminders()
    assert {chat: reminded[chat] for chat in [*learners, late, later]} == dict.fromkeys([*learners, late, later], 1)
    assert len(reminded) == len(learners) + 2
    [third_dispatcher] = deployment.dispatchers([later])
    assert third_dispatcher not in {first_dispatcher, survivor_dispatcher}
    assert await deployment.stop(third) == 0, deployment.logs()
    assert await asyncio.to_thread(_lock_holders, deployment.app.engine) == []
