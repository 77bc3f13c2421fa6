"""The periodic reminder job: APScheduler ticks in every `tutor serve` process, the leader alone dispatches.

The job store is APScheduler's in-memory one: nothing of the scheduler is shared between processes, and the
dispatcher's durable state is in the tutor's database. Which process dispatches is `leadership`'s business.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from tutor.reminders.dispatcher import ReminderDispatcher
from tutor.store.leadership import ReminderLeadership

log = logging.getLogger(__name__)
JOB_ID = "daily-reminders"


Daily = Callable[[datetime], object]


class ReminderJob:
    """One tick: take or keep the leadership, then run the dispatcher if this process leads (and, once a UTC day,
    the deployment's daily chore: the retention purge)."""

    def __init__(
        self, dispatcher: ReminderDispatcher, leadership: ReminderLeadership, daily: Daily | None = None
    ) -> None:
        self.dispatcher = dispatcher
        self.leadership = leadership
        self.daily = daily
        self._daily_done: date | None = None

    async def run(self) -> bool:
        """The job APScheduler calls; True if this process led and dispatched."""
        if not await asyncio.to_thread(self.leadership.try_acquire):
            return False
        await self._run_daily()
        report = await self.dispatcher.tick()
        log.info(
            "reminders: planned %d, sent %d, unreachable %d, failed %d, skipped %d",
            report.planned,
            report.sent,
            report.unreachable,
            report.failed,
            report.skipped,
        )
        return True


    async def _run_daily(self) -> None:
        now = self.dispatcher.clock.now()
        if self.daily is None or self._daily_done == now.date():
            return
        self._daily_done = now.date()
        try:
            log.info("daily chore: %s", await asyncio.to_thread(self.daily, now))
        except Exception:  # the reminders must go out even if the chore fails; it is tried again tomorrow
            log.exception("the daily chore failed")


class ReminderScheduler(AsyncIOScheduler):
    """An AsyncIOScheduler whose shutdown also gives up the reminder leadership, so a follower takes over at once."""

    def __init__(self, leadership: ReminderLeadership, **options: Any) -> None:
        super().__init__(**options)
        self.leadership = leadership

    def shutdown(self, wait: bool = True) -> None:
        try:
            super().shutdown(wait)
        finally:
            self.leadership.close()


def start_reminder_job(
    dispatcher: ReminderDispatcher,
    engine: Engine,
    every_s: float = 60.0,
    leadership: ReminderLeadership | None = None,
    daily: Daily | None = None,
) -> AsyncIOScheduler:
    """Tick every ``every_s`` seconds (the first at once), dispatching while this process leads the deployment;
    call from inside the running event loop. Shutting the scheduler down releases the leadership."""
    leadership = leadership or ReminderLeadership.for_engine(engine)
    job = ReminderJob(dispatcher, leadership, daily)
    scheduler = ReminderScheduler(leadership, timezone="UTC")  # the default, in-memory job store
    return every(scheduler, job.run, every_s, JOB_ID)


def every(scheduler: AsyncIOScheduler, job: Callable[[], Any], every_s: float, job_id: str) -> AsyncIOScheduler:
    """Start ``scheduler`` running ``job`` every ``every_s`` seconds, the first time at once; one run at a time, and
    runs missed while the loop was busy are folded into one."""
    scheduler.add_job(
        job,
        "interval",
        seconds=every_s,
        id=job_id,
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(max(every_s, 1) * 5),
    )
    scheduler.start()
    return scheduler
