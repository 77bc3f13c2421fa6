"""Deployment settings of the tutors' review, read once at start-up (prefix ``TUTOR_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReviewSettings(BaseSettings):
    """How often the bot processes drain the outbox of tutors' replies."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", env_file=".env", extra="ignore")

    outbox_every_s: float = Field(default=2.0, gt=0, description="Seconds between two drains of the outbox.")
