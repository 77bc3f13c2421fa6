"""The dashboard's own settings (environment variables ``TUTOR_DASHBOARD_*``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = "dashboard.secret"


class DashboardSettings(BaseSettings):
    """Where the dashboard listens and how it keeps sessions; `tutor serve` starts it unless ``enabled`` is false."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_DASHBOARD_", env_file=".env", extra="ignore")

    enabled: bool = Field(default=True, description="Serve the dashboard in `tutor serve`.")
    host: str = Field(default="127.0.0.1", description="Interface to listen on (put a TLS proxy in front).")
    port: int = Field(default=8300, ge=1, le=65535)
    secret: str | None = Field(
        default=None,
        description="Key that signs session cookies; every dashboard process of a deployment needs the same one. "
        "Unset: kept in dashboard.secret in the data directory, created on first use.",
    )
    https_only: bool = Field(default=False, description="Send the session cookie over HTTPS only (behind TLS).")
    session_hours: int = Field(default=8, ge=1, le=24 * 14)
    max_failed_logins: int = Field(default=5, ge=1, description="Failed sign-ins per user or address in 15 min.")
    bot_username: str = Field(default="", description="The Telegram bot's username, for cohorts' deep links.")

    def session_secret(self, data_dir: Path) -> str:
        """The configured secret, or the one kept in the data directory (created, readable by its owner only)."""
        if self.secret:
            return self.secret
        path = data_dir / SECRET_FILE
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"{SECRET_FILE}.{os.getpid()}")
            with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
                out.write(secrets.token_urlsafe(48))
            try:
                os.link(draft, path)  # atomic: a process starting at the same time reads the same secret
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_text().strip()
