"""The periodic reminder job, on APScheduler with its job store in the tutor's own database."""

from __future__ import annotations

import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from tutor.reminders.dispatcher import ReminderDispatcher

log = logging.getLogger(__name__)
JOB_ID = "daily-reminders"
# The stored job names this function and a key, not the dispatcher itself: each process registers its own.
_DISPATCHERS: dict[str, ReminderDispatcher] = {}


async def run_reminders(key: str) -> None:
    """Run one dispatcher tick (the job APScheduler calls)."""
    dispatcher = _DISPATCHERS.get(key)
    if dispatcher is None:
        log.warning("no reminder dispatcher registered in this process")
        return
    report = await dispatcher.tick()
    log.info(
        "reminders: planned %d, sent %d, unreachable %d, failed %d, skipped %d",
        report.planned,
        report.sent,
        report.unreachable,
        report.failed,
        report.skipped,
    )


def start_reminder_job(dispatcher: ReminderDispatcher, engine: Engine, every_s: float = 60.0) -> AsyncIOScheduler:
    """Schedule the dispatcher every ``every_s`` seconds; call from inside the running event loop."""
    _DISPATCHERS[JOB_ID] = dispatcher
    scheduler = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone="UTC")
    scheduler.add_job(
        run_reminders,
        "interval",
        seconds=every_s,
        args=[JOB_ID],
        id=JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(max(every_s, 1) * 5),
    )
    scheduler.start()
    return scheduler
