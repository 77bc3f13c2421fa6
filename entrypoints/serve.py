"""`tutor serve`: every configured chat platform in one process, one core, one store, the reminder job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from entrypoints.bootstrap import App, tutors_desk
from tutor.delivery import PlatformOutboxes
from tutor.ports import Outbox
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher
from tutor.reminders.job import start_reminder_job
from tutor.reminders.rate_limit import SpacedRateLimiter
from tutor.review.delivery import OutboxDrain, start_outbox_job
from tutor.review.settings import ReviewSettings
from tutor.store.retention import Retention
from tutor.store.review import OutboxStore

if TYPE_CHECKING:
    from adapters.dashboard.service import DashboardService
    from adapters.dashboard.settings import DashboardSettings

log = logging.getLogger(__name__)


class Service(Protocol):
    """A chat platform's adapter as `tutor serve` runs it."""

    @property
    def platform(self) -> str: ...

    @property
    def outbox(self) -> Outbox: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Background(Protocol):
    """A service of `tutor serve` that is not a chat platform (the tutors' dashboard)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NotConfigured(Exception):
    """No platform is configured, or one is configured wrongly; the message says what to set."""


def configured_services(app: App) -> list[Service]:
    """The adapters whose settings are present: Telegram, Discord."""
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
    services += _discord_services(app)
    if not services:
        raise NotConfigured("Set TUTOR_TELEGRAM_TOKEN or TUTOR_DISCORD_TOKEN (or both). For the terminal: tutor chat")
    return services


def _discord_services(app: App) -> list[Service]:
    """Discord when ``TUTOR_DISCORD_TOKEN`` is set (its settings import no SDK; the adapter needs the discord extra)."""
    from adapters.discord.settings import DiscordSettings

    settings = DiscordSettings()
    if not settings.configured:
        return []
    try:
        from adapters.discord.app import DiscordService
    except ImportError:
        raise NotConfigured("TUTOR_DISCORD_TOKEN is set but discord.py is missing: pip install '.[discord]'") from None
    try:
        return [DiscordService(app.assistant, settings)]
    except ValueError as exc:
        raise NotConfigured(str(exc)) from None


def dashboard_services(app: App) -> list[Background]:
    """The tutors' dashboard, unless ``TUTOR_DASHBOARD_ENABLED=false`` or the dashboard extra is not installed."""
    from adapters.dashboard.settings import DashboardSettings

    settings = DashboardSettings()
    if not settings.enabled:
        return []
    try:
        return [dashboard_service(app, settings)]
    except ImportError:
        log.warning("the dashboard extra is not installed (pip install '.[dashboard]'): no dashboard")
        return []


def dashboard_service(app: App, settings: DashboardSettings) -> DashboardService:
    """The dashboard's web server over the app's store (argon2 passwords, sessions signed with the settings' key)."""
    from adapters.dashboard.app import create_app
    from adapters.dashboard.passwords import Argon2Hasher
    from adapters.dashboard.service import DashboardService

    web = create_app(tutors_desk(app, Argon2Hasher()), settings, settings.session_secret(app.settings.data_dir))
    return DashboardService(web, settings.host, settings.port)


def outbox_drain(app: App, outbox: PlatformOutboxes) -> OutboxDrain:
    """The drain of the durable outbox (tutors' replies) for the platforms this process serves."""
    return OutboxDrain(OutboxStore(app.sessions), outbox, app.assistant.clock, outbox.platforms)


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


async def serve(
    app: App, services: list[Service], stop: asyncio.Event | None = None, extras: Sequence[Background] = ()
) -> None:
    """Start every service (and ``extras``, the dashboard), the reminder job and the outbox drain, run until
    SIGINT/SIGTERM (or ``stop``), then stop in reverse."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread (tests)
            loop.add_signal_handler(sig, stop.set)
    started: list[Service | Background] = []
    scheduler = drain = None
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("serving %s", service.platform)
        for extra in extras:
            await extra.start()
            started.append(extra)
        outbox = PlatformOutboxes({s.platform: s.outbox for s in services})
        if services:
            retention = Retention(app.sessions, app.learners, app.settings.retention_days)
            scheduler = start_reminder_job(
                reminder_dispatcher(app, outbox), app.engine, app.settings.reminder_every_s, daily=retention.purge
            )
            drain = start_outbox_job(outbox_drain(app, outbox), ReviewSettings().outbox_every_s)
        await stop.wait()
    finally:
        if drain is not None:
            drain.shutdown(wait=False)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        for running in reversed(started):
            await running.stop()
