"""Entry point: the PTB Application wired to the tutor, run by long polling or behind a webhook."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from adapters.telegram.commands import publish_commands
from adapters.telegram.concurrency import PerLearnerUpdateProcessor
from adapters.telegram.handlers import TelegramHandlers, TutorPort
from adapters.telegram.rate_limit import ChatRateLimiter
from adapters.telegram.sender import TelegramSender
from adapters.telegram.signing import CallbackSigner
from tutor.settings import Settings

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.POLL_ANSWER]


def build_application(tutor: TutorPort, settings: Settings) -> Application:  # type: ignore[type-arg]
    """The Application: Bot API at ``settings.telegram_api_url``, rate-limited, one update at a time per learner,
    the command menu published at start-up."""
    if not settings.telegram_token:
        raise ValueError("TUTOR_TELEGRAM_TOKEN is not set")

    async def on_start(application: Application) -> None:  # type: ignore[type-arg]
        await publish_commands(application.bot, settings.default_lang)

    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .rate_limiter(ChatRateLimiter())
        .concurrent_updates(PerLearnerUpdateProcessor())
        .post_init(on_start)
        .build()
    )
    signer = CallbackSigner.from_settings(settings.callback_secret, settings.telegram_token)
    sender = TelegramSender(application.bot, signer, tutor, settings.telegram_quiz_mode)
    TelegramHandlers(tutor, sender, signer, settings.default_lang).register(application)
    return application


def webhook_options(settings: Settings) -> dict[str, Any] | None:
    """Arguments of ``run_webhook`` when a webhook URL is set, else None (long polling)."""
    url = settings.telegram_webhook_url
    if not url:
        return None
    if not settings.telegram_webhook_secret:
        raise ValueError("TUTOR_TELEGRAM_WEBHOOK_SECRET is required with a webhook: it proves an update is Telegram's")
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(url).path.lstrip("/"),
        "webhook_url": url,
        "secret_token": settings.telegram_webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def run(tutor: TutorPort, settings: Settings) -> None:
    """Serves Telegram until stopped (Ctrl-C, SIGTERM): long polling, or a webhook if its URL is set."""
    application = build_application(tutor, settings)
    webhook = webhook_options(settings)
    if webhook is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    else:
        application.run_webhook(**webhook)
