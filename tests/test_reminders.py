"""Daily reminders: once a day per learner, quiet hours, pauses, unreachable learners, restarts, two dispatchers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from entrypoints.bootstrap import App, build
from tests.conftest import FIXTURE_COURSE, FIXTURE_QUIZZES, Harness, make_settings
from tests.fakes import FakeEmbedder, FixedClock, InMemoryOutbox
from tutor.quiz.items import load_banks
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher, TickReport
from tutor.reminders.rate_limit import NoRateLimit
from tutor.store.models import ReminderSend

# 07:00 UTC is 08:00 in Paris in November
MORNING = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


@pytest.fixture
def rapp(tmp_path: Path, database_url: str) -> Iterator[App]:
    clock = FixedClock(MORNING)
    a = build(make_settings(tmp_path, database_url=database_url), embedder=FakeEmbedder(), clock=clock)
    a.ingestor.ingest(FIXTURE_COURSE, clock.now())
    a.quiz_store.sync_items(load_banks(FIXTURE_QUIZZES))
    yield a
    a.engine.dispose()


def _dispatcher(app: App, outbox: InMemoryOutbox, name: str = "d1", lease_min: int = 5) -> ReminderDispatcher:
    rules = DispatchRules(lease=timedelta(minutes=lease_min))
    return ReminderDispatcher(app.sessions, outbox, app.assistant.clock, NoRateLimit(), rules, name)


def _clock(app: App) -> FixedClock:
    clock = app.assistant.clock
    assert isinstance(clock, FixedClock)
    return clock


async def _subscribe(app: App, learner: str, time: str = "08:30") -> Harness:
    h = Harness(app, learner=learner)
    [reply] = await h.say(f"/reminder {time}")
    assert "Rappel quotidien" in reply.text and "Europe/Paris" in reply.text
    return h


async def test_one_reminder_a_day_with_a_quiz_button(rapp: App) -> None:
    outbox = InMemoryOutbox()
    await _subscribe(rapp, "ana")
    dispatcher = _dispatcher(rapp, outbox)
    assert (await dispatcher.tick()).sent == 0  # 08:00 in Paris: not yet
    _clock(rapp).advance(minutes=31)
    report = await dispatcher.tick()
    assert (report.sent, len(outbox.to("ana"))) == (1, 1)
    [reply] = outbox.to("ana")[0]
    assert "question(s) vous attendent" in reply.text
    assert reply.buttons[0].data == "quiz:start"
    _clock(rapp).advance(hours=3)
    await dispatcher.tick()
    assert len(outbox.to("ana")) == 1
    _clock(rapp).advance(days=1)
    await dispatcher.tick()
    assert len(outbox.to("ana")) == 2
    [started] = await Harness(rapp, learner="ana").press("quiz:start")
    assert "Question 1/3" in started.text


async def test_no_reminder_without_questions_waiting(rapp: App) -> None:
    outbox = InMemoryOutbox()
    h = await _subscribe(rapp, "ben")
    await h.say("/level 3")  # no level-3 items in the fixture bank
    _clock(rapp).advance(hours=1)
    report = await _dispatcher(rapp, outbox).tick()
    assert (report.skipped, outbox.sent) == (1, [])


async def test_quiet_hours_are_never_broken(rapp: App) -> None:
    outbox = InMemoryOutbox()
    [quiet] = await Harness(rapp, learner="cleo").say("/reminder 22:15")
    assert "Pas de rappel entre 21:00 et 08:00" in quiet.text
    await _subscribe(rapp, "cleo", "20:50")
    _clock(rapp).advance(hours=14, minutes=30)  # 22:30 in Paris: the 20:50 reminder was missed (process down)
    await _dispatcher(rapp, outbox).tick()
    assert outbox.sent == []
    _clock(rapp).advance(hours=22)  # next day 20:30 -> 20:50 not yet
    await _dispatcher(rapp, outbox).tick()
    _clock(rapp).advance(minutes=25)
    await _dispatcher(rapp, outbox).tick()
    assert len(outbox.to("cleo")) == 1


async def test_pause_and_off(rapp: App) -> None:
    outbox = InMemoryOutbox()
    h = await _subscribe(rapp, "dan")
    [paused] = await h.say("/reminder pause 2")
    assert "pause jusqu'au 2026-11-25" in paused.text
    dispatcher = _dispatcher(rapp, outbox)
    _clock(rapp).advance(minutes=31)
    for _ in range(3):
        await dispatcher.tick()
        _clock(rapp).advance(days=1)
    assert len(outbox.to("dan")) == 1  # today and tomorrow paused; the day after it comes
    [off] = await h.say("/reminder off")
    assert "désactivés" in off.text
    _clock(rapp).advance(days=1)
    await dispatcher.tick()
    assert len(outbox.to("dan")) == 1


async def test_unreachable_learner_stops_until_they_come_back(rapp: App) -> None:
    outbox = InMemoryOutbox()
    outbox.blocked.add("eve")
    h = await _subscribe(rapp, "eve")
    dispatcher = _dispatcher(rapp, outbox)
    _clock(rapp).advance(hours=1)
    assert (await dispatcher.tick()).unreachable == 1
    outbox.blocked.clear()
    _clock(rapp).advance(days=1)
    assert (await dispatcher.tick()).planned == 0
    await h.say("/help")  # the learner is back
    _clock(rapp).advance(days=1)
    await dispatcher.tick()
    assert len(outbox.to("eve")) == 1


async def test_claims_and_sends_cut_short_are_sent_after_restart_once(rapp: App) -> None:
    outbox = InMemoryOutbox()
    await _subscribe(rapp, "fay")
    await _subscribe(rapp, "gus")
    _clock(rapp).advance(hours=1)
    crashed = _dispatcher(rapp, outbox, name="crashed")
    claimed = crashed.plan_and_claim(_clock(rapp).now(), TickReport())  # then the process dies
    assert {d.recipient.learner_id for d in claimed} == {"fay", "gus"}
    crashed._mark([d for d in claimed if d.recipient.learner_id == "gus"], "claimed", "sending")  # died mid-send
    restarted = _dispatcher(rapp, outbox, name="restarted")
    assert (await restarted.tick()).sent == 0  # the dead dispatcher's lease has not expired yet
    _clock(rapp).advance(minutes=6)
    assert (await restarted.tick()).sent == 2  # a send cut short is not lost: gus gets his reminder
    assert len(outbox.to("fay")) == 1 and len(outbox.to("gus")) == 1
    _clock(rapp).advance(minutes=6)
    assert (await restarted.tick()).sent == 0  # and nobody gets a second one


async def test_two_dispatchers_never_send_twice(rapp: App) -> None:
    outbox = InMemoryOutbox()
    for n in range(20):
        await _subscribe(rapp, f"learner-{n}")
    _clock(rapp).advance(hours=1)
    a, b = _dispatcher(rapp, outbox, "a"), _dispatcher(rapp, outbox, "b")
    await asyncio.gather(a.tick(), b.tick(), a.tick())
    assert sorted(r.learner_id for r, _ in outbox.sent) == sorted(f"learner-{n}" for n in range(20))
    with rapp.sessions() as s:
        assert s.scalar(select(func.count(ReminderSend.id)).where(ReminderSend.status == "sent")) == 20


async def test_bad_reminder_and_timezone_input(rapp: App) -> None:
    h = Harness(rapp, learner="hal")
    for text in ("/reminder 25:00", "/reminder soon", "/reminder pause x"):
        [reply] = await h.say(text)
        assert "Utilisation : /reminder" in reply.text
    [tz] = await h.say("/timezone Mars/Olympus")
    assert "Fuseau inconnu" in tz.text
    [ok] = await h.say("/timezone America/Montreal")
    assert "America/Montreal" in ok.text


async def test_reminder_job_runs_the_dispatcher_only_while_leading(rapp: App) -> None:
    from sqlalchemy import inspect

    from tutor.reminders.job import JOB_ID, start_reminder_job
    from tutor.store.leadership import ReminderLeadership

    outbox = InMemoryOutbox()
    await _subscribe(rapp, "ivy")
    _clock(rapp).advance(hours=1)
    other = ReminderLeadership.for_engine(rapp.engine)  # another process of the deployment leads
    try:
        assert other.try_acquire()
        scheduler = start_reminder_job(_dispatcher(rapp, outbox), rapp.engine, every_s=0.2)
        try:
            assert scheduler.get_job(JOB_ID) is not None
            await asyncio.sleep(0.7)
            assert outbox.sent == []  # a follower ticks but does not dispatch
            other.release()  # the leader steps down: this process takes over on its next tick
            for _ in range(50):
                if outbox.sent:
                    break
                await asyncio.sleep(0.1)
            assert len(outbox.to("ivy")) == 1
            assert not other.try_acquire()
            assert "apscheduler_jobs" not in inspect(rapp.engine).get_table_names()  # no shared job store
        finally:
            scheduler.shutdown(wait=False)
        assert other.try_acquire()  # shutting the scheduler down gave the leadership up
    finally:
        other.close()


async def test_rate_limiter_keeps_rate_and_never_bursts() -> None:
    import time

    from tutor.reminders.rate_limit import SpacedRateLimiter

    limiter = SpacedRateLimiter(100)
    stamps = []
    for _ in range(120):
        await limiter.acquire()
        stamps.append(time.monotonic())
    assert all(b - a >= 1.0 for a, b in zip(stamps, stamps[100:], strict=False))
    assert 90 <= (len(stamps) - 1) / (stamps[-1] - stamps[0]) <= 101


async def test_dispatcher_only_plans_its_platforms(rapp: App) -> None:
    outbox = InMemoryOutbox()
    await _subscribe(rapp, "jo")
    _clock(rapp).advance(hours=1)
    rules = DispatchRules(platforms=("telegram",))
    dispatcher = ReminderDispatcher(rapp.sessions, outbox, rapp.assistant.clock, NoRateLimit(), rules, "tg")
    assert (await dispatcher.tick()).planned == 0


async def test_transient_failure_is_retried_after_the_lease(rapp: App) -> None:
    class FlakyOutbox(InMemoryOutbox):
        def __init__(self) -> None:
            super().__init__()
            self.fail = True

        async def send(self, recipient, replies):  # type: ignore[no-untyped-def]
            if self.fail:
                self.fail = False
                raise ConnectionError("network down")
            return await super().send(recipient, replies)

    outbox = FlakyOutbox()
    await _subscribe(rapp, "kim")
    _clock(rapp).advance(hours=1)
    dispatcher = _dispatcher(rapp, outbox)
    assert (await dispatcher.tick()).failed == 1
    assert (await dispatcher.tick()).sent == 0
    _clock(rapp).advance(minutes=6)
    assert (await dispatcher.tick()).sent == 1
    assert len(outbox.to("kim")) == 1
