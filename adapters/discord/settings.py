"""The Discord adapter's own settings (environment variables ``TUTOR_DISCORD_*`` and ``TUTOR_CALLBACK_SECRET``)."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DISCORD_API = "https://discord.com/api/v10"


class DiscordSettings(BaseSettings):
    """How the bot reaches Discord; `tutor serve` starts Discord when ``token`` is set."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_DISCORD_", env_file=".env", extra="ignore")

    token: str | None = Field(default=None, description="Bot token from the Developer Portal (Bot page).")
    api_url: str = Field(default=DISCORD_API, description="REST API base; the gateway URL comes from its /gateway/bot.")
    max_retry_wait_s: float = Field(
        default=60.0, description="A rate limit asking for a longer wait fails the send instead of holding the queue."
    )
    callback_secret: str | None = Field(
        default=None,
        min_length=16,  # a short key can be guessed, and with it any button forged
        validation_alias=AliasChoices("TUTOR_CALLBACK_SECRET", "callback_secret"),
        description="Key that signs the state carried by buttons; derived from the bot token when unset.",
    )
    default_lang: Literal["fr", "en"] = Field(
        default="fr",
        validation_alias=AliasChoices("TUTOR_DEFAULT_LANG", "default_lang"),
        description="The language of replies (and of slash command descriptions) before a learner's own is known.",
    )

    @property
    def configured(self) -> bool:
        """Whether Discord is to be served."""
        return bool(self.token)
