"""The Telegram adapter's own settings (environment variables ``TUTOR_TELEGRAM_*`` and ``TUTOR_CALLBACK_SECRET``)."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TelegramSettings(BaseSettings):
    """How the bot reaches Telegram; `tutor serve` starts Telegram when ``token`` is set."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_TELEGRAM_", env_file=".env", extra="ignore")

    token: str | None = Field(default=None, description="Bot token from @BotFather.")
    api_url: str = Field(default="https://api.telegram.org/bot", description="Bot API base URL.")
    webhook_url: str | None = Field(default=None, description="Public URL: webhook mode instead of polling.")
    webhook_secret: str | None = Field(default=None, description="secret_token checked on each webhook call.")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    quiz_mode: Literal["buttons", "poll"] = Field(default="buttons", description="How quizzes are shown.")
    callback_secret: str | None = Field(
        default=None,
        min_length=16,  # a short key can be guessed, and with it any button forged
        validation_alias=AliasChoices("TUTOR_CALLBACK_SECRET", "callback_secret"),
        description="Key that signs button data; derived from the bot token when unset.",
    )
    default_lang: Literal["fr", "en"] = Field(
        default="fr",
        validation_alias=AliasChoices("TUTOR_DEFAULT_LANG", "default_lang"),
        description="The language of replies before a learner's own is known.",
    )

    @property
    def configured(self) -> bool:
        """Whether Telegram is to be served."""
        return bool(self.token)
