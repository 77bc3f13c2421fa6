"""One learner's messages are handled one at a time and in order, in one process and across processes (PostgreSQL),
while other learners go on in parallel."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

from sqlalchemy import select

from entrypoints.bootstrap import App, build
from tests.conftest import make_settings
from tests.fakes import FakeEmbedder, FixedClock
from tutor.domain import Incoming
from tutor.store.models import LogEntry
from tutor.store.unit_of_work import SqlUnitOfWork


async def test_a_learners_messages_keep_their_order_and_others_are_not_held(app: App) -> None:
    answer = app.assistant.answerer.answer
    bob_done, slow_first = asyncio.Event(), asyncio.Event()

    async def slow(question: str, *args: object, **kwargs: object) -> object:
        if question.startswith("un"):  # alice's first question is answered only once bob has his answer
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bob_done.wait(), 10)
            slow_first.set()
        return await answer(question, *args, **kwargs)  # type: ignore[arg-type]

    app.assistant.answerer.answer = slow  # type: ignore[method-assign]
    sent = ["un biais ?", "deux biais ?", "trois biais ?"]
    tasks = []
    for text in sent:
        tasks.append(asyncio.create_task(app.assistant.handle(Incoming("test", "alice", "c", text=text, locale="fr"))))
        await asyncio.sleep(0.05)  # they arrive in this order
    await app.assistant.handle(Incoming("test", "bob", "c", text="quatre biais ?", locale="fr"))
    assert not slow_first.is_set()  # bob was not held behind alice's slow first question
    bob_done.set()
    await asyncio.gather(*tasks)
    learner = app.learners.find("test", "alice")
    assert learner is not None
    with app.sessions() as s:
        mine = (LogEntry.learner_id == learner.id) & (LogEntry.role == "learner")
        said = s.scalars(select(LogEntry.text).where(mine).order_by(LogEntry.id)).all()
    assert list(said) == sent


def test_across_processes_the_learner_is_held_by_the_database(postgres_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=postgres_url)
    first = build(settings, embedder=FakeEmbedder(), clock=FixedClock())
    second = build(settings, embedder=FakeEmbedder(), clock=FixedClock())  # another process, the same database
    try:
        held, released = threading.Event(), threading.Event()

        def hold_in_first() -> None:
            with SqlUnitOfWork(first.sessions)():
                first.learners.hold("test", "alice")
                held.set()
                released.wait(5)

        worker = threading.Thread(target=hold_in_first)
        worker.start()
        held.wait(5)
        started = time.perf_counter()
        threading.Timer(0.5, released.set).start()
        with SqlUnitOfWork(second.sessions)():
            second.learners.hold("test", "alice")  # waits for the first to commit
        waited = time.perf_counter() - started
        with SqlUnitOfWork(second.sessions)():
            second.learners.hold("test", "bob")  # another learner: no wait
        worker.join()
        assert waited >= 0.4
    finally:
        first.engine.dispose()
        second.engine.dispose()
