"""PostgreSQL stopped and restarted under traffic: learners hear the polite "technical problem" sentence in their
language while it is down, the same tutor (never rebuilt) serves every message once it is back, and the store holds
exactly what learners were told was done: no question turn or quiz review lost or doubled.

The server is a throwaway one of the test's own (initdb + pg_ctl on a temporary directory and a free port), since
stopping the shared one would break every other test."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from entrypoints.bootstrap import App, build
from tests.conftest import FIXTURE_COURSE, FIXTURE_QUIZZES, make_settings
from tests.fakes import FakeEmbedder, FixedClock, InMemoryVectorIndex
from tutor.domain import Incoming, Reply
from tutor.messages import t
from tutor.quiz.items import load_banks
from tutor.store.models import AskedQuestion, LogEntry, ReviewLog

PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"))
QUESTION = {"fr": "Qu'est-ce que le biais d'automatisation ?", "en": "What is automation bias?"}
SHORT_ANSWER = {"fr": "supervisé", "en": "supervised"}
LEARNERS = (("ana", "fr"), ("ben", "en"), ("cleo", "fr"), ("dan", "en"))
ROUNDS = 6  # per phase and learner: a question and a quiz step each


def pg_binary(name: str) -> str:
    """A PostgreSQL server program: on PATH, else in Debian's folder; the test fails (not skips) without it."""
    found = shutil.which(name) or next((str(d / name) for d in PG_BIN_DIRS if (d / name).exists()), None)
    if found is None:
        pytest.fail(
            f"{name} not found on PATH nor in {', '.join(map(str, PG_BIN_DIRS))}: install the PostgreSQL server"
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder, run as the postgres user when the tests run as root."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, _free_port()
        self.data, self.log = root / "data", root / "server.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.options = f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"

    @property
    def user(self) -> str:
        return "postgres" if self.as_postgres else pwd.getpwuid(os.geteuid()).pw_name

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, pg_binary(program), *args], capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise AssertionError(f"{program} {args[-1]} failed: {done.stdout}{done.stderr}\n{log}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8")

    def pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-w", *args)


@pytest.fixture
def server() -> Iterator[ThrowawayPostgres]:
    # under /tmp, not pytest's tmp_path: the postgres user must reach it, and pytest's root folder is root's alone
    root = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    pg = ThrowawayPostgres(root)
    try:
        pg.init()
        pg.pg_ctl("start")
        yield pg
    finally:
        if (pg.data / "postmaster.pid").exists():
            stop = [*pg.as_postgres, pg_binary("pg_ctl"), "-D", str(pg.data), "-m", "immediate", "stop"]
            subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def tutor(server: ThrowawayPostgres, tmp_path: Path) -> Iterator[App]:
    indexes: dict[str, InMemoryVectorIndex] = {}
    settings = make_settings(tmp_path, database_url=server.url)
    app = build(
        settings, FakeEmbedder(), FixedClock(), index_factory=lambda k: indexes.setdefault(k, InMemoryVectorIndex())
    )
    app.ingestor.ingest(FIXTURE_COURSE, app.assistant.clock.now())
    app.sync_quizzes(load_banks(FIXTURE_QUIZZES))
    yield app
    app.engine.dispose()


