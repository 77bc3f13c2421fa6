"""`tutor serve`: every configured chat platform in one process, one core, one store, the reminder job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from entrypoints.bootstrap import App
from tutor.delivery import PlatformOutboxes
from tutor.ports import Outbox
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher
from tutor.reminders.job import start_reminder_job
from tutor.reminders.rate_limit import SpacedRateLimiter

log = logging.getLogger(__name__)


class Service(Protocol):
    """A chat platform's adapter as `tutor serve` runs it."""

    @property
    def platform(self) -> str: ...

    @property
    def outbox(self) -> Outbox: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NotConfigured(Exception):
    """No platform is configured, or one is configured wrongly; the message says what to set."""


def configured_services(app: App) -> list[Service]:
    """The adapters whose settings are present (Telegram now; Discord next)."""
    services: list[Service] = []
    try:
        from adapters.telegram.settings import TelegramSettings
    except ImportError:  # the telegram extra is not installed
        TelegramSettings = None  # type: ignore[assignment,misc]  # noqa: N806
    if TelegramSettings is not None:
        telegram = TelegramSettings()
        if telegram.configured:
            from adapters.telegram.app import TelegramService

            try:
                services.append(TelegramService(app.assistant, telegram))
            except ValueError as exc:
                raise NotConfigured(str(exc)) from None
    if not services:
        raise NotConfigured("Set TUTOR_TELEGRAM_TOKEN to serve on Telegram. For the terminal: tutor chat")
    return services


def reminder_dispatcher(app: App, outbox: PlatformOutboxes) -> ReminderDispatcher:
    """The daily reminder dispatcher for the platforms this process serves."""
    settings = app.settings
    rules = DispatchRules(
        settings.default_timezone,
        settings.quiet_hours_start,
        settings.quiet_hours_end,
        settings.new_items_per_day,
        batch_size=max(1, int(settings.reminder_rate_per_s)),
        platforms=outbox.platforms,
    )
    limiter = SpacedRateLimiter(settings.reminder_rate_per_s)
    return ReminderDispatcher(app.sessions, outbox, app.assistant.clock, limiter, rules)


async def serve(app: App, services: list[Service], stop: asyncio.Event | None = None) -> None:
    """Start every service and the reminder job, run until SIGINT/SIGTERM (or ``stop``), then stop in reverse."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread (tests)
            loop.add_signal_handler(sig, stop.set)
    started: list[Service] = []
    scheduler = None
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("serving %s", service.platform)
        outbox = PlatformOutboxes({s.platform: s.outbox for s in services})
        scheduler = start_reminder_job(reminder_dispatcher(app, outbox), app.engine, app.settings.reminder_every_s)
        await stop.wait()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        for service in reversed(started):
            await service.stop()
