"""Entry point: the PTB Application wired to the assistant, run by long polling or behind a webhook."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from adapters.telegram.commands import publish_commands
from adapters.telegram.concurrency import PerLearnerUpdateProcessor
from adapters.telegram.handlers import AssistantPort, TelegramHandlers
from adapters.telegram.outbox import TelegramOutbox
from adapters.telegram.rate_limit import ChatRateLimiter
from adapters.telegram.sender import TelegramSender
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.signing import CallbackSigner

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.POLL_ANSWER]


def build_application(assistant: AssistantPort, settings: TelegramSettings) -> Application:  # type: ignore[type-arg]
    """The Application: Bot API at ``settings.api_url``, rate-limited, one update at a time per learner,
    the command menu published at start-up."""
    if not settings.token:
        raise ValueError("TUTOR_TELEGRAM_TOKEN is not set")

    async def on_start(application: Application) -> None:  # type: ignore[type-arg]
        await publish_commands(application.bot, settings.default_lang)

    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .rate_limiter(ChatRateLimiter())
        .concurrent_updates(PerLearnerUpdateProcessor())
        .post_init(on_start)
        .build()
    )
    signer = CallbackSigner.from_settings(settings.callback_secret, settings.token)
    sender = TelegramSender(application.bot, signer, assistant, settings.quiz_mode)
    TelegramHandlers(assistant, sender, signer, settings.default_lang).register(application)
    return application


def webhook_options(settings: TelegramSettings) -> dict[str, Any] | None:
    """Arguments of ``run_webhook`` when a webhook URL is set, else None (long polling)."""
    url = settings.webhook_url
    if not url:
        return None
    if not settings.webhook_secret:
        raise ValueError("TUTOR_TELEGRAM_WEBHOOK_SECRET is required with a webhook: it proves an update is Telegram's")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(url).path.lstrip("/"),
        "webhook_url": url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


class TelegramService:
    """Telegram as one of the services of `tutor serve`: started and stopped with the others on one event loop,
    with its Outbox for the pushes of the core."""

    platform = "telegram"

    def __init__(self, assistant: AssistantPort, settings: TelegramSettings) -> None:
        self.webhook = webhook_options(settings)  # raises ValueError on a webhook without its secret
        self.application = build_application(assistant, settings)
        self.outbox = TelegramOutbox.for_bot(self.application.bot, assistant, settings)

    async def start(self) -> None:
        """Initialise the bot, publish the command menu, then take updates by long polling or webhook."""
        app = self.application
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        updater = app.updater
        assert updater is not None
        if self.webhook is None:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            await updater.start_webhook(**self.webhook)
        await app.start()

    async def stop(self) -> None:
        """Stop taking updates, finish those in hand, close the connections."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