class Learner:
    """One learner asking questions and going through quizzes; what the tutor acknowledged is counted, and a step
    that got the technical-problem sentence is tried again, as a learner would."""

    def __init__(self, app: App, name: str, lang: str) -> None:
        self.app, self.name, self.lang = app, name, lang
        self.next_quiz: tuple[str, str] = ("say", "/quiz")
        self.questions = self.reviews = self.errors = 0

    async def send(self, kind: str, value: str) -> list[Reply] | None:
        """The replies, or None for the polite technical-problem sentence."""
        text, button = (value, None) if kind == "say" else ("", value)
        incoming = Incoming("test", self.name, f"chat-{self.name}", text=text, button=button, locale=self.lang)
        replies = await self.app.assistant.handle(incoming)
        if [(r.kind, r.text) for r in replies] == [("error", t("internal_error", self.lang))]:
            self.errors += 1
            return None
        assert all(r.kind != "error" for r in replies), (self.name, value, replies)
        return replies

    async def ask(self) -> bool:
        replies = await self.send("say", QUESTION[self.lang])
        if replies is None:
            return False
        if replies[0].text == t("quiz_answer_first", self.lang):  # it names the open question's answer: not logged
            return True
        assert replies[0].kind in ("answer", "abstention"), replies
        self.questions += 1
        return True

    async def quiz_step(self) -> bool:
        replies = await self.send(*self.next_quiz)
        if replies is None:
            return False  # the same step again next time
        self.next_quiz = self._after(replies[0])
        return True

    def _after(self, reply: Reply) -> tuple[str, str]:
        """The learner's next quiz step after this reply (any other reply, "already answered" say, fails)."""
        if reply.text.startswith(t("quiz_correct", self.lang)):  # every answer given is the right one
            self.reviews += 1
            more = any(b.data == "quiz:next" for b in reply.buttons)
            return ("press", "quiz:next") if more else ("say", "/quiz")
        if reply.text.startswith("Question "):
            options = [b.data for b in reply.buttons if b.data.startswith("q:")]
            return ("press", options[1]) if options else ("say", SHORT_ANSWER[self.lang])
        assert reply.text == t("quiz_nothing", self.lang), (self.name, reply.text)
        return ("say", "/quiz")

    async def rounds(self, n: int, until: threading.Event | None = None) -> None:
        """n rounds of a question and a quiz step; with ``until``, go on until it is set too."""
        done = 0
        while done < n or (until is not None and not until.is_set()):
            await self.ask()
            await self.quiz_step()
            done += 1


def _stored(app: App) -> dict[str, int]:
    with app.sessions() as s:
        return {
            "turns": s.scalar(select(func.count(LogEntry.id))) or 0,
            "reviews": s.scalar(select(func.count(ReviewLog.id))) or 0,
            "answered": s.scalar(select(func.count(AskedQuestion.token)).where(AskedQuestion.answered_at.is_not(None)))
            or 0,
        }


async def _all(learners: list[Learner], n: int, until: threading.Event | None = None) -> None:
    await asyncio.gather(*(learner.rounds(n, until) for learner in learners))


async def test_learners_are_served_through_a_postgresql_restart(server: ThrowawayPostgres, tutor: App) -> None:
    clock = tutor.assistant.clock
    assert isinstance(clock, FixedClock)
    learners = [Learner(tutor, name, lang) for name, lang in LEARNERS]
    started = time.perf_counter()
    await _all(learners, ROUNDS)
    assert sum(x.errors for x in learners) == 0

    server.pg_ctl("-m", "fast", "stop")  # down: every learner hears the polite sentence in their language, at once
    for learner in learners:
        assert not await learner.ask()
        assert not await learner.quiz_step()
        assert learner.errors == 2
    server.pg_ctl("start")
    clock.advance(days=30)  # the cards answered so far are due again
    await _all(learners, ROUNDS)  # back: the same tutor serves every message, nothing rebuilt
    assert sum(x.errors for x in learners) == 2 * len(learners)

    server.pg_ctl("-m", "fast", "restart")  # while nobody writes: the pool's connections all died unnoticed
    clock.advance(days=30)
    await _all(learners, ROUNDS)
    assert sum(x.errors for x in learners) == 2 * len(learners)  # not even the first message after it fails

    restarted = threading.Event()

    def restart() -> None:
        try:
            server.pg_ctl("-m", "fast", "restart")
        finally:
            restarted.set()

    clock.advance(days=30)
    errors_before = sum(x.errors for x in learners)
    restarting = asyncio.create_task(asyncio.to_thread(restart))
    await _all(learners, 2, until=restarted)  # a restart in the middle of the traffic
    await restarting
    during = sum(x.errors for x in learners) - errors_before
    await _all(learners, ROUNDS)
    assert sum(x.errors for x in learners) - errors_before == during  # after the restart, no error at all

    stored = _stored(tutor)
    told = {"turns": 2 * sum(x.questions for x in learners), "reviews": sum(x.reviews for x in learners)}
    assert stored == {**told, "answered": told["reviews"]}, (stored, told)
    print(  # figures, not assertions
        f"\n{sum(x.questions for x in learners)} questions and {told['reviews']} quiz answers acknowledged, "
        f"{during} polite error(s) during the concurrent restart, {time.perf_counter() - started:.1f} s"
    )
