"""Retention: learners inactive past the setting are erased, old turns of the others dropped, recent ones kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tests.fakes import FixedClock
from tutor.store.models import LogEntry
from tutor.store.retention import Retention


async def test_the_retention_policy(app: App, clock: FixedClock) -> None:
    old, active = Harness(app, "old"), Harness(app, "active")
    await old.say("Qu'est-ce que le biais d'automatisation ?")
    await active.say("Qu'est-ce que le biais d'automatisation ?")
    clock.advance(days=300)
    await active.say("Et l'apprentissage supervisé ?")
    clock.advance(days=100)  # old: 400 days without a word; active: 100 days since the last one
    done = Retention(app.sessions, app.learners, days=365).purge(clock.now())
    assert (done.learners, done.turns) == (1, 2)  # old erased; active's first question and its answer dropped
    assert app.learners.find("test", "old") is None
    learner = app.learners.find("test", "active")
    assert learner is not None
    with app.sessions() as s:
        kept = s.scalar(select(func.count(LogEntry.id)).where(LogEntry.learner_id == learner.id))
    assert kept == 2
    assert Retention(app.sessions, app.learners, days=0).purge(clock.now()).learners == 0


async def test_the_leader_runs_the_daily_chore_once_a_day(app: App, clock: FixedClock) -> None:
    from tests.fakes import InMemoryOutbox
    from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher
    from tutor.reminders.job import ReminderJob
    from tutor.reminders.rate_limit import NoRateLimit
    from tutor.store.leadership import SoleLeadership

    runs: list[object] = []
    dispatcher = ReminderDispatcher(app.sessions, InMemoryOutbox(), clock, NoRateLimit(), DispatchRules())
    job = ReminderJob(dispatcher, SoleLeadership("test"), daily=runs.append)
    await job.run()
    await job.run()
    clock.advance(days=1)
    await job.run()
    assert runs == [clock.now() - timedelta(days=1), clock.now()]
